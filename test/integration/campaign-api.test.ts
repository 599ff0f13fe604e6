import crypto from 'node:crypto';
import request from 'supertest';
import { createLogger } from '../../src/logger';
import { enrollmentWorkflowId, stateQuery } from '../../workflows/enrollment/definitions';
import { TEST_DNS_ZONE } from '../helpers/dns-server';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

const CAMPAIGNS = '/api/v1/campaigns';
const OUTREACHES = '/api/v1/outreaches';

type Step = { subject: string; delaySeconds: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The next midnight UTC: where a send deferred by a full mailbox waits. */
function nextUtcMidnight(): string {
  const midnight = new Date();
  midnight.setUTCHours(24, 0, 0, 0);
  return midnight.toISOString();
}

describe('the campaign API of the reference, end to end on the real stack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
    stack.db.dataSource.query(query, params);

  const count = async (query: string, params: unknown[]): Promise<number> =>
    Number((await sql<{ count: string }>(query, params))[0]!.count);

  const enrollmentStatus = async (enrollmentId: string): Promise<string | undefined> =>
    (await sql<{ status: string }>('SELECT status FROM enrollments WHERE id = $1', [enrollmentId]))[0]?.status;

  /** An address on a domain of the test DNS zone (example.test would be NXDOMAIN under verify_email_mx). */
  const zoneEmail = (prefix: string, domain: keyof TestStack['info']['dns']['zone'] = 'mx'): string =>
    `${prefix}-${crypto.randomBytes(6).toString('hex')}@${stack.info.dns.zone[domain]}`;

  async function createCampaign(
    api: ApiClient,
    options: { steps?: Step[]; dailyLimit?: number; name?: string } = {},
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; name: string; body: ReturnType<typeof campaignBody> }> {
    const body = campaignBody(stack.info, options);
    Object.assign(body.campaign, extra);
    const created = await api.post(CAMPAIGNS, body).expect(201);
    return { id: created.body.data.id as string, name: body.campaign.name, body };
  }

  async function enroll(
    api: ApiClient,
    campaignId: string,
    email: string,
    batchNumber = 1,
  ): Promise<{ enrollmentId: string; contactId: string; email: string }> {
    const response = await api
      .post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, {
        contact: { email, first_name: 'Pat' },
        batch_number: batchNumber,
      })
      .expect(201);
    return { enrollmentId: response.body.data.id, contactId: response.body.data.contact_id, email };
  }

  const waitForMessages = (emails: string[], atLeast: number, what: string, timeoutMs = 60_000) =>
    eventually(async () => (await messagesTo(stack.info, emails)).length >= atLeast, { what, timeoutMs });

  async function newApi(): Promise<{ api: ApiClient; organizationId: string }> {
    const organization = await stack.newOrganization();
    return { api: stack.api(organization.apiKey), organizationId: organization.organizationId };
  }

  describe('PATCH /campaigns/:id', () => {
    let api: ApiClient;
    let other: ApiClient;

    beforeAll(async () => {
      api = (await newApi()).api;
      other = (await newApi()).api;
    });

    it("when every updatable field (the reference's and ours) is patched, then GET shows each new value", async () => {
      const { id } = await createCampaign(api);
      const outreach = await api.post(OUTREACHES, { outreach: { name: 'Q3 group' } }).expect(201);
      const settings = {
        name: 'Renamed campaign',
        min_wait_seconds: 30,
        max_wait_seconds: 90,
        outreach_id: outreach.body.data.id,
        verify_email_mx: true,
        bounce_rate_threshold: 12.5,
        schedule: { timezone: 'Europe/Paris', days: [1, 2, 3, 4, 5], start_hour: 9, end_hour: 17 },
        max_new_per_day: 40,
        stop_on: 'click',
        track_opens: true,
        track_clicks: true,
        unsubscribe_text: 'Reply STOP and we will not write again.',
        ab_winner: { metric: 'replies', min_sends_per_variant: 25 },
      };

      const patched = await api.patch(`${CAMPAIGNS}/${id}`, { campaign: settings }).expect(200);
      const read = await api.get(`${CAMPAIGNS}/${id}`).expect(200);

      expect(patched.body).toMatchObject({ status: 'success', message: 'Campaign updated.', data: settings });
      expect(read.body.data).toMatchObject({ id, ...settings });
    });

    it('when one field is patched, then only it changes; null clears the optional settings', async () => {
      const { id } = await createCampaign(api);
      const outreach = await api.post(OUTREACHES, { outreach: { name: 'To clear' } }).expect(201);
      await api
        .patch(`${CAMPAIGNS}/${id}`, {
          campaign: {
            outreach_id: outreach.body.data.id,
            schedule: { timezone: 'America/New_York', days: [0, 6], start_hour: 8, end_hour: 12 },
            max_new_per_day: 5,
            unsubscribe_text: 'Bye',
            ab_winner: { metric: 'opens_unique', min_sends_per_variant: 3 },
            bounce_rate_threshold: 4,
          },
        })
        .expect(200);

      await api.patch(`${CAMPAIGNS}/${id}`, { campaign: { name: 'Only the name' } }).expect(200);
      const afterName = (await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data;
      await api
        .patch(`${CAMPAIGNS}/${id}`, {
          campaign: {
            outreach_id: null,
            schedule: null,
            max_new_per_day: null,
            unsubscribe_text: null,
            ab_winner: null,
          },
        })
        .expect(200);
      const cleared = (await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data;

      expect(afterName).toMatchObject({
        name: 'Only the name',
        outreach_id: outreach.body.data.id,
        schedule: { timezone: 'America/New_York', days: [0, 6], start_hour: 8, end_hour: 12 },
        max_new_per_day: 5,
        unsubscribe_text: 'Bye',
        ab_winner: { metric: 'opens_unique', min_sends_per_variant: 3 },
        bounce_rate_threshold: 4,
        min_wait_seconds: 0,
        max_wait_seconds: 0,
      });
      expect(cleared).toMatchObject({
        name: 'Only the name',
        outreach_id: null,
        schedule: null,
        max_new_per_day: null,
        unsubscribe_text: null,
        ab_winner: null,
        bounce_rate_threshold: 4,
      });
    });

    it('when max_wait_seconds goes below the stored min_wait_seconds, then 422 and nothing changes', async () => {
      const { id } = await createCampaign(api);
      await api.patch(`${CAMPAIGNS}/${id}`, { campaign: { min_wait_seconds: 60, max_wait_seconds: 120 } }).expect(200);

      const below = await api.patch(`${CAMPAIGNS}/${id}`, { campaign: { max_wait_seconds: 59, name: 'Nope' } });
      const above = await api.patch(`${CAMPAIGNS}/${id}`, { campaign: { min_wait_seconds: 121 } });

      expect(below.status).toBe(422);
      expect(below.body).toMatchObject({
        status: 'error',
        code: 'validation_failed',
        errors: ['campaign.max_wait_seconds: must be at least min_wait_seconds (60)'],
      });
      expect(above.status).toBe(422);
      expect(above.body.code).toBe('validation_failed');
      const read = (await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data;
      expect(read).toMatchObject({ min_wait_seconds: 60, max_wait_seconds: 120 });
      expect(read.name).not.toBe('Nope');
    });

    it('when the body carries an unknown key or no setting, then 422 validation_failed and nothing changes', async () => {
      const { id, name } = await createCampaign(api);

      const unknown = await api.patch(`${CAMPAIGNS}/${id}`, { campaign: { name: 'Sneaky', status: 'active' } });
      const empty = await api.patch(`${CAMPAIGNS}/${id}`, { campaign: {} });

      expect(unknown.status).toBe(422);
      expect(unknown.body.code).toBe('validation_failed');
      expect(unknown.body.errors).toEqual([expect.stringMatching(/^campaign: .*status/)]);
      expect(empty.status).toBe(422);
      expect(empty.body.code).toBe('validation_failed');
      expect((await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data).toMatchObject({ name, status: 'pending' });
    });

    it("when outreach_id names another organization's outreach, then 422 naming it and the campaign keeps none", async () => {
      const { id } = await createCampaign(api);
      const foreign = await other.post(OUTREACHES, { outreach: { name: 'Not yours' } }).expect(201);
      const foreignId: string = foreign.body.data.id;

      const response = await api.patch(`${CAMPAIGNS}/${id}`, { campaign: { outreach_id: foreignId } });

      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        code: 'validation_failed',
        errors: [`campaign.outreach_id: outreach ${foreignId} not found`],
      });
      expect((await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data.outreach_id).toBeNull();
    });

    it('when another organization patches the campaign, then 404 campaign_not_found and nothing changes', async () => {
      const { id, name } = await createCampaign(api);

      const response = await other.patch(`${CAMPAIGNS}/${id}`, { campaign: { name: 'Hijacked' } });

      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ status: 'error', code: 'campaign_not_found' });
      expect((await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data.name).toBe(name);
    });
  });

  describe('DELETE /campaigns/:id', () => {
    let api: ApiClient;

    beforeAll(async () => {
      api = (await newApi()).api;
    });

    it('when a running enrollment sleeps toward step 2, then 202: it is stopped and every row of the campaign is gone', async () => {
      const { id } = await createCampaign(api, {
        steps: [
          { subject: 'First {{first_name}}', delaySeconds: 0 },
          { subject: 'Second {{first_name}}', delaySeconds: 60 },
        ],
      });
      const running = await enroll(api, id, uniqueEmail('running'), 1);
      const waiting = await enroll(api, id, uniqueEmail('waiting'), 2);
      await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 1 }).expect(202);
      await waitForMessages([running.email], 1, 'step 1');
      const handle = stack.temporal.workflow.getHandle(enrollmentWorkflowId(id, running.contactId));
      await eventually(
        async () => {
          const state = await handle.query(stateQuery);
          return state.nextStep === 2 && state.status === 'active' && state.nextSendAt !== null;
        },
        { what: 'the enrollment to sleep toward step 2' },
      );

      const deleted = await api.delete(`${CAMPAIGNS}/${id}`);

      // Stopped at once; the running enrollment is stopped and the rows deleted in the background.
      expect(deleted.status).toBe(202);
      expect(deleted.body).toMatchObject({
        status: 'success',
        data: { id, status: 'stopped', fanout: { action: 'delete', total: 1, done: 0, finished_at: null } },
      });
      expect(await handle.result()).toEqual({ status: 'stopped', stepsSent: 1 });
      const read = await eventually(
        async () => {
          const current = await api.get(`${CAMPAIGNS}/${id}`);
          return current.status === 404 ? current : null;
        },
        { what: 'the deletion to finish' },
      );
      expect(read.body.code).toBe('campaign_not_found');
      const rows = await sql<Record<string, number>>(
        `SELECT (SELECT count(*) FROM campaigns WHERE id = $1)::int AS campaigns,
                (SELECT count(*) FROM sequence_steps WHERE campaign_id = $1)::int AS steps,
                (SELECT count(*) FROM enrollments WHERE campaign_id = $1)::int AS enrollments,
                (SELECT count(*) FROM messages WHERE campaign_id = $1)::int AS messages,
                (SELECT count(*) FROM campaign_mailboxes WHERE campaign_id = $1)::int AS mailbox_links,
                (SELECT count(*) FROM enrollment_skips WHERE campaign_id = $1)::int AS skips`,
        [id],
      );
      expect(rows[0]).toEqual({ campaigns: 0, steps: 0, enrollments: 0, messages: 0, mailbox_links: 0, skips: 0 });
      await sleep(1_500);
      expect(await messagesTo(stack.info, [running.email])).toHaveLength(1);
      expect(await messagesTo(stack.info, [waiting.email])).toHaveLength(0);
    });

    it("when the campaign is another organization's or already deleted, then 404 campaign_not_found", async () => {
      const { id } = await createCampaign(api);
      const other = (await newApi()).api;

      const foreign = await other.delete(`${CAMPAIGNS}/${id}`);
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('campaign_not_found');
      expect(await count('SELECT count(*) FROM campaigns WHERE id = $1', [id])).toBe(1);

      await api.delete(`${CAMPAIGNS}/${id}`).expect(202);
      await eventually(async () => (await api.get(`${CAMPAIGNS}/${id}`)).status === 404, { what: 'the deletion' });
      const again = await api.delete(`${CAMPAIGNS}/${id}`);
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('campaign_not_found');
    });
  });

  describe('POST /campaigns/:id/enroll (a list, the reference\'s "contact import")', () => {
    let api: ApiClient;

    beforeAll(async () => {
      api = (await newApi()).api;
    });

    async function listWith(emails: string[]): Promise<string> {
      const list = await api.post('/api/v1/lists', { list: { name: `List ${crypto.randomUUID()}` } }).expect(201);
      const uuid: string = list.body.data.uuid;
      await api
        .post(`/api/v1/lists/${uuid}/contacts`, { contacts: emails.map((email) => ({ email, first_name: 'Lee' })) })
        .expect(200);
      return uuid;
    }

    it('when a list is enrolled in batch 2 (by list_uuid and by contact_import_id), then each contact once; dispatch of batch 2 sends to them only', async () => {
      const { id } = await createCampaign(api, { steps: [{ subject: 'Hello {{first_name}}', delaySeconds: 0 }] });
      const batchOne = await enroll(api, id, uniqueEmail('batch-one'), 1);
      const first = [uniqueEmail('list-a'), uniqueEmail('list-b'), uniqueEmail('list-c')];
      const extra = uniqueEmail('list-d');
      const firstList = await listWith(first);
      const secondList = await listWith([first[0]!, extra]);

      const enrolled = await api.post(`${CAMPAIGNS}/${id}/enroll`, { list_uuid: firstList, batch_number: 2 });
      const repeated = await api.post(`${CAMPAIGNS}/${id}/enroll`, { list_uuid: firstList, batch_number: 2 });
      const byImportId = await api.post(`${CAMPAIGNS}/${id}/enroll`, {
        contact_import_id: secondList,
        batch_number: 2,
      });

      expect(enrolled.status).toBe(201);
      expect(enrolled.body.data).toEqual({ list_uuid: firstList, batch_number: 2, enrolled: 3, already_enrolled: 0 });
      expect(repeated.status).toBe(201);
      expect(repeated.body.data).toEqual({ list_uuid: firstList, batch_number: 2, enrolled: 0, already_enrolled: 3 });
      expect(byImportId.status).toBe(201);
      expect(byImportId.body.data).toEqual({
        list_uuid: secondList,
        batch_number: 2,
        enrolled: 1,
        already_enrolled: 1,
      });
      const batches = await sql<{ batch_number: number; count: number }>(
        `SELECT batch_number, count(*)::int AS count FROM enrollments
          WHERE campaign_id = $1 AND status = 'pending' GROUP BY batch_number ORDER BY batch_number`,
        [id],
      );
      expect(batches).toEqual([
        { batch_number: 1, count: 1 },
        { batch_number: 2, count: 4 },
      ]);

      const dispatched = await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 2 });

      expect(dispatched.status).toBe(202);
      expect(dispatched.body.data).toEqual({ batch_number: 2, dispatched: 4, skipped: 0 });
      const recipients = [...first, extra];
      await waitForMessages(recipients, 4, 'step 1 for the four listed contacts');
      for (const email of recipients) {
        const own = await messagesTo(stack.info, [email]);
        expect(own.map((message) => message.subject)).toEqual(['Hello Lee']);
      }
      expect(await messagesTo(stack.info, [batchOne.email])).toHaveLength(0);
      expect(await enrollmentStatus(batchOne.enrollmentId)).toBe('pending');
    });

    it("when the list is unknown or another organization's, then 404 contact_import_not_found and nothing is enrolled", async () => {
      const { id } = await createCampaign(api);
      const other = (await newApi()).api;
      const foreign = await other.post('/api/v1/lists', { list: { name: 'Theirs' } }).expect(201);
      await other
        .post(`/api/v1/lists/${foreign.body.data.uuid}/contacts`, { contacts: [{ email: uniqueEmail('theirs') }] })
        .expect(200);

      const unknown = await api.post(`${CAMPAIGNS}/${id}/enroll`, { list_uuid: crypto.randomUUID() });
      const borrowed = await api.post(`${CAMPAIGNS}/${id}/enroll`, { contact_import_id: foreign.body.data.uuid });

      for (const response of [unknown, borrowed]) {
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ status: 'error', code: 'contact_import_not_found' });
      }
      expect(await count('SELECT count(*) FROM enrollments WHERE campaign_id = $1', [id])).toBe(0);
    });
  });

  describe('POST /campaigns/:id/dispatch refusals', () => {
    const oneStep = [{ subject: 'Only step for {{first_name}}', delaySeconds: 0 }];

    it("when the organization's monthly_limit of sends is used, then 402 plan_limit_reached and the batch waits", async () => {
      const organization = await stack.services.organizations.create(`plan-${crypto.randomUUID()}`, {
        monthlyLimit: 1,
      });
      const api = stack.api(organization.apiKey);
      const { id } = await createCampaign(api, { steps: oneStep });
      const first = await enroll(api, id, uniqueEmail('plan-first'), 1);
      await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 1 }).expect(202);
      await waitForMessages([first.email], 1, 'the one allowed send');
      const second = await enroll(api, id, uniqueEmail('plan-second'), 2);

      const response = await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 2 });

      expect(response.status).toBe(402);
      expect(response.body).toMatchObject({
        status: 'error',
        code: 'plan_limit_reached',
        monthly_limit: 1,
        sent_this_month: 1,
      });
      expect(await enrollmentStatus(second.enrollmentId)).toBe('pending');
      await sleep(1_000);
      expect(await messagesTo(stack.info, [second.email])).toHaveLength(0);
    });

    it('when every mailbox has used its daily_limit today, then 422 all_credentials_at_limit and the batch waits', async () => {
      const { api } = await newApi();
      const { id } = await createCampaign(api, { steps: oneStep, dailyLimit: 1 });
      const first = await enroll(api, id, uniqueEmail('limit-first'), 1);
      await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 1 }).expect(202);
      await waitForMessages([first.email], 1, 'the day’s only send');
      const second = await enroll(api, id, uniqueEmail('limit-second'), 2);

      const response = await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 2 });

      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ status: 'error', code: 'all_credentials_at_limit' });
      expect(await enrollmentStatus(second.enrollmentId)).toBe('pending');
      await sleep(1_000);
      expect(await messagesTo(stack.info, [second.email])).toHaveLength(0);
    });

    it('when the campaign is paused, then 422 campaign_not_dispatchable with current_state paused', async () => {
      const { api } = await newApi();
      const { id } = await createCampaign(api, {
        steps: [
          { subject: 'One {{first_name}}', delaySeconds: 0 },
          { subject: 'Two {{first_name}}', delaySeconds: 60 },
        ],
      });
      const first = await enroll(api, id, uniqueEmail('before-pause'), 1);
      await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 1 }).expect(202);
      await waitForMessages([first.email], 1, 'step 1 before the pause');
      await api.post(`${CAMPAIGNS}/${id}/pause`).expect(200);
      const second = await enroll(api, id, uniqueEmail('while-paused'), 2);

      const response = await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 2 });

      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        status: 'error',
        code: 'campaign_not_dispatchable',
        current_state: 'paused',
      });
      expect(await enrollmentStatus(second.enrollmentId)).toBe('pending');
      expect(await messagesTo(stack.info, [second.email])).toHaveLength(0);
      await api.delete(`${CAMPAIGNS}/${id}`).expect(202);
    });

    it('when nothing is pending (or the batch has nothing pending), then 422 no_pending_enrollments and it stays pending', async () => {
      const { api } = await newApi();
      const { id } = await createCampaign(api);
      await enroll(api, id, uniqueEmail('in-batch-1'), 1);
      const empty = await createCampaign(api);

      const nothing = await api.post(`${CAMPAIGNS}/${empty.id}/dispatch`);
      const wrongBatch = await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 5 });

      expect(nothing.status).toBe(422);
      expect(nothing.body).toMatchObject({ status: 'error', code: 'no_pending_enrollments' });
      expect(wrongBatch.status).toBe(422);
      expect(wrongBatch.body).toMatchObject({
        code: 'no_pending_enrollments',
        message: 'Batch 5 has no pending enrollments.',
      });
      const statuses = await sql<{ status: string }>('SELECT status FROM campaigns WHERE id = ANY($1::uuid[])', [
        [id, empty.id],
      ]);
      expect(statuses).toEqual([{ status: 'pending' }, { status: 'pending' }]);
    });
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
      const { api } = await newApi();
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
          const [row] = await sql<{ next_send_at: Date | null }>(
            `SELECT e.next_send_at FROM enrollments e JOIN contacts c ON c.id = e.contact_id
              WHERE e.campaign_id = $1 AND c.email = $2`,
            [id, second],
          );
          const next = row?.next_send_at ?? null;
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

  describe('dispatch skips contacts that must not be emailed', () => {
    let api: ApiClient;
    let campaignId: string;
    let firstCampaignName: string;
    let sent: { email: string; enrollmentId: string };
    const skipped: Record<string, { email: string; enrollmentId: string; contactId: string }> = {};
    let dispatchResponse: request.Response;

    beforeAll(async () => {
      api = (await newApi()).api;
      const outreach = await api.post(OUTREACHES, { outreach: { name: 'Unique', unique_contacts: true } }).expect(201);
      const outreachId: string = outreach.body.data.id;
      const oneStep = { steps: [{ subject: 'Hi {{first_name}}', delaySeconds: 0 }] };
      const firstCampaign = await createCampaign(api, oneStep, { outreach_id: outreachId });
      firstCampaignName = firstCampaign.name;
      campaignId = (await createCampaign(api, oneStep, { outreach_id: outreachId, verify_email_mx: true })).id;

      const duplicate = zoneEmail('dup');
      await enroll(api, firstCampaign.id, duplicate, 1);
      await api.post(`${CAMPAIGNS}/${firstCampaign.id}/dispatch`).expect(202);
      await waitForMessages([duplicate], 1, 'the first campaign’s send');

      skipped.cross_campaign_duplicate = await enroll(api, campaignId, duplicate);
      skipped.unsubscribed = await enroll(api, campaignId, zoneEmail('unsub'));
      skipped.invalid_email = await enroll(api, campaignId, zoneEmail('invalid'));
      skipped.mx_invalid = await enroll(api, campaignId, zoneEmail('nx', 'nxdomain'));
      skipped.blocked = await enroll(api, campaignId, zoneEmail('deactivated'));
      sent = await enroll(api, campaignId, zoneEmail('ok'));
      await sql(`UPDATE contacts SET status = 'unsubscribed' WHERE id = $1`, [skipped.unsubscribed.contactId]);
      await sql(`UPDATE contacts SET status = 'deactivated' WHERE id = $1`, [skipped.blocked.contactId]);
      await sql(`UPDATE contacts SET email_valid = false, email_check_detail = 'mailbox unknown' WHERE id = $1`, [
        skipped.invalid_email.contactId,
      ]);

      dispatchResponse = await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`);
    });

    it('when the batch holds one sendable contact and five that must not be emailed, then 1 dispatched and 5 skipped', () => {
      expect(dispatchResponse.status).toBe(202);
      expect(dispatchResponse.body).toMatchObject({
        status: 'success',
        data: { batch_number: 1, dispatched: 1, skipped: 5 },
        message: expect.stringContaining('5 skipped'),
      });
    });

    it.each([
      ['unsubscribed', 'the contact is unsubscribed'],
      ['invalid_email', 'mailbox unknown'],
      ['mx_invalid', `${TEST_DNS_ZONE.nxdomain} does not exist (NXDOMAIN)`],
      ['blocked', 'the contact is deactivated'],
      ['cross_campaign_duplicate', 'already enrolled in campaign "<first>" of the outreach'],
    ])(
      'when the skips audit is filtered by kind %s, then it lists that contact with its detail',
      async (kind, detail) => {
        const expected = skipped[kind]!;

        const response = await api.get(`${CAMPAIGNS}/${campaignId}/skips?kind=${kind}&limit=10`).expect(200);

        expect(response.body).toMatchObject({ status: 'success', total: 1 });
        expect(response.body.data).toEqual([
          {
            enrollment_id: expected.enrollmentId,
            contact_id: expected.contactId,
            email: expected.email,
            kind,
            detail: detail.replace('<first>', firstCampaignName),
            skipped_at: expect.any(String),
          },
        ]);
        expect(await enrollmentStatus(expected.enrollmentId)).toBe('skipped');
      },
    );

    it('when the skips audit is read with a limit, then it returns at most that many of all kinds', async () => {
      const all = await api.get(`${CAMPAIGNS}/${campaignId}/skips`).expect(200);
      const limited = await api.get(`${CAMPAIGNS}/${campaignId}/skips?limit=2`).expect(200);
      const badKind = await api.get(`${CAMPAIGNS}/${campaignId}/skips?kind=bogus`);

      expect(all.body.total).toBe(5);
      expect(new Set(all.body.data.map((row: { kind: string }) => row.kind))).toEqual(new Set(Object.keys(skipped)));
      expect(limited.body.data).toHaveLength(2);
      expect(badKind.status).toBe(422);
    });

    it('when the campaign is read, then `skipped` counts each of the five kinds', async () => {
      const response = await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200);

      expect(response.body.data.skipped).toEqual({
        mx_invalid: 1,
        cross_campaign_duplicate: 1,
        blocked: 1,
        unsubscribed: 1,
        invalid_email: 1,
      });
      expect(response.body.data.per_batch).toEqual([
        expect.objectContaining({ batch_number: 1, enrollments: 6, skipped: 5 }),
      ]);
    });

    it('when the batch ran, then only the sendable contact got a message (on zone.mx) and no skipped contact did', async () => {
      await waitForMessages([sent.email], 1, 'the sendable contact’s step 1');
      await sleep(1_000);

      expect(await messagesTo(stack.info, [sent.email])).toHaveLength(1);
      for (const [kind, contact] of Object.entries(skipped)) {
        // The duplicate got its one message from the first campaign, none from this one.
        expect({ kind, messages: (await messagesTo(stack.info, [contact.email])).length }).toEqual({
          kind,
          messages: kind === 'cross_campaign_duplicate' ? 1 : 0,
        });
      }
      expect(await count('SELECT count(*) FROM messages WHERE campaign_id = $1', [campaignId])).toBe(1);
    });
  });

  describe('GET /campaigns/:id details after a real 2-step run in 2 batches', () => {
    let api: ApiClient;
    let campaignId: string;
    let ann: { enrollmentId: string; contactId: string; email: string };
    let bob: { enrollmentId: string; contactId: string; email: string };

    beforeAll(async () => {
      api = (await newApi()).api;
      campaignId = (
        await createCampaign(api, {
          steps: [
            { subject: 'One {{first_name}}', delaySeconds: 0 },
            { subject: 'Two {{first_name}}', delaySeconds: 1 },
          ],
        })
      ).id;
      ann = await enroll(api, campaignId, uniqueEmail('ann'), 1);
      bob = await enroll(api, campaignId, uniqueEmail('bob'), 2);
      await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`, { batch_number: 1 }).expect(202);
      await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`, { batch_number: 2 }).expect(202);
      await eventually(async () => (await api.get(`${CAMPAIGNS}/${campaignId}`)).body.data?.totals?.completed === 2, {
        what: 'both enrollments to complete',
      });
    });

    it('when both contacts completed, then per_batch and per_step count the 4 sends and sent_today the 2 new conversations', async () => {
      const data = (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data;

      const batch = (batchNumber: number) => ({
        batch_number: batchNumber,
        enrollments: 1,
        pending: 0,
        active: 0,
        completed: 1,
        replied: 0,
        bounced: 0,
        skipped: 0,
        stopped: 0,
        sent: 2,
      });
      expect(data.per_batch).toEqual([batch(1), batch(2)]);
      const step = (position: number) => ({
        position,
        sent: 2,
        opened: 0,
        clicked: 0,
        replied: 0,
        bounced: 0,
        unsubscribed: 0,
        variants: [],
      });
      expect(data.per_step).toEqual([step(1), step(2)]);
      expect(data.credentials).toHaveLength(1);
      // The daily limit counts new conversations (step 1), as in the reference: follow-ups are not counted.
      expect(data.credentials[0]).toMatchObject({ sent_today: 2, status: 'active' });
      expect(data.totals).toMatchObject({ sent: 4, completed: 2, bounced: 0 });
      expect(data.recent_bounces).toEqual([]);
      expect(await messagesTo(stack.info, [ann.email, bob.email])).toHaveLength(4);
    });

    it('when one message is marked bounced, then recent_bounces lists it and rates.bounce_rate is per send (25 %)', async () => {
      await sql(`UPDATE messages SET bounced_at = now() WHERE enrollment_id = $1 AND step_position = 2`, [
        ann.enrollmentId,
      ]);

      const data = (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data;

      expect(data.rates.bounce_rate).toBe(25);
      expect(data.totals.bounced).toBe(1);
      expect(data.recent_bounces).toEqual([
        {
          enrollment_id: ann.enrollmentId,
          contact_id: ann.contactId,
          email: ann.email,
          step: 2,
          bounced_at: expect.any(String),
          smtp_response: expect.any(String),
        },
      ]);
      expect(data.per_step[1]).toMatchObject({ position: 2, bounced: 1 });
    });

    it('when a message got a reply, then GET /replies lists the enrollment with hours_to_reply from its first send', async () => {
      await sql(
        `UPDATE messages SET sent_at = CASE step_position WHEN 1 THEN '2024-03-01T08:00:00Z'::timestamptz
                                                       ELSE '2024-03-02T08:00:00Z'::timestamptz END
          WHERE enrollment_id = $1`,
        [bob.enrollmentId],
      );
      await sql(
        `UPDATE messages SET replied_at = '2024-03-02T20:30:00Z' WHERE enrollment_id = $1 AND step_position = 2`,
        [bob.enrollmentId],
      );

      const response = await api.get(`${CAMPAIGNS}/${campaignId}/replies?limit=10`).expect(200);

      expect(response.body).toMatchObject({ status: 'success', total: 1 });
      expect(response.body.data).toEqual([
        {
          enrollment_id: bob.enrollmentId,
          contact_id: bob.contactId,
          email: bob.email,
          first_sent_at: '2024-03-01T08:00:00.000Z',
          replied_at: '2024-03-02T20:30:00.000Z',
          hours_to_reply: 36.5,
          // Reported without a reply read over IMAP: nothing to show of the message itself.
          from_email: null,
          subject: null,
          snippet: null,
          match_confidence: null,
        },
      ]);
      const data = (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data;
      expect(data.rates.reply_rate).toBe(25);
    });
  });

  describe('POST /campaigns/:id/smtp_credentials/:credential_id/reenable', () => {
    let api: ApiClient;

    beforeAll(async () => {
      api = (await newApi()).api;
    });

    const disable = (mailboxId: string) =>
      sql(
        `UPDATE mailboxes SET status = 'disabled', disabled_at = now(), disabled_reason = 'bounce rate 12.0 % over 8 %'
          WHERE id = $1`,
        [mailboxId],
      );

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
      const [row] = await sql<{ status: string }>('SELECT status FROM mailboxes WHERE id = $1', [foreignCredential]);
      expect(row!.status).toBe('disabled');
    });
  });

  describe('outreaches', () => {
    it("when outreaches are created and read, then GET lists them with total, GET :id lists its campaigns, and another organization's is 404", async () => {
      const { api } = await newApi();
      const other = (await newApi()).api;

      const created = await api.post(OUTREACHES, { outreach: { name: 'Spring push', unique_contacts: true } });
      const plain = await api.post(OUTREACHES, { outreach: { name: 'Plain' } }).expect(201);
      const outreachId: string = created.body.data.id;
      const first = await createCampaign(api, {}, { outreach_id: outreachId });
      const second = await createCampaign(api);
      await api.patch(`${CAMPAIGNS}/${second.id}`, { campaign: { outreach_id: outreachId } }).expect(200);
      await createCampaign(api);

      expect(created.status).toBe(201);
      expect(created.body.data).toEqual({
        id: expect.any(String),
        name: 'Spring push',
        unique_contacts: true,
        created_at: expect.any(String),
      });
      expect(plain.body.data.unique_contacts).toBe(false);
      const list = await api.get(OUTREACHES).expect(200);
      expect(list.body.total).toBe(2);
      expect(list.body.data.map((outreach: { id: string }) => outreach.id).sort()).toEqual(
        [outreachId, plain.body.data.id].sort(),
      );
      const shown = await api.get(`${OUTREACHES}/${outreachId}`).expect(200);
      expect(shown.body.data).toMatchObject({ id: outreachId, name: 'Spring push', unique_contacts: true });
      expect(shown.body.data.campaigns.map((campaign: { id: string }) => campaign.id).sort()).toEqual(
        [first.id, second.id].sort(),
      );
      const foreign = await other.get(`${OUTREACHES}/${outreachId}`);
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ status: 'error', code: 'outreach_not_found' });
      expect((await other.get(OUTREACHES).expect(200)).body.total).toBe(0);
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
      expect(await count('SELECT count(*) FROM messages WHERE mailbox_id = $1', [credentials[0][0].id])).toBe(3);
    });
  });

  describe('pause and resume of a dispatched (non-evergreen) campaign', () => {
    it('when paused after step 1, then no step 2 goes out; after resume each contact gets step 2 exactly once', async () => {
      const { api } = await newApi();
      const { id } = await createCampaign(api, {
        steps: [
          { subject: 'First {{first_name}}', delaySeconds: 0 },
          { subject: 'Second {{first_name}}', delaySeconds: 3 },
        ],
      });
      const contacts: Awaited<ReturnType<typeof enroll>>[] = [];
      for (const name of ['pam', 'pia', 'pol']) contacts.push(await enroll(api, id, uniqueEmail(name)));
      await api.post(`${CAMPAIGNS}/${id}/dispatch`).expect(202);
      const messageCounts = async () =>
        Promise.all(contacts.map(async (contact) => (await messagesTo(stack.info, [contact.email])).length));
      await eventually(async () => (await messageCounts()).every((sent) => sent >= 1), { what: 'step 1 for all' });

      const paused = await api.post(`${CAMPAIGNS}/${id}/pause`);
      expect(paused.status).toBe(200);
      expect(paused.body.data.status).toBe('paused');
      await sleep(5_000); // step 2 falls due meanwhile
      expect(await messageCounts()).toEqual([1, 1, 1]);

      const resumed = await api.post(`${CAMPAIGNS}/${id}/resume`);
      expect(resumed.status).toBe(200);
      expect(resumed.body.data.status).toBe('active');
      await eventually(async () => (await messageCounts()).every((sent) => sent === 2), { what: 'step 2 for all' });
      await eventually(async () => (await api.get(`${CAMPAIGNS}/${id}`)).body.data?.totals?.completed === 3, {
        what: 'all three to complete',
      });
      await sleep(3_000);

      expect(await messageCounts()).toEqual([2, 2, 2]);
      for (const contact of contacts) {
        const own = await messagesTo(stack.info, [contact.email]);
        expect(own.map((message) => message.subject)).toEqual(['First Pat', 'Second Pat']);
      }
      expect(await count('SELECT count(*) FROM messages WHERE campaign_id = $1', [id])).toBe(6);
    });
  });

  describe('secrets', () => {
    it('when campaigns are created, read, listed, patched, refused and not found, then no response and no log line carries a password', async () => {
      const lines: string[] = [];
      const logger = createLogger('trace', {}, { write: (line: string) => void lines.push(line) });
      const app = stack.appWith({ logger });
      const { apiKey } = await stack.newOrganization();
      const smtpPassword = `smtp-pw-${crypto.randomBytes(12).toString('hex')}`;
      const imapPassword = `imap-pw-${crypto.randomBytes(12).toString('hex')}`;
      const body = campaignBody(stack.info);
      Object.assign(body.campaign.smtp_credentials[0]!, {
        smtp_password: smtpPassword,
        imap_host: '127.0.0.1',
        imap_port: 993,
        imap_username: body.campaign.smtp_credentials[0]!.smtp_username,
        imap_password: imapPassword,
      });
      const refused = campaignBody(stack.info);
      Object.assign(refused.campaign.smtp_credentials[0]!, {
        smtp_port: 0,
        smtp_password: smtpPassword,
        imap_host: '127.0.0.1',
        imap_port: 993,
        imap_username: 'someone',
        imap_password: imapPassword,
      });
      const call = (method: 'get' | 'post' | 'patch', url: string, payload?: object) => {
        const pending = request(app)[method](url).set('X-API-KEY', apiKey);
        return payload ? pending.send(payload) : pending;
      };

      const created = await call('post', CAMPAIGNS, body);
      const id: string = created.body.data.id;
      const responses = [
        created,
        await call('get', `${CAMPAIGNS}/${id}`),
        await call('get', CAMPAIGNS),
        await call('patch', `${CAMPAIGNS}/${id}`, { campaign: { name: 'Patched' } }),
        await call('post', CAMPAIGNS, refused),
        await call('get', `${CAMPAIGNS}/${crypto.randomUUID()}`),
      ];

      expect(responses.map((response) => response.status)).toEqual([201, 200, 200, 200, 422, 404]);
      await eventually(
        () => Promise.resolve(lines.filter((line) => /"responseTime"/.test(line)).length >= responses.length),
        {
          what: 'a log line per request',
          timeoutMs: 5_000,
        },
      );
      const logged = lines.map((line) => JSON.parse(line) as { req?: { method: string; url: string }; res?: object });
      expect(logged.filter((entry) => entry.req && entry.res).map((entry) => entry.req!.method)).toEqual([
        'POST',
        'GET',
        'GET',
        'PATCH',
        'POST',
        'GET',
      ]);
      for (const response of responses) {
        expect(response.text).not.toContain(smtpPassword);
        expect(response.text).not.toContain(imapPassword);
      }
      const log = lines.join('');
      expect(log).not.toContain(smtpPassword);
      expect(log).not.toContain(imapPassword);
      expect(log).not.toContain(apiKey);
    });
  });
});
