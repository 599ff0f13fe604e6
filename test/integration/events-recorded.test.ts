import crypto from 'node:crypto';
import request from 'supertest';
import { WEBHOOK_EVENTS } from '../../src/http/webhook-events';
import { deliverToImap } from '../helpers/dovecot';
import { CAMPAIGNS } from '../helpers/api-paths';
import { enrollmentFixtures, type Enrolled } from '../helpers/enrollment-fixtures';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { inboundFixture, type InboundFixtureName } from '../helpers/inbound-fixtures';
import { startScriptedSmtpServer, type ScriptedSmtpServer } from '../helpers/scripted-smtp-server';
import {
  eventually,
  pathOf,
  sleep,
  stackWithOrganization,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

interface EventRow {
  type: string;
  campaign_id: string | null;
  mailbox_id: string | null;
  enrollment_id: string | null;
  contact_id: string | null;
  step_position: number | null;
  recipient_domain: string | null;
  data: Record<string, unknown>;
}

/**
 * The events table on the real stack: every occurrence driven through the API, the public links, the enrollment
 * workflows and the mailbox monitors records its event once, with its scope and payload; repeating the action
 * records nothing more.
 */
describe('events recorded where they happen', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;
  let fx: ReturnType<typeof enrollmentFixtures>;

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
    fx = enrollmentFixtures(stack, api);
  });

  afterAll(async () => {
    await stack.close();
  });

  /** The organization's events matching every given column, oldest first. */
  const eventsWhere = (filter: {
    type?: string;
    campaignId?: string;
    enrollmentId?: string;
    contactId?: string;
    mailboxId?: string;
  }) =>
    fx.sql<EventRow>(
      `SELECT type, campaign_id, mailbox_id, enrollment_id, contact_id, step_position, recipient_domain, data
         FROM events
        WHERE organization_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::uuid IS NULL OR campaign_id = $3)
          AND ($4::uuid IS NULL OR enrollment_id = $4) AND ($5::uuid IS NULL OR contact_id = $5)
          AND ($6::uuid IS NULL OR mailbox_id = $6)
        ORDER BY id`,
      [
        organizationId,
        filter.type ?? null,
        filter.campaignId ?? null,
        filter.enrollmentId ?? null,
        filter.contactId ?? null,
        filter.mailboxId ?? null,
      ],
    );
  const typesOf = async (filter: Parameters<typeof eventsWhere>[0]) =>
    (await eventsWhere(filter)).map((event) => event.type);

  const enrollmentPath = (enrolled: Enrolled) =>
    `${CAMPAIGNS}/${enrolled.campaignId}/enrollments/${enrolled.enrollmentId}`;
  const sentMessage = async (enrollmentId: string, position = 1) => {
    const message = await stack.db.repos.messages.findByStep(enrollmentId, position);
    return message?.status === 'sent' ? message : undefined;
  };
  /** Starts a sequence (step 2 `followUpSeconds` after step 1, none when null) and waits for step 1. */
  async function running(followUpSeconds: number | null = 600, email = uniqueEmail('events')) {
    const enrolled = await fx.start(email, followUpSeconds);
    const message = await eventually(() => sentMessage(enrolled.enrollmentId), { what: 'step 1 sent' });
    return { ...enrolled, message };
  }
  const domainOf = (email: string) => email.slice(email.indexOf('@') + 1).toLowerCase();

  describe('a sequence and its campaign', () => {
    it('when a one-step sequence runs to its end, then sent, enrollment.completed and the campaign’s moves are each recorded once', async () => {
      const started = await running(null);
      expect(await fx.result(started)).toMatchObject({ status: 'completed' });
      const { campaignId, enrollmentId, contactId, message } = started;
      await eventually(async () => (await typesOf({ campaignId, type: 'campaign.completed' })).length === 1, {
        what: 'the campaign completed',
      });

      expect(await typesOf({ enrollmentId })).toEqual(['email.sent', 'enrollment.completed']);
      const [completed] = await eventsWhere({ enrollmentId, type: 'enrollment.completed' });
      expect(completed).toEqual({
        type: 'enrollment.completed',
        campaign_id: campaignId,
        mailbox_id: message.mailboxId,
        enrollment_id: enrollmentId,
        contact_id: contactId,
        step_position: 1,
        recipient_domain: domainOf(started.email),
        data: {
          enrollment_id: enrollmentId,
          campaign_id: campaignId,
          contact_id: contactId,
          email: started.email,
          mailbox_id: message.mailboxId,
          step: 1,
        },
      });
      const campaign = await eventsWhere({ campaignId, type: 'campaign.status_changed' });
      expect(campaign.map((event) => [event.data.old_status, event.data.new_status])).toEqual([
        ['pending', 'active'],
        ['active', 'completed'],
      ]);
      expect(campaign[0]!.data).toEqual({
        campaign_id: campaignId,
        name: expect.any(String),
        old_status: 'pending',
        new_status: 'active',
      });

      // A retry records the completion again: nothing more.
      await stack.db.repos.enrollments.recordSend(enrollmentId, 1, message.mailboxId, 'completed');
      await stack.db.repos.enrollments.finish(enrollmentId, 'completed', null);
      await stack.db.repos.campaigns.completeIfFinished(campaignId);
      expect(await typesOf({ enrollmentId })).toEqual(['email.sent', 'enrollment.completed']);
      expect(await typesOf({ campaignId, type: 'campaign.completed' })).toHaveLength(1);

      // Reopened by a new dispatch, then completed again: each move is recorded again, once.
      const again = await fx.enroll(campaignId, uniqueEmail('second-round'));
      await fx.dispatch(campaignId);
      expect(await fx.result(again)).toMatchObject({ status: 'completed' });
      await eventually(async () => (await typesOf({ campaignId, type: 'campaign.completed' })).length === 2, {
        what: 'the campaign completed again',
      });
      const moves = await eventsWhere({ campaignId, type: 'campaign.status_changed' });
      expect(moves.map((event) => `${String(event.data.old_status)}→${String(event.data.new_status)}`)).toEqual([
        'pending→active',
        'active→completed',
        'completed→active',
        'active→completed',
      ]);
    });

    it('when a campaign is paused, resumed, stopped and archived, then each move is recorded once, and its pending enrollments are stopped with it', async () => {
      const started = await running(600);
      const waiting = await fx.enroll(started.campaignId, uniqueEmail('never-dispatched'));
      const { campaignId } = started;

      await api.post(`${CAMPAIGNS}/${campaignId}/pause`).expect(200);
      await api.post(`${CAMPAIGNS}/${campaignId}/pause`); // refused: it is paused already
      await api.post(`${CAMPAIGNS}/${campaignId}/resume`).expect(200);
      await api.post(`${CAMPAIGNS}/${campaignId}/stop`).expect(200);
      await api.post(`${CAMPAIGNS}/${campaignId}/stop`).expect(200);
      expect(await fx.result(started)).toMatchObject({ status: 'stopped' });
      await api.post(`${CAMPAIGNS}/${campaignId}/archive`).expect(200);

      const moves = await eventsWhere({ campaignId, type: 'campaign.status_changed' });
      expect(moves.map((event) => `${String(event.data.old_status)}→${String(event.data.new_status)}`)).toEqual([
        'pending→active',
        'active→paused',
        'paused→active',
        'active→stopped',
        'stopped→archived',
      ]);
      // The running one is stopped by its workflow, the pending one with the campaign: once each.
      expect(await typesOf({ enrollmentId: started.enrollmentId })).toEqual(['email.sent', 'enrollment.stopped']);
      const [pending] = await eventsWhere({ enrollmentId: waiting.enrollmentId });
      expect(pending).toMatchObject({
        type: 'enrollment.stopped',
        campaign_id: campaignId,
        contact_id: waiting.contactId,
        step_position: null,
        data: {
          enrollment_id: waiting.enrollmentId,
          campaign_id: campaignId,
          contact_id: waiting.contactId,
          email: waiting.email,
          reason: 'the campaign was stopped',
        },
      });
      expect(await typesOf({ campaignId, type: 'campaign.completed' })).toEqual([]);
    });

    it('when an enrollment is stopped twice, then enrollment.stopped is recorded once (its workflow ending it too)', async () => {
      const started = await running(600);

      await api.post(`${enrollmentPath(started)}/stop`).expect(200);
      await api.post(`${enrollmentPath(started)}/stop`).expect(200);
      expect(await fx.result(started)).toMatchObject({ status: 'stopped' });
      // The workflow's own ending, told again (an activity retry), records nothing either.
      await stack.db.repos.enrollments.finish(started.enrollmentId, 'stopped', null);

      expect(await typesOf({ enrollmentId: started.enrollmentId })).toEqual(['email.sent', 'enrollment.stopped']);
      const [stopped] = await eventsWhere({ enrollmentId: started.enrollmentId, type: 'enrollment.stopped' });
      expect(stopped).toMatchObject({
        campaign_id: started.campaignId,
        mailbox_id: started.message.mailboxId,
        contact_id: started.contactId,
        step_position: 1,
        recipient_domain: domainOf(started.email),
      });
    });

    it('when a lead is removed from its campaign twice, then enrollment.stopped is recorded once', async () => {
      const started = await running(600);

      await api.delete(enrollmentPath(started)).expect(200);
      await api.delete(enrollmentPath(started)).expect(200);
      expect(await fx.result(started)).toMatchObject({ status: 'stopped' });

      expect(await typesOf({ enrollmentId: started.enrollmentId })).toEqual(['email.sent', 'enrollment.stopped']);
    });
  });

  describe('opens and clicks', () => {
    it('when the open pixel of a message is loaded twice, then email.opened is recorded once', async () => {
      const started = await running(600);
      const ref = { enrollmentId: started.enrollmentId, position: 1 };
      const pixel = pathOf(stack.links.openPixelUrl(ref));

      await request(stack.app).get(pixel).expect(200);
      await request(stack.app).get(pixel).expect(200);
      const opened = await eventsWhere({ enrollmentId: started.enrollmentId, type: 'email.opened' });
      expect(opened).toEqual([
        {
          type: 'email.opened',
          campaign_id: started.campaignId,
          mailbox_id: started.message.mailboxId,
          enrollment_id: started.enrollmentId,
          contact_id: started.contactId,
          step_position: 1,
          recipient_domain: domainOf(started.email),
          data: {
            message_id: started.message.messageId,
            campaign_id: started.campaignId,
            enrollment_id: started.enrollmentId,
            contact_id: started.contactId,
            mailbox_id: started.message.mailboxId,
            to_email: started.email,
            step: 1,
          },
        },
      ]);
    });

    it('when a link is clicked twice before any open, then one click and the open it implies are recorded', async () => {
      const body = campaignBody(stack.info, {
        steps: [
          {
            subject: 'Offer',
            body: '<p>Hi {{first_name}}, <a href="https://example.com/offer">offer</a></p>',
            delaySeconds: 0,
          },
        ],
      });
      const campaign = { ...body.campaign, track_clicks: true };
      const campaignId: string = (await api.post(CAMPAIGNS, { campaign }).expect(201)).body.data.id;
      const enrolled = await fx.enroll(campaignId, uniqueEmail('clicker'));
      await fx.dispatch(campaignId);
      await eventually(() => sentMessage(enrolled.enrollmentId), { what: 'step 1 sent' });
      const click = pathOf(
        stack.links.clickUrl({ enrollmentId: enrolled.enrollmentId, position: 1 }, 'https://example.com/offer'),
      );

      await request(stack.app).get(click).expect(302);
      await request(stack.app).get(click).expect(302);
      await request(stack.app)
        .get(pathOf(stack.links.openPixelUrl({ enrollmentId: enrolled.enrollmentId, position: 1 })))
        .expect(200);

      const events = (await eventsWhere({ enrollmentId: enrolled.enrollmentId })).filter((event) =>
        event.type.match(/^email\.(opened|clicked)$/),
      );
      expect(events.map((event) => event.type)).toEqual(['email.opened', 'email.clicked']);
      expect(events[1]!.data).toMatchObject({ url: 'https://example.com/offer', step: 1 });
    });
  });

  describe('unsubscribes', () => {
    it('when the link of a message is used twice, then lead.unsubscribed is recorded once, in that campaign', async () => {
      const started = await running(600);
      const link = pathOf(stack.links.unsubscribeUrl(started.enrollmentId));

      await request(stack.app).post(link).type('form').send({ 'List-Unsubscribe': 'One-Click' }).expect(200);
      await request(stack.app).post(link).type('form').send({ 'List-Unsubscribe': 'One-Click' }).expect(200);

      const events = await eventsWhere({ contactId: started.contactId, type: 'lead.unsubscribed' });
      expect(events).toEqual([
        {
          type: 'lead.unsubscribed',
          campaign_id: started.campaignId,
          mailbox_id: started.message.mailboxId,
          enrollment_id: started.enrollmentId,
          contact_id: started.contactId,
          step_position: 1,
          recipient_domain: domainOf(started.email),
          data: {
            contact_id: started.contactId,
            email: started.email,
            scope: 'global',
            campaign_id: started.campaignId,
            enrollment_id: started.enrollmentId,
            source: 'link',
          },
        },
      ]);
      // Unsubscribed, the enrollment is not stopped: no enrollment.stopped.
      expect(await typesOf({ enrollmentId: started.enrollmentId })).toEqual(['email.sent', 'lead.unsubscribed']);
    });

    it('when POST /contacts/{id}/unsubscribe is repeated, then one global lead.unsubscribed with no campaign', async () => {
      const started = await running(600);

      await api.post(`/api/v1/contacts/${started.contactId}/unsubscribe`).expect(200);
      await api.post(`/api/v1/contacts/${started.contactId}/unsubscribe`).expect(200);

      const events = await eventsWhere({ contactId: started.contactId, type: 'lead.unsubscribed' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ campaign_id: null, enrollment_id: null });
      expect(events[0]!.data).toEqual({
        contact_id: started.contactId,
        email: started.email,
        scope: 'global',
        source: 'api',
      });
    });

    it('when a lead is unsubscribed from one campaign, then scope campaign; then globally through the enrollment, then scope global', async () => {
      const email = uniqueEmail('two-campaigns');
      const first = await running(600, email);
      const second = await running(600, email);

      await api.post(`${enrollmentPath(first)}/unsubscribe`, { scope: 'campaign' }).expect(200);
      await api.post(`${enrollmentPath(first)}/unsubscribe`, { scope: 'campaign' }).expect(200);
      await api.post(`${enrollmentPath(second)}/unsubscribe`, { scope: 'global' }).expect(200);
      await api.post(`${enrollmentPath(second)}/unsubscribe`, { scope: 'global' }).expect(200);

      const events = await eventsWhere({ contactId: first.contactId, type: 'lead.unsubscribed' });
      expect(events.map((event) => [event.campaign_id, event.data.scope, event.data.source])).toEqual([
        [first.campaignId, 'campaign', 'api'],
        [second.campaignId, 'global', 'api'],
      ]);
      expect(events[0]!.data).toMatchObject({ campaign_id: first.campaignId, email });
    });
  });

  describe('integration events (POST /events)', () => {
    const post = (body: Record<string, unknown>) => api.post('/api/v1/events', body).expect(200);

    it('when reply, bounce, unsubscribe and stop are each posted twice, then each records its event once', async () => {
      const replied = await running(600);
      const bounced = await running(600);
      const unsubscribed = await running(600);
      const stopped = await running(600);

      for (let round = 0; round < 2; round += 1) {
        await post({ type: 'reply', enrollment_id: replied.enrollmentId });
        await post({ type: 'bounce', email: bounced.email });
        await post({ type: 'unsubscribe', enrollment_id: unsubscribed.enrollmentId });
        await post({ type: 'stop', email: stopped.email, campaign_id: stopped.campaignId });
      }

      const [reply] = await eventsWhere({ enrollmentId: replied.enrollmentId, type: 'email.replied' });
      expect(await typesOf({ enrollmentId: replied.enrollmentId })).toEqual(['email.sent', 'email.replied']);
      expect(reply).toMatchObject({ campaign_id: replied.campaignId, contact_id: replied.contactId, step_position: 1 });
      expect(reply!.data).toMatchObject({ enrollment_id: replied.enrollmentId, source: 'integration', step: 1 });

      expect(await typesOf({ enrollmentId: bounced.enrollmentId })).toEqual(['email.sent', 'email.bounced']);
      expect((await eventsWhere({ enrollmentId: bounced.enrollmentId, type: 'email.bounced' }))[0]!.data).toMatchObject(
        { bounce_type: 'hard', source: 'integration', email: bounced.email },
      );

      const unsubscribes = await eventsWhere({ contactId: unsubscribed.contactId, type: 'lead.unsubscribed' });
      expect(unsubscribes).toHaveLength(1);
      expect(unsubscribes[0]!.data).toMatchObject({ scope: 'global', source: 'integration' });

      expect(await typesOf({ enrollmentId: stopped.enrollmentId })).toEqual(['email.sent', 'enrollment.stopped']);
    });
  });

  describe('lead categories', () => {
    it('when a category is set, set again, changed and cleared by hand, then each change is recorded once', async () => {
      const started = await running(600);
      const patch = (category: string | null) =>
        api.patch(enrollmentPath(started), { enrollment: { category } }).expect(200);

      await patch('interested');
      await patch('interested');
      await patch('meeting_booked');
      await patch(null);

      const changes = await eventsWhere({ enrollmentId: started.enrollmentId, type: 'lead.category_changed' });
      expect(changes.map((event) => [event.data.old_category ?? null, event.data.new_category ?? null])).toEqual([
        [null, 'interested'],
        ['interested', 'meeting_booked'],
        ['meeting_booked', null],
      ]);
      expect(changes[0]).toMatchObject({ campaign_id: started.campaignId, contact_id: started.contactId });
      expect(changes[0]!.data).toMatchObject({ source: 'manual', enrollment_id: started.enrollmentId });
    });
  });

  describe('inbound mail read by the mailbox monitor', () => {
    const imapUser = `events-${crypto.randomBytes(5).toString('hex')}@imap.test`;
    const smtpUsername = `events-${crypto.randomBytes(5).toString('hex')}@sender.test`;
    let campaignId: string;

    beforeAll(async () => {
      const body = campaignBody(stack.info, {
        steps: [
          { subject: 'Quick question', delaySeconds: 0 },
          { subject: 'Following up', delaySeconds: 600 },
        ],
      });
      const campaign = {
        ...body.campaign,
        smtp_credentials: [
          {
            ...body.campaign.smtp_credentials[0]!,
            smtp_username: smtpUsername,
            imap_host: stack.info.imap.host,
            imap_port: stack.info.imap.port,
            imap_security: 'none',
            imap_username: imapUser,
            imap_password: stack.info.imap.password,
          },
        ],
      };
      campaignId = (await api.post(CAMPAIGNS, { campaign }).expect(201)).body.data.id;
    });

    async function startSequence() {
      const enrolled = await fx.enroll(campaignId, uniqueEmail('prospect'));
      await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(202);
      const message = await eventually(() => sentMessage(enrolled.enrollmentId), { what: 'step 1 sent' });
      return { ...enrolled, message };
    }
    const deliver = (name: InboundFixtureName, to: Awaited<ReturnType<typeof startSequence>>, messageId?: string) =>
      deliverToImap(
        stack.info.imap,
        imapUser,
        inboundFixture(name, {
          contactEmail: to.email,
          mailboxEmail: smtpUsername,
          originalMessageId: to.message.messageId,
          ...(messageId ? { messageId } : {}),
        }),
      );
    const waitFor = (enrollmentId: string, type: string) =>
      eventually(async () => (await typesOf({ enrollmentId, type })).length > 0, { what: type });

    it('when a reply arrives, and the same message again, then email.replied once with its text, sender and subject', async () => {
      const prospect = await startSequence();
      const messageId = `<${crypto.randomUUID()}@mail.example>`;

      await deliver('threaded-reply', prospect, messageId);
      await waitFor(prospect.enrollmentId, 'email.replied');
      await deliver('threaded-reply', prospect, messageId);
      await sleep(3_000);

      const replies = await eventsWhere({ enrollmentId: prospect.enrollmentId, type: 'email.replied' });
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatchObject({
        campaign_id: campaignId,
        mailbox_id: prospect.message.mailboxId,
        contact_id: prospect.contactId,
        step_position: 1,
      });
      expect(replies[0]!.data).toMatchObject({
        message_id: prospect.message.messageId,
        from_email: expect.stringMatching(new RegExp(prospect.email.split('@')[0]!, 'i')),
        subject: expect.stringMatching(/^Re: /),
        snippet: expect.any(String),
        text: expect.any(String),
        match_confidence: 'high',
        source: 'mailbox',
      });
    });

    it('when a hard delivery report arrives, then email.bounced once, hard, with the DSN status', async () => {
      const prospect = await startSequence();

      await deliver('dsn-hard-5.1.1', prospect);
      await waitFor(prospect.enrollmentId, 'email.bounced');

      const bounces = await eventsWhere({ enrollmentId: prospect.enrollmentId, type: 'email.bounced' });
      expect(bounces).toHaveLength(1);
      expect(bounces[0]!.data).toMatchObject({
        message_id: prospect.message.messageId,
        bounce_type: 'hard',
        dsn_status: '5.1.1',
        source: 'dsn',
      });
    });

    it('when a delayed (soft) report arrives, then email.bounced soft, and the sequence goes on', async () => {
      const prospect = await startSequence();

      await deliver('dsn-delayed', prospect);
      await waitFor(prospect.enrollmentId, 'email.bounced');

      const [bounce] = await eventsWhere({ enrollmentId: prospect.enrollmentId, type: 'email.bounced' });
      expect(bounce!.data).toMatchObject({ bounce_type: 'soft', dsn_status: expect.stringMatching(/^4\./) });
    });

    it('when a spam complaint arrives, then email.complained once with the feedback type', async () => {
      const prospect = await startSequence();

      await deliver('arf-complaint', prospect);
      await waitFor(prospect.enrollmentId, 'email.complained');

      const complaints = await eventsWhere({ enrollmentId: prospect.enrollmentId, type: 'email.complained' });
      expect(complaints).toHaveLength(1);
      expect(complaints[0]!.data).toMatchObject({
        message_id: prospect.message.messageId,
        feedback_type: expect.any(String),
      });
    });

    it('when a vacation notice arrives in the thread, then lead.category_changed to out_of_office, automatic, and no reply', async () => {
      const prospect = await startSequence();

      await deliver('out-of-office', prospect);
      await waitFor(prospect.enrollmentId, 'lead.category_changed');

      const [change] = await eventsWhere({ enrollmentId: prospect.enrollmentId, type: 'lead.category_changed' });
      expect(change!.data).toMatchObject({ new_category: 'out_of_office', source: 'automatic' });
      expect(change!.data).not.toHaveProperty('old_category');
      expect(await typesOf({ enrollmentId: prospect.enrollmentId, type: 'email.replied' })).toEqual([]);
    });

    it('when the contact uses the List-Unsubscribe mailto, then lead.unsubscribed from the mailto, in this campaign', async () => {
      const prospect = await startSequence();

      await deliver('unsubscribe-mailto', prospect);
      await waitFor(prospect.enrollmentId, 'lead.unsubscribed');

      const [unsubscribe] = await eventsWhere({ enrollmentId: prospect.enrollmentId, type: 'lead.unsubscribed' });
      expect(unsubscribe).toMatchObject({ campaign_id: campaignId, contact_id: prospect.contactId });
      expect(unsubscribe!.data).toMatchObject({ scope: 'global', source: 'mailto' });
    });
  });

  describe('mailboxes', () => {
    let scripted: ScriptedSmtpServer;

    beforeAll(async () => {
      scripted = await startScriptedSmtpServer(({ to }) =>
        to.startsWith('bounce-') ? { code: 550, text: '5.1.1 No such user' } : 'accept',
      );
    });

    afterAll(async () => {
      await scripted.close();
    });

    /** A one-step campaign sending from a mailbox on the scripted server; answers the campaign and the mailbox. */
    async function scriptedCampaign(): Promise<{ campaignId: string; mailboxId: string }> {
      const body = campaignBody(stack.info, { steps: [{ subject: 'First', delaySeconds: 0 }] });
      body.campaign.smtp_credentials[0]!.smtp_port = scripted.port;
      const campaignId: string = (await api.post(CAMPAIGNS, body).expect(201)).body.data.id;
      const mailboxId: string = (await api.get(`${CAMPAIGNS}/${campaignId}/mailboxes`).expect(200)).body.data[0].id;
      return { campaignId, mailboxId };
    }

    it('when a mailbox is disabled by hand twice, then mailbox.disabled once', async () => {
      const { mailboxId } = await scriptedCampaign();

      await api.patch(`/api/v1/mailboxes/${mailboxId}`, { status: 'disabled' }).expect(200);
      await api.patch(`/api/v1/mailboxes/${mailboxId}`, { status: 'disabled' }).expect(200);

      const events = await eventsWhere({ mailboxId, type: 'mailbox.disabled' });
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toMatchObject({ mailbox_id: mailboxId, source: 'user', reason: 'disabled by a user' });
    });

    it('when a hard bounce takes the bounce rate over the threshold, then mailbox.disabled once, in that campaign', async () => {
      const { campaignId, mailboxId } = await scriptedCampaign();
      const padding = await fx.enroll(campaignId, uniqueEmail('padding'));
      // The mailbox's history: 20 sends, 2 of them bounced (10 %, judged only after the next hard bounce).
      await fx.sql(
        `INSERT INTO messages (organization_id, campaign_id, enrollment_id, step_position, mailbox_id, message_id,
                               to_email, subject, status, attempts, sent_at, bounced_at)
         SELECT $1, $2, $3::uuid, 100 + n, $4, '<seed-' || n || '-' || $3::text || '@sender.test>', 'seed@example.test',
                'Seed',
                'sent', 1, now() - interval '1 hour', CASE WHEN n <= 2 THEN now() - interval '30 minutes' END
           FROM generate_series(1, 20) AS n`,
        [organizationId, campaignId, padding.enrollmentId, mailboxId],
      );
      const bouncing = await fx.enroll(campaignId, uniqueEmail('bounce'));
      await fx.dispatch(campaignId);
      await eventually(async () => (await typesOf({ mailboxId, type: 'mailbox.disabled' })).length > 0, {
        what: 'the mailbox disabled',
      });

      const events = await eventsWhere({ mailboxId, type: 'mailbox.disabled' });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ campaign_id: campaignId });
      expect(events[0]!.data).toMatchObject({
        source: 'bounce_rate',
        campaign_id: campaignId,
        bounced: 3,
        sent: expect.any(Number),
        reason: expect.stringMatching(/^bounce rate /),
      });
      // The SMTP-time bounce itself, from the settle.
      expect(await typesOf({ enrollmentId: bouncing.enrollmentId, type: 'email.bounced' })).toEqual(['email.bounced']);
    });

    it('when its server refuses the login, then mailbox.error once (smtp), however often it is tried', async () => {
      const { campaignId, mailboxId } = await scriptedCampaign();
      scripted.acceptLogins = false;
      try {
        await fx.enroll(campaignId, uniqueEmail('refused'));
        await fx.dispatch(campaignId);
        await eventually(async () => (await typesOf({ mailboxId, type: 'mailbox.error' })).length > 0, {
          what: 'mailbox.error',
        });
        await api.post(`/api/v1/mailboxes/${mailboxId}/check`).expect(200);
      } finally {
        scripted.acceptLogins = true;
      }

      const events = await eventsWhere({ mailboxId, type: 'mailbox.error' });
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toMatchObject({ protocol: 'smtp', error: expect.stringMatching(/^535 /) });
    });

    it('when its IMAP login fails on two checks, then mailbox.error once (imap)', async () => {
      const mailbox = (
        await api
          .post('/api/v1/mailboxes', {
            smtp_host: '127.0.0.1',
            smtp_port: scripted.port,
            smtp_security: 'none',
            smtp_username: `imap-broken-${crypto.randomBytes(4).toString('hex')}@sender.test`,
            smtp_password: 'any-password',
            imap_host: stack.info.imap.host,
            imap_port: stack.info.imap.port,
            imap_security: 'none',
            imap_username: `imap-broken-${crypto.randomBytes(4).toString('hex')}@imap.test`,
            imap_password: 'not-the-password',
          })
          .expect(201)
      ).body.data as { id: string };

      await api.post(`/api/v1/mailboxes/${mailbox.id}/check`).expect(200);
      await api.post(`/api/v1/mailboxes/${mailbox.id}/check`).expect(200);

      const events = await eventsWhere({ mailboxId: mailbox.id, type: 'mailbox.error' });
      expect(events).toHaveLength(1);
      expect(events[0]!.data).toMatchObject({ mailbox_id: mailbox.id, protocol: 'imap', error: expect.any(String) });
    });
  });

  it('when every occurrence above has been recorded, then each event’s data is what the webhook documentation says', async () => {
    const events = await eventsWhere({});
    expect(new Set(events.map((event) => event.type)).size).toBeGreaterThanOrEqual(14);
    const undocumented = events.flatMap((event) => {
      const parsed = WEBHOOK_EVENTS[event.type as keyof typeof WEBHOOK_EVENTS].data.safeParse(event.data);
      return parsed.success ? [] : [{ type: event.type, data: event.data, issues: parsed.error.issues }];
    });
    expect(undocumented).toEqual([]);
  });
});
