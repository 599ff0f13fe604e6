import crypto from 'node:crypto';
import { simpleParser } from 'mailparser';
import { expectError, expectValidationFailure } from '../helpers/api-errors';
import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignFixtures, nextUtcMidnight, type Enrollee } from '../helpers/campaign-fixtures';
import { uniqueEmail } from '../helpers/factories';
import { freePorts } from '../helpers/ports';
import { startScriptedSmtpServer } from '../helpers/scripted-smtp-server';
import {
  eventually,
  messagesTo,
  rawMessage,
  sleep,
  stackWithOrganization,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

const MAILBOXES = '/api/v1/mailboxes';
const DAY_MS = 86_400_000;

/** A mailbox's check, signature, warm-up ramp and health, on the real stack (SMTP capture server, Dovecot). */
describe('mailbox health, signature and warm-up', () => {
  let stack: TestStack;
  let api: ApiClient;
  const { createCampaign, enroll, waitForMessages } = campaignFixtures(() => stack);

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  const newMailbox = (extra: Record<string, unknown> = {}) => ({
    smtp_host: '127.0.0.1',
    smtp_port: stack.info.smtpPort,
    smtp_security: 'none',
    smtp_username: `health-${crypto.randomBytes(4).toString('hex')}@sender.test`,
    smtp_password: 'any-password',
    ...extra,
  });
  const withImap = (password: string) => ({
    imap_host: stack.info.imap.host,
    imap_port: stack.info.imap.port,
    imap_security: 'none',
    imap_username: `health-${crypto.randomBytes(4).toString('hex')}@imap.test`,
    imap_password: password,
  });
  const create = async (extra: Record<string, unknown> = {}) =>
    (await api.post(MAILBOXES, newMailbox(extra)).expect(201)).body.data as Record<string, unknown> & { id: string };
  /** The mailbox a campaign created for its credential. */
  const mailboxOf = async (campaignId: string): Promise<string> =>
    (await api.get(`${CAMPAIGNS}/${campaignId}/mailboxes`).expect(200)).body.data[0].id as string;

  describe('POST /mailboxes/{id}/check', () => {
    it('when SMTP logs in and IMAP logs in and selects INBOX, then both are ok and the outcome is recorded', async () => {
      const mailbox = await create(withImap(stack.info.imap.password));

      const { body } = await api.post(`${MAILBOXES}/${mailbox.id}/check`).expect(200);

      expect(body.data).toMatchObject({
        mailbox_id: mailbox.id,
        smtp: { ok: true, latency_ms: expect.any(Number) },
        imap: { ok: true, latency_ms: expect.any(Number) },
      });
      expect(body.data.smtp.response).toMatch(/^2\d\d/);
      expect(body.data.imap.response).toContain('INBOX');
      const after = (await api.get(`${MAILBOXES}/${mailbox.id}`).expect(200)).body.data;
      expect(after).toMatchObject({
        status: 'active',
        imap_status: 'connected',
        imap_error: null,
        imap_checked_at: expect.any(String),
        health: { smtp_check: { ok: true, response: body.data.smtp.response, checked_at: body.data.checked_at } },
      });
    });

    it('when the SMTP port is closed and the IMAP password is wrong, then both fail with the reason, and the status stays', async () => {
      const [closed] = await freePorts(1);
      const mailbox = await create({ smtp_port: closed, ...withImap('wrong-password') });

      const { body } = await api.post(`${MAILBOXES}/${mailbox.id}/check`).expect(200);

      expect(body.data.smtp).toMatchObject({ ok: false });
      expect(body.data.smtp.response).toMatch(/ECONNREFUSED|connect/i);
      expect(body.data.imap).toMatchObject({ ok: false });
      expect(body.data.imap.response).toMatch(/IMAP login as .* was refused/);
      expect(body.data.imap.response).toMatch(/server said/);
      const after = (await api.get(`${MAILBOXES}/${mailbox.id}`).expect(200)).body.data;
      expect(after).toMatchObject({
        status: 'active',
        imap_status: 'error',
        imap_error: body.data.imap.response,
        health: { smtp_check: { ok: false, response: body.data.smtp.response } },
      });
    });

    it('when the SMTP server refuses the login (535), then the check says so and the mailbox stays active', async () => {
      const server = await startScriptedSmtpServer();
      server.acceptLogins = false;
      try {
        const mailbox = await create({ smtp_port: server.port });

        const { body } = await api.post(`${MAILBOXES}/${mailbox.id}/check`).expect(200);

        expect(body.data.smtp).toMatchObject({ ok: false, response: expect.stringMatching(/^535 /) });
        expect(body.data.imap).toBeNull();
        const after = (await api.get(`${MAILBOXES}/${mailbox.id}`).expect(200)).body.data;
        expect(after).toMatchObject({ status: 'active', smtp_error: null, health: { smtp_check: { ok: false } } });
      } finally {
        await server.close();
      }
    });

    it('when the host is one the outbound host policy refuses, then the answer is the refusal and nothing connects', async () => {
      const mailbox = await create();
      // Saved behind the API's back: the API refuses such a host when it is given.
      await stack.db.repos.mailboxAdmin.update(mailbox.id, { smtpHost: '169.254.169.254' });

      const { body } = await api.post(`${MAILBOXES}/${mailbox.id}/check`).expect(200);

      expect(body.data.smtp.ok).toBe(false);
      expect(body.data.smtp.response).toMatch(/metadata/);
      expect(body.data.imap).toBeNull();
    });

    it("when the mailbox is another organization's, then 404", async () => {
      const other = await stack.newOrganization();
      const theirs = (await stack.api(other.apiKey).post(MAILBOXES, newMailbox()).expect(201)).body.data;

      expectError(await api.post(`${MAILBOXES}/${theirs.id}/check`), 404, 'mailbox_not_found');
    });
  });

  describe('signature', () => {
    it('when set, changed and removed, then GET shows it; an invalid template is a 422 naming the field', async () => {
      const mailbox = await create({ signature: '<p>Grace</p>' });
      expect(mailbox.signature).toBe('<p>Grace</p>');

      const changed = await api.patch(`${MAILBOXES}/${mailbox.id}`, { signature: '<p>Ada</p>' }).expect(200);
      expect(changed.body.data.signature).toBe('<p>Ada</p>');
      const removed = await api.patch(`${MAILBOXES}/${mailbox.id}`, { signature: null }).expect(200);
      expect(removed.body.data.signature).toBeNull();

      for (const signature of ['{% include "x" %}', '{{ sender.signature }}', '{% if %}', 'x'.repeat(10_001)]) {
        expectValidationFailure(await api.patch(`${MAILBOXES}/${mailbox.id}`, { signature }), 'signature');
      }
    });

    it('when a step leaves it out, it is appended to both parts; when a step places {{ sender.signature }}, it is there once', async () => {
      const steps = [
        { subject: 'Hello {{first_name}}', body: '<p>First step.</p>', delaySeconds: 0 },
        { subject: 'Again', body: '<p>Second.</p>{{ sender.signature }}<p>P.S. placed.</p>', delaySeconds: 1 },
      ];
      const { id } = await createCampaign(api, { steps });
      const mailboxId = await mailboxOf(id);
      await api
        .patch(`${MAILBOXES}/${mailboxId}`, {
          signature: '<p>Best, Grace &mdash; for {{ first_name }} <a href="https://founders.example">site</a></p>',
        })
        .expect(200);
      const contact = await enroll(api, id, uniqueEmail('signed'));

      await api.post(`${CAMPAIGNS}/${id}/dispatch`).expect(202);
      await waitForMessages([contact.email], 2, 'both steps');

      const [first, second] = await Promise.all(
        (await messagesTo(stack.info, [contact.email])).map(async (message) =>
          simpleParser(await rawMessage(stack.info, message)),
        ),
      );
      expect(first!.html).toMatch(
        /<p>First step\.<\/p>.*Best, Grace &mdash; for Pat <a href="https:\/\/founders\.example">/s,
      );
      expect(first!.text).toMatch(/First step\.\s+Best, Grace — for Pat/);
      const html = second!.html as string;
      expect(html.split('Best, Grace').length - 1).toBe(1);
      expect(html.indexOf('Best, Grace')).toBeLessThan(html.indexOf('P.S. placed.'));
      expect(second!.text!.split('Best, Grace').length - 1).toBe(1);
    });
  });

  describe('warm-up ramp', () => {
    it('when set, then GET shows the ramp and today’s effective limit; days count from started_at', async () => {
      const mailbox = await create({ daily_limit: 50, warmup: { start_limit: 2, daily_increment: 5 } });
      expect(mailbox).toMatchObject({
        effective_daily_limit: 2,
        warmup: { enabled: true, start_limit: 2, daily_increment: 5, target_limit: null, day: 0, complete: false },
      });

      const threeDaysAgo = new Date(Date.now() - 3 * DAY_MS).toISOString();
      const later = await api.patch(`${MAILBOXES}/${mailbox.id}`, { warmup: { started_at: threeDaysAgo } }).expect(200);
      expect(later.body.data).toMatchObject({ effective_daily_limit: 17, warmup: { day: 3, complete: false } });

      const capped = await api.patch(`${MAILBOXES}/${mailbox.id}`, { warmup: { target_limit: 10 } }).expect(200);
      expect(capped.body.data).toMatchObject({
        effective_daily_limit: 10,
        warmup: { target_limit: 10, complete: true },
      });

      const off = await api.patch(`${MAILBOXES}/${mailbox.id}`, { warmup: { enabled: false } }).expect(200);
      expect(off.body.data).toMatchObject({ effective_daily_limit: 50, warmup: { enabled: false, day: null } });
      const gone = await api.patch(`${MAILBOXES}/${mailbox.id}`, { warmup: null }).expect(200);
      expect(gone.body.data.warmup).toMatchObject({ enabled: false, start_limit: null, started_at: null });

      expectValidationFailure(await api.patch(`${MAILBOXES}/${mailbox.id}`, { warmup: {} }), 'warmup.start_limit');
      expectValidationFailure(
        await api.post(MAILBOXES, newMailbox({ warmup: { start_limit: 0, daily_increment: 1 } })),
        'warmup.start_limit',
      );
    });

    it('when warm-up starts at 2 though daily_limit is 50, then only 2 first steps go today and the rest wait for tomorrow', async () => {
      const steps = [{ subject: 'Warm {{first_name}}', delaySeconds: 0 }];
      const { id } = await createCampaign(api, { steps, dailyLimit: 50 });
      const mailboxId = await mailboxOf(id);
      await api
        .patch(`${MAILBOXES}/${mailboxId}`, { warmup: { start_limit: 2, daily_increment: 10, target_limit: 50 } })
        .expect(200);
      const contacts: Enrollee[] = [];
      for (let index = 0; index < 4; index += 1) contacts.push(await enroll(api, id, uniqueEmail(`warm-${index}`)));
      const emails = contacts.map((contact) => contact.email);

      await api.post(`${CAMPAIGNS}/${id}/dispatch`).expect(202);

      await waitForMessages(emails, 2, 'two first steps');
      const midnight = nextUtcMidnight();
      const waiting = await eventually(
        async () => {
          const states = await Promise.all(
            contacts.map(
              async (contact) =>
                (await api.get(`${CAMPAIGNS}/${id}/enrollments/${contact.enrollmentId}`).expect(200)).body.data,
            ),
          );
          const deferred = states.filter((state) => state.next_send_at === midnight && state.current_step === 0);
          return deferred.length === 2 ? deferred : null;
        },
        { what: 'two enrollments waiting for midnight' },
      );
      await sleep(1_000);

      expect(await messagesTo(stack.info, emails)).toHaveLength(2);
      expect(waiting).toHaveLength(2);
      expect((await api.get(`${MAILBOXES}/${mailboxId}`).expect(200)).body.data).toMatchObject({
        daily_limit: 50,
        effective_daily_limit: 2,
        sent_today: 2,
        warmup: { enabled: true, day: 0 },
        health: { recent_sends: 2, recent_bounces: 0, bounce_rate: 0 },
      });
      // Dispatch sees the warm-up limit too: a new batch today is refused as with a full daily_limit.
      await enroll(api, id, uniqueEmail('warm-later'), 2);
      expectError(await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 2 }), 422, 'all_credentials_at_limit');
    });
  });
});
