import crypto from 'node:crypto';
import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignFixtures, nextUtcMidnight } from '../helpers/campaign-fixtures';
import { countMessages } from '../helpers/db-reads';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, messagesTo, sleep, type ApiClient, type TestStack } from '../helpers/test-stack';

/** A campaign's mailboxes: the daily limit of step-1 sends in the campaign's day, a mailbox shared by two campaigns, re-enabling a disabled one. */
describe('the campaign API of the reference, end to end on the real stack', () => {
  let stack: TestStack;
  const { createCampaign, enroll, waitForMessages, newApi } = campaignFixtures(() => stack);

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  describe("a mailbox's daily limit: step-1 sends only (reference), counted in the campaign's day (SPEC §4.5)", () => {
    const twoSteps = [
      { subject: 'One {{first_name}}', delaySeconds: 0 },
      { subject: 'Two {{first_name}}', delaySeconds: 1 },
    ];

    it('when the mailbox sent one step 1 and its follow-up with daily_limit 2, then a new batch is dispatched and sent', async () => {
      const { api } = await newApi();
      const { id } = await createCampaign(api, { dailyLimit: 2, steps: twoSteps });
      const first = await enroll(api, id, uniqueEmail('followed-up'), 1);
      await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 1 }).expect(202);
      await waitForMessages([first.email], 2, 'step 1 and its follow-up');
      const second = await enroll(api, id, uniqueEmail('new-today'), 2);

      const response = await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 2 });

      expect({ status: response.status, code: response.body.code, data: response.body.data }).toEqual({
        status: 202,
        code: undefined,
        data: { batch_number: 2, dispatched: 1, skipped: 0 },
      });
      await waitForMessages([second.email], 1, "the new contact's step 1");
    });

    it('when an evergreen campaign (no dispatch check) scheduled a contact after a step 1 and its follow-up used daily_limit 2, then its step 1 is sent today, not deferred', async () => {
      const { api, organizationId } = await newApi();
      const list = await api.post('/api/v1/lists', { list: { name: 'Evergreen list' } }).expect(201);
      const { id } = await createCampaign(
        api,
        { dailyLimit: 2, steps: twoSteps },
        { evergreen: true, list_uuids: [list.body.data.uuid] },
      );
      const schedule = (email: string) =>
        api.post(`${CAMPAIGNS}/${id}/schedule_contacts`, { contacts: [{ email, first_name: 'Eve' }] }).expect(200);
      const first = uniqueEmail('evergreen-first');
      await schedule(first);
      await waitForMessages([first], 2, 'step 1 and its follow-up');
      const second = uniqueEmail('evergreen-second');

      await schedule(second);

      // Either its step 1 arrives, or its workflow records a wait beyond the next minute (deferred to tomorrow).
      const outcome = await eventually(
        async () => {
          const messages = (await messagesTo(stack.info, [second])).length;
          const contact = await stack.db.repos.contacts.findByEmail(organizationId, second);
          const enrollment = contact && (await stack.db.repos.content.enrollmentOfContact(id, contact.id));
          const next = enrollment?.nextSendAt ?? null;
          const deferredUntil = next && next.getTime() > Date.now() + 60_000 ? next.toISOString() : null;
          return messages > 0 || deferredUntil ? { messages, deferredUntil } : null;
        },
        { what: "the second contact's step 1 to be sent or deferred" },
      );
      expect(outcome).toEqual({ messages: 1, deferredUntil: null });
    });

    it("when the campaign's schedule has a timezone, then a full mailbox's step 1 waits for the next midnight of that timezone (SPEC §4.5)", async () => {
      const { api } = await newApi();
      // UTC+14 all year: its midnight is never UTC midnight.
      const timezone = 'Pacific/Kiritimati';
      const { id } = await createCampaign(
        api,
        { dailyLimit: 1, steps: [{ subject: 'Only {{first_name}}', delaySeconds: 0 }] },
        { schedule: { timezone, days: [0, 1, 2, 3, 4, 5, 6], start_hour: 0, end_hour: 24 } },
      );
      const contacts = [await enroll(api, id, uniqueEmail('tz-a')), await enroll(api, id, uniqueEmail('tz-b'))];
      const dayMs = 24 * 60 * 60 * 1000;
      const offsetMs = 14 * 60 * 60 * 1000;
      const localMidnight = new Date(Math.floor((Date.now() + offsetMs) / dayMs) * dayMs + dayMs - offsetMs);

      await api.post(`${CAMPAIGNS}/${id}/dispatch`).expect(202);

      await waitForMessages(
        contacts.map((contact) => contact.email),
        1,
        'one send',
      );
      const waiting = await eventually(
        async () => {
          const rows = await Promise.all(
            contacts.map(
              async (contact) =>
                (await api.get(`${CAMPAIGNS}/${id}/enrollments/${contact.enrollmentId}`)).body.data as {
                  status: string;
                  next_send_at: string | null;
                },
            ),
          );
          const deferred = rows.find(
            (row) =>
              row.status === 'active' &&
              row.next_send_at !== null &&
              new Date(row.next_send_at).getTime() > Date.now() + 60_000,
          );
          return rows.some((row) => row.status === 'completed') && deferred;
        },
        { what: 'one enrollment completed and the other deferred' },
      );
      expect(waiting.next_send_at).toBe(localMidnight.toISOString());
      expect(
        await messagesTo(
          stack.info,
          contacts.map((contact) => contact.email),
        ),
      ).toHaveLength(1);
    });
  });

  describe('a mailbox shared by two campaigns', () => {
    it('when both campaigns want 6 step-1 sends from one mailbox with daily_limit 3, then exactly 3 go out today and 3 wait for the next UTC midnight', async () => {
      const { api } = await newApi();
      // Step 1 falls due 3 s after dispatch, so the 6 claims race for the mailbox at the same moment.
      const steps = [{ subject: 'Shared {{first_name}}', delaySeconds: 3 }];
      const campaignA = await createCampaign(api, { steps, dailyLimit: 3 });
      const bodyB = campaignBody(stack.info, { steps, dailyLimit: 3 });
      bodyB.campaign.smtp_credentials = campaignA.body.campaign.smtp_credentials;
      const campaignB: string = (await api.post(CAMPAIGNS, bodyB).expect(201)).body.data.id;
      const enrollments: { campaignId: string; enrollmentId: string; contactId: string; email: string }[] = [];
      for (const campaignId of [campaignA.id, campaignB]) {
        for (let index = 0; index < 3; index += 1) {
          enrollments.push({ campaignId, ...(await enroll(api, campaignId, uniqueEmail(`shared-${index}`))) });
        }
      }
      const emails = enrollments.map((enrollment) => enrollment.email);
      type Settled = (typeof enrollments)[number] & { outcome: 'sent' | 'waiting'; data: Record<string, unknown> };

      await api.post(`${CAMPAIGNS}/${campaignA.id}/dispatch`).expect(202);
      await api.post(`${CAMPAIGNS}/${campaignB}/dispatch`).expect(202);

      await waitForMessages(emails, 3, 'three sends');
      const midnight = nextUtcMidnight();
      const settled = await eventually(
        async () => {
          const states = await Promise.all(
            enrollments.map(async (enrollment): Promise<Settled | null> => {
              const { body } = await api.get(
                `${CAMPAIGNS}/${enrollment.campaignId}/enrollments/${enrollment.enrollmentId}`,
              );
              if (body.data?.status === 'completed') return { ...enrollment, outcome: 'sent', data: body.data };
              if (body.data?.workflow?.next_send_at === midnight)
                return { ...enrollment, outcome: 'waiting', data: body.data };
              return null;
            }),
          );
          const known = states.filter((state) => state !== null);
          return known.length === states.length ? known : null;
        },
        { what: 'every enrollment to be completed or waiting for midnight' },
      );
      await sleep(1_500);

      const delivered = await messagesTo(stack.info, emails);
      expect(delivered).toHaveLength(3);
      const sentEmails = settled.filter((state) => state.outcome === 'sent').map((state) => state.email);
      expect(sentEmails.sort()).toEqual(delivered.flatMap((message) => message.envelopeTo).sort());
      const waiting = settled.filter((state) => state.outcome === 'waiting');
      expect(waiting).toHaveLength(3);
      for (const state of waiting) {
        expect(state.data).toMatchObject({ status: 'active', next_send_at: midnight, current_step: 0 });
      }
      const credentials = await Promise.all(
        [campaignA.id, campaignB].map(
          async (id) => (await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data.credentials,
        ),
      );
      expect(credentials[0]).toHaveLength(1);
      expect(credentials[1]).toHaveLength(1);
      expect(credentials[0][0]).toMatchObject({ sent_today: 3, daily_limit: 3 });
      expect(credentials[1][0]).toMatchObject({ id: credentials[0][0].id, sent_today: 3 });
      expect(await countMessages(stack.db, { mailboxId: credentials[0][0].id })).toBe(3);
    });
  });

  describe('POST /campaigns/:id/smtp_credentials/:credential_id/reenable', () => {
    let api: ApiClient;

    beforeAll(async () => {
      api = (await newApi()).api;
    });

    const disable = (mailboxId: string) => stack.db.repos.mailboxes.disable(mailboxId, 'bounce rate 12.0 % over 8 %');

    it('when a disabled credential of the campaign is re-enabled, then 200, active, with disabled_at and reason cleared', async () => {
      const { id } = await createCampaign(api);
      const credentialId: string = (await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data.credentials[0].id;
      await disable(credentialId);
      const before = (await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data.credentials[0];

      const response = await api.post(`${CAMPAIGNS}/${id}/smtp_credentials/${credentialId}/reenable`);

      expect(before).toMatchObject({
        status: 'disabled',
        disabled_at: expect.any(String),
        disabled_reason: 'bounce rate 12.0 % over 8 %',
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'success',
        data: { id: credentialId, status: 'active', disabled_at: null, disabled_reason: null },
      });
      expect((await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data.credentials[0]).toMatchObject({
        status: 'active',
        disabled_at: null,
        disabled_reason: null,
      });
    });

    it('when the credential is not linked to the campaign, then 404 credential_not_found and it stays disabled', async () => {
      const { id } = await createCampaign(api);
      const elsewhere = await createCampaign(api);
      const foreignCredential: string = (await api.get(`${CAMPAIGNS}/${elsewhere.id}`).expect(200)).body.data
        .credentials[0].id;
      await disable(foreignCredential);

      const unlinked = await api.post(`${CAMPAIGNS}/${id}/smtp_credentials/${foreignCredential}/reenable`);
      const unknown = await api.post(`${CAMPAIGNS}/${id}/smtp_credentials/${crypto.randomUUID()}/reenable`);

      for (const response of [unlinked, unknown]) {
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ status: 'error', code: 'credential_not_found' });
      }
      expect((await stack.db.repos.mailboxes.findById(foreignCredential))!.status).toBe('disabled');
    });
  });
});
