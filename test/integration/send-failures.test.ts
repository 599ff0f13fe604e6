import { sendStep, TransientSendError, type StepSenderDeps } from '../../src/domain/delivery/step-sender';
import { enrollmentWorkflowId, type EnrollmentState } from '../../workflows/enrollment/definitions';
import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { freePorts } from '../helpers/ports';
import { startScriptedSmtpServer, type ScriptedSmtpServer } from '../helpers/scripted-smtp-server';
import { connectTestStack, eventually, type ApiClient, type TestStack } from '../helpers/test-stack';

/**
 * What happens to a send when things break on the sender's side of the conversation, on the real stack: the
 * enrollment workflows run on the suite's worker, against real SMTP servers over TCP.
 */
describe('sends that fail on our side: unknown outcomes, broken mailboxes, outages', () => {
  let stack: TestStack;
  let api: ApiClient;
  let deps: StepSenderDeps;
  /** Drops the connection after the first copy of any `drop-…` recipient's step 1, and answers 451 to `grey-…`. */
  let server: ScriptedSmtpServer;

  beforeAll(async () => {
    stack = await connectTestStack();
    api = stack.api((await stack.newOrganization()).apiKey);
    server = await startScriptedSmtpServer(({ to, subject, copy }) => {
      if (to.startsWith('drop-') && subject === 'First' && copy === 1) return 'drop';
      if (to.startsWith('grey-')) return { code: 451, text: '4.3.0 Try again later' };
      return 'accept';
    });
    deps = stack.senderDeps;
  });

  afterAll(async () => {
    await server.close();
    await stack.close();
  });

  /** A campaign sending `steps` (subjects First, Second…; a few seconds apart) from a mailbox on `port`. */
  async function createCampaign(
    options: { port?: number; steps?: number; security?: 'none' | 'tls'; username?: string; dailyLimit?: number } = {},
  ): Promise<string> {
    const subjects = ['First', 'Second', 'Third'].slice(0, options.steps ?? 2);
    const body = campaignBody(
      { ...stack.info, smtpPort: options.port ?? server.port },
      {
        steps: subjects.map((subject, index) => ({ subject, delaySeconds: index === 0 ? 0 : 2 })),
        ...(options.dailyLimit ? { dailyLimit: options.dailyLimit } : {}),
      },
    );
    const mailbox = body.campaign.smtp_credentials[0]!;
    if (options.security) mailbox.smtp_security = options.security;
    if (options.username) mailbox.smtp_username = options.username;
    return (await api.post(CAMPAIGNS, body).expect(201)).body.data.id as string;
  }

  async function enroll(campaignId: string, email: string) {
    const response = await api
      .post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Robin' } })
      .expect(201);
    return { enrollmentId: response.body.data.id as string, contactId: response.body.data.contact_id as string };
  }

  const messages = async (campaignId: string, enrollmentId: string) =>
    (await api.get(`${CAMPAIGNS}/${campaignId}/enrollments/${enrollmentId}/messages`).expect(200)).body.data as {
      step: number;
      status: string;
      smtp_response: string | null;
    }[];

  const credential = async (campaignId: string) =>
    (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data.credentials[0] as {
      id: string;
      status: string;
      smtp_error: string | null;
      smtp_error_at: string | null;
    };

  const workflowState = (campaignId: string, contactId: string) =>
    stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, contactId)).query<EnrollmentState>('state');

  describe('when the server reads the whole message and then drops the connection without replying', () => {
    let campaignId: string;
    let enrolled: { enrollmentId: string; contactId: string };
    const email = uniqueEmail('drop-after-data');

    beforeAll(async () => {
      campaignId = await createCampaign();
      enrolled = await enroll(campaignId, email);
      await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(202);
      await stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, enrolled.contactId)).result();
    });

    it('then exactly one copy arrived, the step is flagged unknown, and the enrollment went on with its next step', async () => {
      expect(server.copiesTo(email, 'First')).toBe(1);
      expect(server.copiesTo(email, 'Second')).toBe(1);
      expect(await messages(campaignId, enrolled.enrollmentId)).toMatchObject([
        { step: 1, status: 'unknown', smtp_response: expect.stringMatching(/closed/i) },
        { step: 2, status: 'sent' },
      ]);
      const stats = (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data;
      expect(stats.totals.unknown_outcome).toBe(1);
    });

    it('then a retry of the send, as a restarted worker would make, returns the flag and sends nothing', async () => {
      expect(await sendStep(deps, enrolled.enrollmentId, 1)).toMatchObject({ kind: 'unknown' });
      expect(server.copiesTo(email, 'First')).toBe(1);
    });

    it('then an operator resend sends it once more, from the same mailbox with the same Message-ID', async () => {
      const before = (await stack.db.repos.messages.findByStep(enrolled.enrollmentId, 1))!;
      const url = `${CAMPAIGNS}/${campaignId}/enrollments/${enrolled.enrollmentId}/messages/1/resend`;

      const queued = await api.post(url).expect(202);
      await api.post(url).expect(202); // the same request twice starts one resend

      expect(queued.body.data).toMatchObject({ step: 1, status: 'unknown' });
      const after = await eventually(async () => {
        const row = (await stack.db.repos.messages.findByStep(enrolled.enrollmentId, 1))!;
        return row.status === 'sent' && row;
      });
      expect(after).toMatchObject({ messageId: before.messageId, mailboxId: before.mailboxId });
      expect(server.copiesTo(email, 'First')).toBe(2);
      await api.post(url).expect(422, /message_not_unknown/);
    });
  });

  it('when an operator checked an unknown send and found it delivered, then mark_sent records it sent', async () => {
    const campaignId = await createCampaign({ steps: 1 });
    const email = uniqueEmail('drop-then-found');
    const { enrollmentId } = await enroll(campaignId, email);
    expect(await sendStep(deps, enrollmentId, 1)).toMatchObject({ kind: 'unknown' });
    const base = `${CAMPAIGNS}/${campaignId}/enrollments/${enrollmentId}/messages`;
    // It may have arrived: the conversation is pinned to its mailbox, so a follow-up answers in the same thread.
    const row = (await stack.db.repos.messages.findByStep(enrollmentId, 1))!;
    expect(await stack.db.repos.enrollments.findById(enrollmentId)).toMatchObject({
      mailboxId: row.mailboxId,
      currentStep: 1,
    });

    const marked = await api.post(`${base}/1/mark_sent`).expect(200);

    expect(marked.body.data).toMatchObject({ step: 1, status: 'sent', sent_at: expect.any(String) });
    await api.post(`${base}/1/mark_sent`).expect(422, /message_not_unknown/);
    await api.post(`${base}/2/resend`).expect(404, /message_not_found/);
    await api.post(`${base}/two/resend`).expect(404, /message_not_found/);
  });

  it('when the contact unsubscribed after an unknown send, then a resend is refused and nothing is sent', async () => {
    const campaignId = await createCampaign({ steps: 1 });
    const email = uniqueEmail('drop-then-gone');
    const { enrollmentId, contactId } = await enroll(campaignId, email);
    await sendStep(deps, enrollmentId, 1);
    await api.post(`/api/v1/contacts/${contactId}/unsubscribe`).expect(200);

    await api
      .post(`${CAMPAIGNS}/${campaignId}/enrollments/${enrollmentId}/messages/1/resend`)
      .expect(422, /message_not_resendable/);
    expect(server.copiesTo(email)).toBe(1);
  });

  it('when the server answers 451 after the message data, then the send stays retriable (not unknown)', async () => {
    const campaignId = await createCampaign({ steps: 1 });
    const { enrollmentId } = await enroll(campaignId, uniqueEmail('grey'));

    await expect(sendStep(deps, enrollmentId, 1)).rejects.toBeInstanceOf(TransientSendError);

    expect(await stack.db.repos.messages.findByStep(enrollmentId, 1)).toMatchObject({
      status: 'failed',
      smtpResponse: expect.stringMatching(/^451/),
    });
  });

  describe('when the server refuses the login (535)', () => {
    it('then the mailbox is in error with the reply and its time, the enrollment waits, and continues once re-enabled', async () => {
      const refusing = await startScriptedSmtpServer();
      try {
        refusing.acceptLogins = false;
        const campaignId = await createCampaign({ port: refusing.port, steps: 1 });
        const email = uniqueEmail('login');
        const { contactId } = await enroll(campaignId, email);
        await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(202);

        const broken = await eventually(async () => {
          const mailbox = await credential(campaignId);
          return mailbox.status === 'error' && mailbox;
        });
        expect(broken.smtp_error).toMatch(/^535 .*credentials invalid/);
        expect(broken.smtp_error_at).toEqual(expect.any(String));
        const waiting = await eventually(async () => {
          const state = await workflowState(campaignId, contactId);
          return /disabled or in error/.test(state.lastError ?? '') && state;
        });
        expect(waiting.status).toBe('active');

        refusing.acceptLogins = true;
        await api.post(`${CAMPAIGNS}/${campaignId}/smtp_credentials/${broken.id}/reenable`).expect(200);

        await eventually(() => Promise.resolve(refusing.copiesTo(email) === 1), {
          timeoutMs: 90_000,
          what: 'the send',
        });
        const result = await stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, contactId)).result();
        expect(result).toMatchObject({ status: 'completed', stepsSent: 1 });
      } finally {
        await refusing.close();
      }
    });
  });

  it('when the mailbox asks for implicit TLS of a server that has none, then it is in error until its settings are fixed', async () => {
    const username = uniqueEmail('tls-sender');
    const campaignId = await createCampaign({ security: 'tls', steps: 1, username });
    const email = uniqueEmail('tls');
    const { enrollmentId } = await enroll(campaignId, email);

    const outcome = await sendStep(deps, enrollmentId, 1);
    const broken = await credential(campaignId);
    // The fix: the same account (host and username) given again with the right security, in a new campaign.
    await createCampaign({ security: 'none', steps: 1, username });
    const fixed = await credential(campaignId);
    const retried = await sendStep(deps, enrollmentId, 1);

    expect(outcome).toMatchObject({ kind: 'deferred', reason: expect.stringMatching(/is in error/) });
    expect(broken).toMatchObject({ status: 'error', smtp_error: expect.any(String) });
    expect(fixed).toMatchObject({ status: 'active', smtp_error: null, smtp_error_at: null });
    expect(retried).toMatchObject({ kind: 'sent' });
    expect(server.copiesTo(email)).toBe(1);
  });

  it('when the SMTP server is unreachable, then the step waits with a doubling backoff and never fails', async () => {
    const [closedPort] = await freePorts(1);
    const campaignId = await createCampaign({ port: closedPort, steps: 1 });
    const { enrollmentId } = await enroll(campaignId, uniqueEmail('outage'));

    const first = await sendStep(deps, enrollmentId, 1);
    const second = await sendStep(deps, enrollmentId, 1);

    expect(first).toMatchObject({ kind: 'deferred', reason: expect.stringMatching(/could not be reached/) });
    expect(second).toMatchObject({ kind: 'deferred' });
    const wait = (outcome: typeof first) => (outcome.kind === 'deferred' ? outcome.until - Date.now() : 0);
    expect(wait(first)).toBeGreaterThan(20_000);
    expect(wait(second)).toBeGreaterThan(45_000);
    expect(await stack.db.repos.messages.findByStep(enrollmentId, 1)).toMatchObject({ status: 'failed', attempts: 2 });
    expect((await credential(campaignId)).status).toBe('active');
  });

  it("when a conversation's mailbox is disabled, then its follow-up waits for it, and goes once re-enabled", async () => {
    const campaignId = await createCampaign();
    const email = uniqueEmail('pinned');
    const { enrollmentId } = await enroll(campaignId, email);
    expect(await sendStep(deps, enrollmentId, 1)).toMatchObject({ kind: 'sent' });
    const mailboxId = (await stack.db.repos.enrollments.findById(enrollmentId))!.mailboxId!;
    await stack.db.repos.mailboxes.disable(mailboxId, 'bounce rate too high');

    const held = await sendStep(deps, enrollmentId, 2);
    await stack.db.repos.mailboxes.reenable(campaignId, mailboxId);
    const resumed = await sendStep(deps, enrollmentId, 2);

    expect(held).toMatchObject({
      kind: 'deferred',
      reason: expect.stringMatching(/is disabled \(bounce rate too high\)/),
    });
    expect(resumed).toMatchObject({ kind: 'sent' });
    expect(server.copiesTo(email)).toBe(2);
  });

  it('when the campaign or the enrollment is paused between two attempts, then the retry holds instead of sending', async () => {
    const campaignId = await createCampaign({ steps: 1 });
    const email = uniqueEmail('grey-paused');
    const { enrollmentId } = await enroll(campaignId, email);
    await expect(sendStep(deps, enrollmentId, 1)).rejects.toBeInstanceOf(TransientSendError);

    await stack.db.repos.campaigns.setStatus(campaignId, 'paused');
    const campaignHeld = await sendStep(deps, enrollmentId, 1);
    await stack.db.repos.campaigns.setStatus(campaignId, 'active');
    // Never dispatched, so no workflow to signal: the row alone says paused, as after a pause whose signal was lost.
    await stack.db.dataSource.query(`UPDATE enrollments SET status = 'paused' WHERE id = $1`, [enrollmentId]);
    const enrollmentHeld = await sendStep(deps, enrollmentId, 1);

    expect(campaignHeld).toMatchObject({ kind: 'held', by: 'campaign' });
    expect(enrollmentHeld).toMatchObject({ kind: 'held', by: 'enrollment' });
    expect(server.copiesTo(email)).toBe(1);
    expect(await stack.db.repos.messages.findByStep(enrollmentId, 1)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it("when a campaign is deleted, then its sends still count against its mailbox's day and the monthly plan", async () => {
    const { organizationId, apiKey } = await stack.newOrganization();
    const own = stack.api(apiKey);
    const username = `${uniqueEmail('shared-mailbox')}`;
    const body = (limit: number) => {
      const created = campaignBody({ ...stack.info, smtpPort: server.port }, { dailyLimit: limit });
      created.campaign.smtp_credentials[0]!.smtp_username = username;
      return created;
    };
    const first: string = (await own.post(CAMPAIGNS, body(1)).expect(201)).body.data.id;
    const sentBefore = await own
      .post(`${CAMPAIGNS}/${first}/enroll_contact`, { contact: { email: uniqueEmail('a'), first_name: 'A' } })
      .expect(201);
    expect(await sendStep(deps, sentBefore.body.data.id as string, 1)).toMatchObject({ kind: 'sent' });

    await own.delete(`${CAMPAIGNS}/${first}`).expect((response) => expect([200, 202]).toContain(response.status));
    await eventually(async () => (await stack.db.repos.campaigns.findByIdUnscoped(first)) === null);
    const second: string = (await own.post(CAMPAIGNS, body(1)).expect(201)).body.data.id;
    const next = await own
      .post(`${CAMPAIGNS}/${second}/enroll_contact`, { contact: { email: uniqueEmail('b'), first_name: 'B' } })
      .expect(201);

    expect(await sendStep(deps, next.body.data.id as string, 1)).toMatchObject({
      kind: 'deferred',
      reason: expect.stringMatching(/daily limit/),
    });
    expect(await stack.db.repos.organizations.plan(organizationId)).toMatchObject({ sentThisMonth: 1 });
  });
});
