import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { ImapSession } from '../../src/mail/imap-client';
import { OutboundHostPolicy } from '../../src/mail/outbound-host-policy';
import { mailboxMonitorWorkflowId } from '../../workflows/mailbox-monitor/definitions';
import { deliverToImap, resetUidValidity, restartDovecot } from '../helpers/dovecot';
import { CAMPAIGNS } from '../helpers/api-paths';
import { enrollmentFixtures, type Enrolled } from '../helpers/enrollment-fixtures';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { inboundFixture, type InboundFixtureName } from '../helpers/inbound-fixtures';
import {
  stackWithOrganization,
  eventually,
  messagesTo,
  sleep,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

/**
 * Replies, auto-replies, bounce reports and complaints, APPENDed to a real Dovecot mailbox and read by the mailbox
 * monitor workflow the worker runs: classification, effects on the sequence, records and statistics.
 */
describe('inbound mail over IMAP', () => {
  let stack: TestStack;
  let api: ApiClient;
  let fixtures: ReturnType<typeof enrollmentFixtures>;

  /** A sending account whose IMAP side is a fresh Dovecot user. */
  interface Account {
    smtpUsername: string;
    imapUser: string;
  }

  const newAccount = (): Account => {
    const id = crypto.randomBytes(5).toString('hex');
    return { smtpUsername: `sender-${id}@sender.test`, imapUser: `mb-${id}@imap.test` };
  };

  const credentialOf = (account: Account, imapPassword = stack.info.imap.password) => ({
    label: 'Test SMTP + IMAP',
    smtp_host: '127.0.0.1',
    smtp_port: stack.info.smtpPort,
    smtp_security: 'none',
    smtp_username: account.smtpUsername,
    smtp_password: 'secret-password',
    from_name: 'Sequencer Tests',
    daily_limit: 1000,
    imap_host: stack.info.imap.host,
    imap_port: stack.info.imap.port,
    imap_security: 'none',
    imap_username: account.imapUser,
    imap_password: imapPassword,
  });

  /** A campaign sending from these accounts: step 2 comes `followUpSeconds` after step 1. */
  async function createCampaign(
    accounts: Account[],
    options: { followUpSeconds?: number | null; stopOn?: string; imapPassword?: string } = {},
  ): Promise<string> {
    const followUp = options.followUpSeconds === undefined ? 20 : options.followUpSeconds;
    const steps = [{ subject: 'Quick question', delaySeconds: 0 }];
    if (followUp !== null) steps.push({ subject: 'Following up', delaySeconds: followUp });
    const body = campaignBody(stack.info, { steps });
    const campaign = {
      ...body.campaign,
      ...(options.stopOn ? { stop_on: options.stopOn } : {}),
      smtp_credentials: accounts.map((account) => credentialOf(account, options.imapPassword)),
    };
    return (await api.post(CAMPAIGNS, { campaign }).expect(201)).body.data.id as string;
  }

  /** Enrolls a new contact, dispatches, and waits for step 1 to be sent; answers its Message-ID too. */
  async function startSequence(campaignId: string): Promise<Enrolled & { firstMessageId: string }> {
    const enrolled = await fixtures.enroll(campaignId, uniqueEmail('prospect'));
    await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`);
    const firstMessageId = await eventually(async () => (await sentMessage(enrolled.enrollmentId, 1))?.messageId, {
      what: 'step 1 sent',
    });
    return { ...enrolled, firstMessageId };
  }

  /** The message of that step, once sent. */
  const sentMessage = async (enrollmentId: string, position: number) => {
    const message = await stack.db.repos.messages.findByStep(enrollmentId, position);
    return message?.status === 'sent' ? message : undefined;
  };

  const mailboxRow = async (smtpUsername: string) =>
    (
      await fixtures.sql<{
        id: string;
        status: string;
        disabled_reason: string | null;
        imap_status: string | null;
        imap_error: string | null;
      }>(
        `SELECT id, status, disabled_reason, imap_status, imap_error FROM mailboxes
          WHERE smtp_username = $1`,
        [smtpUsername],
      )
    )[0]!;

  /** Waits until the mailbox's monitor holds an IMAP session (and so is in IDLE or about to be). */
  const monitorConnected = (account: Account) =>
    eventually(async () => (await mailboxRow(account.smtpUsername)).imap_status === 'connected', {
      what: `the monitor of ${account.imapUser} to connect`,
    });

  /** Delivers a message into the account's IMAP folder, as a mail server would. */
  const deliver = (account: Account, raw: Buffer, folder = 'INBOX') =>
    deliverToImap(stack.info.imap, account.imapUser, raw, folder);

  const fixture = (name: InboundFixtureName, account: Account, to: Enrolled & { firstMessageId: string }) =>
    inboundFixture(name, {
      contactEmail: to.email,
      mailboxEmail: account.smtpUsername,
      originalMessageId: to.firstMessageId,
    });

  const repliesOf = async (enrollmentId: string) =>
    (await stack.db.repos.inbound.repliesTo([enrollmentId])).map((reply) => ({
      kind: reply.kind,
      confidence: reply.confidence,
      folder: reply.folder,
      from_email: reply.fromEmail,
    }));

  const bouncesOf = (enrollmentId: string) =>
    fixtures.sql<{ kind: string; status: string | null; recipient: string | null }>(
      'SELECT kind, status, recipient FROM bounces WHERE enrollment_id = $1',
      [enrollmentId],
    );

  /**
   * The enrollment ends before its reply or report is recorded (a separate commit, with its event): once its status
   * shows, wait for the record too.
   */
  const recordedReplies = async (enrollmentId: string) => {
    await eventually(async () => (await repliesOf(enrollmentId)).length > 0, { what: 'the reply recorded' });
    return repliesOf(enrollmentId);
  };
  const recordedBounces = async (enrollmentId: string) => {
    await eventually(async () => (await bouncesOf(enrollmentId)).length > 0, { what: 'the report recorded' });
    return bouncesOf(enrollmentId);
  };

  const statusOf = async (enrollmentId: string) => (await fixtures.enrollmentRow(enrollmentId))?.status;

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
    fixtures = enrollmentFixtures(stack, api);
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('on one monitored mailbox', () => {
    const account = newAccount();
    let campaignId: string;

    beforeAll(async () => {
      campaignId = await createCampaign([account]);
    });

    it('when a threaded reply arrives while the monitor is in IDLE, then the sequence stops within 5 seconds', async () => {
      const prospect = await startSequence(campaignId);
      await monitorConnected(account);

      await deliver(account, fixture('threaded-reply', account, prospect));

      await eventually(async () => (await statusOf(prospect.enrollmentId)) === 'replied', {
        timeoutMs: 5_000,
        what: 'the enrollment to end replied',
      });
      expect(await fixtures.result(prospect)).toEqual({ status: 'replied', stepsSent: 1 });
      expect(await recordedReplies(prospect.enrollmentId)).toEqual([
        { kind: 'reply', confidence: 'high', folder: 'INBOX', from_email: prospect.email },
      ]);
      expect((await messagesTo(stack.info, [prospect.email])).map((message) => message.subject)).toEqual([
        'Quick question',
      ]);

      const history = (await api.get(`${CAMPAIGNS}/${campaignId}/enrollments/${prospect.enrollmentId}/messages`)).body
        .data;
      expect(history[0].replied_at).not.toBeNull();
      expect(history[0].replies).toEqual([
        expect.objectContaining({ kind: 'reply', match_confidence: 'high', from_email: prospect.email }),
      ]);
      const listed = (await api.get(`${CAMPAIGNS}/${campaignId}/replies`).expect(200)).body.data;
      expect(listed).toContainEqual(
        expect.objectContaining({
          enrollment_id: prospect.enrollmentId,
          match_confidence: 'high',
          subject: expect.stringMatching(/^Re: /),
          hours_to_reply: expect.any(Number),
        }),
      );
      expect((await api.get(`${CAMPAIGNS}/${campaignId}`)).body.data.totals.replied).toBeGreaterThanOrEqual(1);
    });

    it('when a reply without thread headers comes from the contact, then it is matched by sender and stops the sequence', async () => {
      const prospect = await startSequence(campaignId);

      await deliver(account, fixture('reply-stripped-references', account, prospect));

      await eventually(async () => (await statusOf(prospect.enrollmentId)) === 'replied', { what: 'replied' });
      expect(await recordedReplies(prospect.enrollmentId)).toEqual([
        { kind: 'reply', confidence: 'low', folder: 'INBOX', from_email: prospect.email },
      ]);
      expect(await fixtures.result(prospect)).toEqual({ status: 'replied', stepsSent: 1 });
    });

    it('when the contact mails the List-Unsubscribe address, then the contact is unsubscribed, not replied', async () => {
      const prospect = await startSequence(campaignId);

      await deliver(account, fixture('unsubscribe-mailto', account, prospect));

      await eventually(async () => (await statusOf(prospect.enrollmentId)) === 'unsubscribed', {
        what: 'the enrollment to end unsubscribed',
      });
      expect(await recordedReplies(prospect.enrollmentId)).toEqual([
        { kind: 'unsubscribe', confidence: 'low', folder: 'INBOX', from_email: prospect.email },
      ]);
      expect(await fixtures.contactStatus(prospect.contactId)).toBe('unsubscribed');
      expect(await fixtures.result(prospect)).toEqual({ status: 'unsubscribed', stepsSent: 1 });
    });

    it('when a reply lands in the junk folder, then it is found there too', async () => {
      const prospect = await startSequence(campaignId);

      await deliver(account, fixture('threaded-reply', account, prospect), 'Junk');
      // Junk is read on every wake-up of the INBOX session (and polled every 30 s): new INBOX mail wakes it now.
      await deliver(
        account,
        inboundFixture('newsletter', { contactEmail: prospect.email, mailboxEmail: account.smtpUsername }),
      );

      await eventually(async () => (await statusOf(prospect.enrollmentId)) === 'replied', { what: 'replied' });
      expect(await recordedReplies(prospect.enrollmentId)).toEqual([
        { kind: 'reply', confidence: 'high', folder: 'Junk', from_email: prospect.email },
      ]);
    });

    it('when an out-of-office answers, then it is recorded as an auto-reply and the sequence goes on', async () => {
      const short = await createCampaign([account], { followUpSeconds: 6 });
      const prospect = await startSequence(short);

      await deliver(account, fixture('out-of-office', account, prospect));

      await eventually(async () => (await repliesOf(prospect.enrollmentId)).length === 1, { what: 'recorded' });
      expect(await repliesOf(prospect.enrollmentId)).toEqual([
        { kind: 'auto_reply', confidence: 'high', folder: 'INBOX', from_email: prospect.email },
      ]);
      expect(await fixtures.result(prospect)).toEqual({ status: 'completed', stepsSent: 2 });
      expect((await api.get(`${CAMPAIGNS}/${short}`)).body.data.totals.replied).toBe(0);
    });

    it('when a DSN reports 5.1.1, then the contact is bounced, the sequence ends and the bounce is listed', async () => {
      const prospect = await startSequence(campaignId);

      await deliver(account, fixture('dsn-hard-5.1.1', account, prospect));

      await eventually(async () => (await statusOf(prospect.enrollmentId)) === 'bounced', { what: 'bounced' });
      expect(await fixtures.contactStatus(prospect.contactId)).toBe('bounced');
      expect(await recordedBounces(prospect.enrollmentId)).toEqual([
        { kind: 'hard', status: '5.1.1', recipient: prospect.email },
      ]);
      expect(await fixtures.result(prospect)).toEqual({ status: 'bounced', stepsSent: 1 });
      const details = (await api.get(`${CAMPAIGNS}/${campaignId}`)).body.data;
      expect(details.recent_bounces).toContainEqual(
        expect.objectContaining({
          enrollment_id: prospect.enrollmentId,
          smtp_response: expect.stringContaining('550'),
        }),
      );
    });

    it('when a DSN says delivery is delayed, then it is a soft bounce and the sequence goes on', async () => {
      const short = await createCampaign([account], { followUpSeconds: 6 });
      const prospect = await startSequence(short);

      await deliver(account, fixture('dsn-delayed', account, prospect));

      await eventually(async () => (await bouncesOf(prospect.enrollmentId)).length === 1, { what: 'recorded' });
      expect(await bouncesOf(prospect.enrollmentId)).toEqual([
        { kind: 'soft', status: expect.stringMatching(/^4\./), recipient: prospect.email },
      ]);
      expect(await fixtures.result(prospect)).toEqual({ status: 'completed', stepsSent: 2 });
      expect(await fixtures.contactStatus(prospect.contactId)).toBe('active');
    });

    it('when an ARF complaint arrives, then the contact is complained and suppressed everywhere', async () => {
      const prospect = await startSequence(campaignId);
      const elsewhere = await createCampaign([account]);
      await api.post(`${CAMPAIGNS}/${elsewhere}/enroll_contact`, { contact: { email: prospect.email } }).expect(201);

      await deliver(account, fixture('arf-complaint', account, prospect));

      await eventually(async () => (await fixtures.contactStatus(prospect.contactId)) === 'complained', {
        what: 'complained',
      });
      expect(await statusOf(prospect.enrollmentId)).toBe('unsubscribed');
      expect(await recordedBounces(prospect.enrollmentId)).toEqual([
        { kind: 'complaint', status: 'abuse', recipient: prospect.email },
      ]);
      const other = await stack.db.repos.content.enrollmentOfContact(elsewhere, prospect.contactId);
      expect(other?.status).toBe('unsubscribed');
    });

    it('when an unrelated newsletter arrives, then nothing is recorded and the sequence goes on', async () => {
      const short = await createCampaign([account], { followUpSeconds: 6 });
      const prospect = await startSequence(short);

      await deliver(
        account,
        inboundFixture('newsletter', { contactEmail: prospect.email, mailboxEmail: account.smtpUsername }),
      );

      expect(await fixtures.result(prospect)).toEqual({ status: 'completed', stepsSent: 2 });
      expect(await repliesOf(prospect.enrollmentId)).toEqual([]);
      expect(await bouncesOf(prospect.enrollmentId)).toEqual([]);
    });

    it('when the campaign never stops on replies, then a reply is counted and the sequence goes on', async () => {
      const never = await createCampaign([account], { followUpSeconds: 6, stopOn: 'never' });
      const prospect = await startSequence(never);

      await deliver(account, fixture('threaded-reply', account, prospect));

      expect(await fixtures.result(prospect)).toEqual({ status: 'completed', stepsSent: 2 });
      expect(await repliesOf(prospect.enrollmentId)).toHaveLength(1);
      expect((await api.get(`${CAMPAIGNS}/${never}`)).body.data.totals.replied).toBe(1);
    });

    it('when the UIDVALIDITY changes and then Dovecot restarts, then nothing is lost and nothing is read twice', async () => {
      const replied = await startSequence(campaignId);
      const delayed = await startSequence(campaignId);
      const later = await startSequence(campaignId);
      const last = await startSequence(campaignId);
      await deliver(account, fixture('threaded-reply', account, replied));
      await deliver(account, fixture('dsn-delayed', account, delayed));
      await eventually(async () => (await statusOf(replied.enrollmentId)) === 'replied', { what: 'replied' });
      await eventually(async () => (await bouncesOf(delayed.enrollmentId)).length === 1, { what: 'soft bounce' });
      const before = await cursorOf(account);

      // The server renumbers INBOX (as after a migration): the monitor rescans by date, and skips what it recorded.
      await resetUidValidity(stack.info.imap.dir, account.imapUser);
      await deliver(account, fixture('threaded-reply', account, later));
      await eventually(async () => (await statusOf(later.enrollmentId)) === 'replied', { what: 'later replied' });
      expect((await cursorOf(account)).uidValidity).not.toBe(before.uidValidity);

      // The server restarts: a reply delivered while the monitor reconnects is read once it is back.
      await restartDovecot(stack.info.imap.dir);
      await deliver(account, fixture('threaded-reply', account, last));
      await eventually(async () => (await statusOf(last.enrollmentId)) === 'replied', { what: 'last replied' });

      await sleep(2_000); // room for a wrongly repeated read to show
      for (const prospect of [replied, later, last]) expect(await repliesOf(prospect.enrollmentId)).toHaveLength(1);
      expect(await bouncesOf(delayed.enrollmentId)).toHaveLength(1);
      expect(await repliesOf(delayed.enrollmentId)).toHaveLength(0);
    });

    const cursorOf = async (of: Account) =>
      (await stack.db.repos.inbound.cursor((await mailboxRow(of.smtpUsername)).id, 'INBOX'))!;
  });

  it('when the cursor is at the highest UID, then no UID is new (IMAP `N:*` would still match the highest)', async () => {
    const account = newAccount();
    for (let index = 0; index < 2; index++) {
      await deliver(
        account,
        inboundFixture('newsletter', { contactEmail: 'x@example.test', mailboxEmail: 'y@example.test' }),
      );
    }
    const session = await ImapSession.open(
      {
        host: stack.info.imap.host,
        port: stack.info.imap.port,
        security: 'none',
        username: account.imapUser,
        password: stack.info.imap.password,
      },
      new OutboundHostPolicy({ mode: 'default', allow: [] }),
    );
    try {
      const folder = await session.select('INBOX');
      const all = await session.uidsAfter(0);
      expect(all).toHaveLength(2);
      expect(await session.uidsAfter(all[0]!)).toEqual([all[1]]);
      expect(await session.uidsAfter(all[1]!)).toEqual([]);
      expect(await session.uidsAfter(folder.uidNext + 10)).toEqual([]);
      expect(await session.watchedFolders()).toEqual(['INBOX', 'Junk']);
    } finally {
      await session.close();
    }
  });

  it('when the monitor is not running, then the check before a follow-up still finds the reply', async () => {
    const account = newAccount();
    const campaignId = await createCampaign([account], { followUpSeconds: 15 });
    const prospect = await startSequence(campaignId);
    const mailbox = await mailboxRow(account.smtpUsername);
    const monitor = stack.temporal.workflow.getHandle(mailboxMonitorWorkflowId(mailbox.id));
    await monitor.terminate('test: no monitor');
    // `UPDATE_HISTORIES=1 npm test` refreshes the fixture that test/workflows replays on every run.
    if (process.env.UPDATE_HISTORIES === '1') {
      const file = path.join(__dirname, '..', 'workflows', 'histories', 'mailbox-monitor-terminated.json');
      await fs.writeFile(file, `${historyToJSON(await monitor.fetchHistory())}\n`);
    }
    // Its last session notices the termination at its next heartbeat (every 5 s) and lets go of the mailbox.
    await sleep(7_000);

    await deliver(account, fixture('threaded-reply', account, prospect));
    await sleep(3_000);
    expect(await statusOf(prospect.enrollmentId)).toBe('active'); // nobody read it yet

    expect(await fixtures.result(prospect)).toEqual({ status: 'replied', stepsSent: 1 });
    expect(await repliesOf(prospect.enrollmentId)).toHaveLength(1);
    expect(await messagesTo(stack.info, [prospect.email])).toHaveLength(1);
  });

  it('when the IMAP login is refused, then the mailbox shows the error and recovers once the password is fixed', async () => {
    const account = newAccount();
    const campaignId = await createCampaign([account], { imapPassword: 'wrong-password' });
    await startSequence(campaignId);

    const failed = await eventually(
      async () => {
        const row = await mailboxRow(account.smtpUsername);
        return row.imap_status === 'error' ? row : null;
      },
      { what: 'the login failure on the mailbox' },
    );
    expect(failed.imap_error).toMatch(/refused; check the IMAP username and password/);
    const credential = (await api.get(`${CAMPAIGNS}/${campaignId}`)).body.data.credentials[0];
    expect(credential).toMatchObject({ imap_status: 'error', imap_error: failed.imap_error });
    expect(JSON.stringify(credential)).not.toContain('wrong-password');

    // The same account with the right password: the monitor's next attempt (with backoff) logs in.
    await createCampaign([account]);
    await monitorConnected(account);
    expect((await mailboxRow(account.smtpUsername)).imap_error).toBeNull();
  });

  it('when the bounce rate crosses the threshold, then the mailbox is disabled and the next first step uses another', async () => {
    const failing = newAccount();
    const healthy = newAccount();
    const oneStep = await createCampaign([failing], { followUpSeconds: null });
    const prospects: Enrolled[] = [];
    for (let index = 0; index < 20; index++) prospects.push(await fixtures.enroll(oneStep, uniqueEmail('bulk')));
    await api.post(`${CAMPAIGNS}/${oneStep}/dispatch`).expect(202);
    const firstIds = await eventually(
      async () => {
        const ids = await Promise.all(
          prospects.map(async (prospect) => (await sentMessage(prospect.enrollmentId, 1))?.messageId),
        );
        return ids.every(Boolean) ? (ids as string[]) : null;
      },
      { what: '20 first steps sent' },
    );

    // 2 of 20 (10 %) hard-bounce: above the default threshold of 8 %.
    for (const index of [0, 1]) {
      await deliver(
        failing,
        fixture('dsn-hard-5.1.1', failing, { ...prospects[index]!, firstMessageId: firstIds[index]! }),
      );
    }

    const disabled = await eventually(
      async () => {
        const row = await mailboxRow(failing.smtpUsername);
        return row.status === 'disabled' ? row : null;
      },
      { what: 'the mailbox disabled' },
    );
    expect(disabled.disabled_reason).toMatch(/^bounce rate 10\.0% \(2 of the last 20 sends\) crossed/);

    const both = await createCampaign([failing, healthy]);
    const next = await startSequence(both);
    expect((await sentMessage(next.enrollmentId, 1))!.mailboxId).toBe((await mailboxRow(healthy.smtpUsername)).id);

    await api.post(`${CAMPAIGNS}/${both}/smtp_credentials/${disabled.id}/reenable`).expect(200);
    expect(await mailboxRow(failing.smtpUsername)).toMatchObject({ status: 'active', disabled_reason: null });
  });
});
