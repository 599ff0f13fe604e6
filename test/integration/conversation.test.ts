import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { simpleParser } from 'mailparser';
import { sendManualReply } from '../../src/domain/delivery/manual-reply-sender';
import { manualReplyWorkflowId, type ManualReplyResult } from '../../workflows/manual-reply/definitions';
import { CAMPAIGNS } from '../helpers/api-paths';
import { deliverToImap } from '../helpers/dovecot';
import { enrollmentFixtures, type Enrolled } from '../helpers/enrollment-fixtures';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { inboundFixture } from '../helpers/inbound-fixtures';
import {
  eventually,
  messagesTo,
  rawMessage,
  stackWithOrganization,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

/**
 * An enrollment's conversation on the real stack: a step sent through the test SMTP server, a reply delivered into
 * Dovecot and read by the mailbox monitor, the thread as GET …/messages shows it, and an operator's reply sent with
 * POST …/reply, checked as the SMTP server received it.
 */
describe('an enrollment conversation', () => {
  let stack: TestStack;
  let api: ApiClient;
  let fixtures: ReturnType<typeof enrollmentFixtures>;
  let campaignId: string;
  let organizationId: string;
  const id = crypto.randomBytes(5).toString('hex');
  const account = { smtpUsername: `sender-${id}@sender.test`, imapUser: `mb-${id}@imap.test` };

  const thread = async (enrolled: Enrolled) =>
    (await api.get(`${CAMPAIGNS}/${campaignId}/enrollments/${enrolled.enrollmentId}/messages`).expect(200)).body;
  const replyTo = (enrolled: Enrolled, body: unknown, key?: string) => {
    const call = api.post(`${CAMPAIGNS}/${campaignId}/enrollments/${enrolled.enrollmentId}/reply`, body);
    return key === undefined ? call : call.set('Idempotency-Key', key);
  };

  /** Enrolls a new contact, dispatches, and waits for step 1 to be sent; answers its Message-ID too. */
  async function startConversation(): Promise<Enrolled & { firstMessageId: string }> {
    const enrolled = await fixtures.enroll(campaignId, uniqueEmail('conversation'));
    await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(202);
    const firstMessageId = await eventually(
      async () => {
        const message = await stack.db.repos.messages.findByStep(enrolled.enrollmentId, 1);
        return message?.status === 'sent' ? message.messageId : undefined;
      },
      { what: 'step 1 sent' },
    );
    return { ...enrolled, firstMessageId };
  }

  /** Delivers a message into the mailbox's INBOX, as a mail server would. */
  const deliver = (raw: Buffer) => deliverToImap(stack.info.imap, account.imapUser, raw);

  const parsedMessagesTo = async (email: string) =>
    Promise.all(
      (await messagesTo(stack.info, [email])).map(async (message) =>
        simpleParser(await rawMessage(stack.info, message)),
      ),
    );

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
    fixtures = enrollmentFixtures(stack, api);
    const body = campaignBody(stack.info, {
      steps: [
        {
          subject: 'Quick question',
          body: '<p>Hi {{first_name}}, may I ask about <a href="https://example.test/onboarding">onboarding</a>?</p>',
          delaySeconds: 0,
        },
        { subject: 'Following up', body: '<p>Following up.</p>', delaySeconds: 3600 },
      ],
    });
    const campaign = {
      ...body.campaign,
      track_opens: true,
      track_clicks: true,
      smtp_credentials: [
        {
          ...body.campaign.smtp_credentials[0]!,
          smtp_username: account.smtpUsername,
          imap_host: stack.info.imap.host,
          imap_port: stack.info.imap.port,
          imap_security: 'none',
          imap_username: account.imapUser,
          imap_password: stack.info.imap.password,
        },
      ],
    };
    campaignId = (await api.post(CAMPAIGNS, { campaign }).expect(201)).body.data.id as string;
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('when a step was sent and the contact answered it', () => {
    let prospect: Enrolled & { firstMessageId: string };
    const theirId = `<${crypto.randomUUID()}@mail.example>`;

    beforeAll(async () => {
      prospect = await startConversation();
      await deliver(
        inboundFixture('threaded-reply', {
          contactEmail: prospect.email,
          mailboxEmail: account.smtpUsername,
          originalMessageId: prospect.firstMessageId,
          messageId: theirId,
        }),
      );
      await eventually(async () => (await stack.db.repos.inbound.repliesTo([prospect.enrollmentId])).length > 0, {
        what: 'the reply to be read',
      });
    });

    it('then the messages list the step with its bodies as sent, then the reply with its text, in time order', async () => {
      const { data, total } = await thread(prospect);
      expect(total).toBe(2);
      const [step, reply] = data;
      expect(step).toMatchObject({
        direction: 'outbound',
        kind: 'step',
        step: 1,
        status: 'sent',
        subject: 'Quick question',
        message_id: prospect.firstMessageId,
        body_text: expect.stringContaining('Hi Robin, may I ask about onboarding'),
        // As written: without the open pixel, its link not wrapped for click tracking.
        body_html: expect.stringContaining('<a href="https://example.test/onboarding">onboarding</a>'),
      });
      expect(step.body_html).not.toMatch(/\/t\/[oc]\//);
      // What went over SMTP was tracked: the stored HTML is the sent one less the tracking.
      const [sent] = await messagesTo(stack.info, [prospect.email]);
      expect(await rawMessage(stack.info, sent!)).toMatch(/\/t\/o\//);

      expect(reply).toMatchObject({
        direction: 'inbound',
        kind: 'reply',
        match_confidence: 'high',
        from_email: prospect.email,
        message_id: theirId,
        answers_step: 1,
        subject: 'Re: Quick question about your onboarding',
        body_text: expect.stringContaining('Could you send over pricing for a team of 12?'),
      });
      expect(Date.parse(reply.at)).toBeGreaterThanOrEqual(Date.parse(step.at));
    });

    it('when an operator replies, then it goes out once from the mailbox, threaded under their reply, and a retry with the same key sends nothing more', async () => {
      const key = crypto.randomUUID();
      const body = {
        reply: {
          body_text: 'Hi Dana, pricing for 12 is attached.\n\nSam',
          body_html: '<p>Hi Dana, pricing for 12.</p>',
        },
      };
      const first = await replyTo(prospect, body, key).expect(202);
      expect(first.body.data).toMatchObject({
        status: 'pending',
        repeated: false,
        in_reply_to: theirId,
        references: [prospect.firstMessageId, theirId],
        subject: 'Re: Quick question',
        to_email: prospect.email,
      });
      const replyId = first.body.data.id as string;

      const workflow = stack.temporal.workflow.getHandle(manualReplyWorkflowId(replyId));
      const result: ManualReplyResult = await workflow.result();
      expect(result).toEqual({ outcome: 'sent', reason: null });
      // `UPDATE_HISTORIES=1 npm test` refreshes the fixture that test/workflows replays on every run.
      if (process.env.UPDATE_HISTORIES === '1') {
        const file = path.join(__dirname, '..', 'workflows', 'histories', 'manual-reply-sent.json');
        await fs.writeFile(file, `${historyToJSON(await workflow.fetchHistory())}\n`);
      }

      const received = await parsedMessagesTo(prospect.email);
      expect(received).toHaveLength(2);
      const ours = received[1]!;
      expect(ours.from?.value[0]?.address).toBe(account.smtpUsername);
      expect(ours.messageId).toBe(first.body.data.message_id);
      expect(ours.inReplyTo).toBe(theirId);
      expect(ours.references).toEqual([prospect.firstMessageId, theirId]);
      expect(ours.subject).toBe('Re: Quick question');
      expect(ours.text).toContain('Hi Dana, pricing for 12 is attached.');
      expect(ours.html).toContain('<p>Hi Dana, pricing for 12.</p>');
      expect(ours.html).not.toMatch(/\/t\/[oc]\//);

      // The same request again (a client that lost the answer): the same reply, nothing sent.
      const again = await replyTo(prospect, body, key).expect(202);
      expect(again.body.data).toMatchObject({ id: replyId, status: 'sent', repeated: true });
      const other = await replyTo(prospect, { reply: { body_text: 'Something else' } }, key).expect(409);
      expect(other.body.code).toBe('idempotency_key_reused');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await messagesTo(stack.info, [prospect.email])).toHaveLength(2);

      const { data, total } = await thread(prospect);
      expect(total).toBe(3);
      expect(data[2]).toMatchObject({
        direction: 'outbound',
        kind: 'manual_reply',
        id: replyId,
        step: null,
        status: 'sent',
        subject: 'Re: Quick question',
        body_text: body.reply.body_text,
        body_html: body.reply.body_html,
      });
    });

    it('when the contact answers naming our reply alone, then the answer is matched surely and the next reply threads under it', async () => {
      const [, , ours] = (await thread(prospect)).data;
      const answerId = `<${crypto.randomUUID()}@mail.example>`;
      await deliver(
        inboundFixture('threaded-reply', {
          contactEmail: prospect.email,
          mailboxEmail: account.smtpUsername,
          originalMessageId: ours.message_id,
          messageId: answerId,
        }),
      );
      const answered = await eventually(
        async () => {
          const { data } = await thread(prospect);
          return data.length === 4 ? data : undefined;
        },
        { what: 'the answer to be read' },
      );
      expect(answered[3]).toMatchObject({ direction: 'inbound', message_id: answerId, match_confidence: 'high' });

      const next = await replyTo(prospect, { reply: { body_text: 'See you Thursday.' } }).expect(202);
      expect(next.body.data).toMatchObject({
        in_reply_to: answerId,
        references: [prospect.firstMessageId, theirId, ours.message_id, answerId],
      });
    });
  });

  describe('when the reply cannot be sent', () => {
    it('when nothing has been sent to the contact yet, then 409 conversation_not_started', async () => {
      const pending = await fixtures.enroll(campaignId, uniqueEmail('not-started'));
      const response = await replyTo(pending, { reply: { body_text: 'Hello' } }).expect(409);
      expect(response.body.code).toBe('conversation_not_started');
    });

    it('when the mailbox is disabled, then 409 mailbox_cannot_send, and nothing is sent', async () => {
      const prospect = await startConversation();
      const mailboxId = (await stack.db.repos.enrollments.findById(prospect.enrollmentId))!.mailboxId!;
      await api.patch(`/api/v1/mailboxes/${mailboxId}`, { status: 'disabled' }).expect(200);
      try {
        const response = await replyTo(prospect, { reply: { body_text: 'Hello again' } }).expect(409);
        expect(response.body.code).toBe('mailbox_cannot_send');
      } finally {
        await api.patch(`/api/v1/mailboxes/${mailboxId}`, { status: 'active' }).expect(200);
      }
      expect(await messagesTo(stack.info, [prospect.email])).toHaveLength(1);
    });

    it('when the contact unsubscribed, then 409 recipient_unreachable, and nothing is sent', async () => {
      const prospect = await startConversation();
      await api.post(`${CAMPAIGNS}/${campaignId}/enrollments/${prospect.enrollmentId}/unsubscribe`).expect(200);
      const response = await replyTo(prospect, { reply: { body_text: 'Are you sure?' } }).expect(409);
      expect(response.body.code).toBe('recipient_unreachable');
      expect(response.body.message).toMatch(/unsubscribed/);
      expect(await messagesTo(stack.info, [prospect.email])).toHaveLength(1);
    });

    it('when the input is hostile, then 4xx with the field, and nothing is recorded', async () => {
      const prospect = await startConversation();
      const refused = async (body: unknown, key?: string) => (await replyTo(prospect, body, key).expect(422)).body;

      expect((await refused({ reply: { subject: 'Hi\r\nBcc: victim@example.test', body_text: 'x' } })).errors).toEqual([
        expect.stringMatching(/^reply\.subject: must be a single line/),
      ]);
      expect((await refused({ reply: { body_text: 'nul \u0000 here' } })).errors).toEqual([
        expect.stringMatching(/^reply\.body_text: must not contain the NUL/),
      ]);
      expect((await refused({ reply: { body_html: 'x'.repeat(500_001) } })).errors).toEqual([
        expect.stringMatching(/^reply\.body_html: /),
      ]);
      expect((await refused({ reply: { subject: 'Only a subject', body_text: '  ' } })).errors).toEqual([
        expect.stringMatching(/body_html or body_text/),
      ]);
      expect((await refused({ reply: { body_text: 'x' } }, 'a key with spaces')).errors).toEqual([
        expect.stringMatching(/^idempotency-key: /),
      ]);
      expect(await stack.db.repos.manualReplies.ofEnrollment(prospect.enrollmentId)).toEqual([]);
    });

    it('when another organization replies in the conversation, then 404 and nothing is sent', async () => {
      const prospect = await startConversation();
      const other = stack.api((await stack.newOrganization()).apiKey);
      const path = `${CAMPAIGNS}/${campaignId}/enrollments/${prospect.enrollmentId}`;
      expect((await other.post(`${path}/reply`, { reply: { body_text: 'x' } }).expect(404)).body.code).toBe(
        'campaign_not_found',
      );
      expect((await other.get(`${path}/messages`).expect(404)).body.code).toBe('campaign_not_found');
      expect(await stack.db.repos.manualReplies.ofEnrollment(prospect.enrollmentId)).toEqual([]);
    });
  });

  /**
   * The send activity run directly on rows left as a crash leaves them: before its claim committed (`pending`),
   * after it (`sending`: the SMTP conversation may or may not have happened), after the settle (`sent`).
   */
  describe('exactly once, whatever the worker dies between', () => {
    const pendingReply = async (prospect: Enrolled & { firstMessageId: string }) => {
      const replyId = crypto.randomUUID();
      const mailboxId = (await stack.db.repos.enrollments.findById(prospect.enrollmentId))!.mailboxId!;
      await stack.db.repos.manualReplies.insertPending({
        id: replyId,
        organizationId: organizationId,
        campaignId,
        enrollmentId: prospect.enrollmentId,
        mailboxId,
        idempotencyKey: null,
        messageId: `<${replyId}@sender.test>`,
        inReplyTo: prospect.firstMessageId,
        references: [prospect.firstMessageId],
        toEmail: prospect.email,
        subject: 'Re: Quick question',
        bodyText: 'Following up by hand.',
        bodyHtml: null,
      });
      return replyId;
    };
    const row = async (replyId: string) => (await stack.db.repos.manualReplies.findById(replyId))!;

    it('when the attempt died before its claim committed, then the retry sends it, and a retry after that sends nothing', async () => {
      const prospect = await startConversation();
      const replyId = await pendingReply(prospect);

      expect(await sendManualReply(stack.senderDeps, replyId)).toEqual({ kind: 'sent', reason: null });
      expect(await sendManualReply(stack.senderDeps, replyId)).toMatchObject({ kind: 'sent' });

      const received = await parsedMessagesTo(prospect.email);
      expect(received.map((message) => message.subject)).toEqual(['Quick question', 'Re: Quick question']);
      expect(received[1]!.text).toContain('Following up by hand.');
      expect(received[1]!.html).toBe(false);
      expect(await row(replyId)).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('when the attempt died after its claim (in or after the SMTP conversation), then the retry flags it unknown and never sends it again', async () => {
      const prospect = await startConversation();
      const replyId = await pendingReply(prospect);
      expect(await stack.db.repos.manualReplies.claim(replyId)).toBe(1);

      expect(await sendManualReply(stack.senderDeps, replyId)).toMatchObject({ kind: 'unknown' });
      expect(await sendManualReply(stack.senderDeps, replyId)).toMatchObject({ kind: 'unknown' });

      expect(await messagesTo(stack.info, [prospect.email])).toHaveLength(1);
      expect(await row(replyId)).toMatchObject({ status: 'unknown', attempts: 1 });
      const { data } = await thread(prospect);
      expect(data.at(-1)).toMatchObject({ kind: 'manual_reply', id: replyId, status: 'unknown' });
    });

    it('when the contact unsubscribed after the reply was asked for, then it is cancelled and not sent', async () => {
      const prospect = await startConversation();
      const replyId = await pendingReply(prospect);
      await api.post(`${CAMPAIGNS}/${campaignId}/enrollments/${prospect.enrollmentId}/unsubscribe`).expect(200);

      expect(await sendManualReply(stack.senderDeps, replyId)).toMatchObject({ kind: 'cancelled' });
      expect(await messagesTo(stack.info, [prospect.email])).toHaveLength(1);
      expect(await row(replyId)).toMatchObject({ status: 'cancelled', attempts: 0 });
    });

    it('when the API died between recording the reply and starting its workflow, then the next worker start sends it, once', async () => {
      const prospect = await startConversation();
      const replyId = await pendingReply(prospect);

      expect(await stack.services.conversations.startStranded()).toBeGreaterThanOrEqual(1);
      await stack.services.conversations.startStranded(); // a second start (or a concurrent one) changes nothing

      const result: ManualReplyResult = await stack.temporal.workflow
        .getHandle(manualReplyWorkflowId(replyId))
        .result();
      expect(result.outcome).toBe('sent');
      expect((await messagesTo(stack.info, [prospect.email])).map((message) => message.subject)).toEqual([
        'Quick question',
        'Re: Quick question',
      ]);
    });
  });
});
