import { CAMPAIGNS, OUTREACHES } from '../helpers/api-paths';
import { campaignFixtures } from '../helpers/campaign-fixtures';
import { connectTestStack, type ApiClient, type TestStack } from '../helpers/test-stack';

/** A campaign's settings: PATCH /campaigns/:id field by field, and the outreaches that group campaigns. */
describe('the campaign API of the reference, end to end on the real stack', () => {
  let stack: TestStack;
  const { createCampaign, newApi } = campaignFixtures(() => stack);

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

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
});
