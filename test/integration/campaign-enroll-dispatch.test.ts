import crypto from 'node:crypto';
import type request from 'supertest';
import { CAMPAIGNS, OUTREACHES } from '../helpers/api-paths';
import { campaignFixtures } from '../helpers/campaign-fixtures';
import { countMessages } from '../helpers/db-reads';
import { TEST_DNS_ZONE } from '../helpers/dns-server';
import { uniqueEmail } from '../helpers/factories';
import { connectTestStack, messagesTo, sleep, type ApiClient, type TestStack } from '../helpers/test-stack';

/** Enrolling a list in a batch, the dispatches refused (plan, daily limits, state, nothing pending), and the contacts a dispatch skips. */
describe('the campaign API of the reference, end to end on the real stack', () => {
  let stack: TestStack;
  const { zoneEmail, createCampaign, enroll, waitForMessages, newApi, enrollmentStatus } = campaignFixtures(
    () => stack,
  );

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
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
      const pending = await stack.db.repos.enrollments.pending(id);
      const batches = [...new Set(pending.map((enrollment) => enrollment.batchNumber))]
        .sort((a, b) => a - b)
        .map((batch) => ({
          batch_number: batch,
          count: pending.filter((enrollment) => enrollment.batchNumber === batch).length,
        }));
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
      expect((await stack.db.repos.leads.page(id, { removed: 'include' }, 0, 1)).total).toBe(0);
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
      const statuses = await Promise.all(
        [id, empty.id].map(async (campaignId) => ({
          status: (await stack.db.repos.campaigns.findByIdUnscoped(campaignId))?.status,
        })),
      );
      expect(statuses).toEqual([{ status: 'pending' }, { status: 'pending' }]);
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
      const { enrollmentControl } = stack.db.repos;
      await enrollmentControl.setContactStatus(skipped.unsubscribed.contactId, ['active'], 'unsubscribed');
      await enrollmentControl.setContactStatus(skipped.blocked.contactId, ['active'], 'deactivated');
      await stack.db.dataSource.query(
        `UPDATE contacts SET email_valid = false, email_check_detail = 'mailbox unknown' WHERE id = $1`,
        [skipped.invalid_email.contactId],
      );

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
      expect(await countMessages(stack.db, { campaignId })).toBe(1);
    });
  });
});
