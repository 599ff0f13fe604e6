import request from 'supertest';
import { SMARTLEAD_BASE } from '../../src/http/smartlead';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { smartleadCaller } from '../helpers/smartlead-api';
import { connectTestStack, eventually, type TestStack } from '../helpers/test-stack';

const BASE = SMARTLEAD_BASE;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('the Smartlead-compatible analytics', () => {
  let stack: TestStack;
  let apiKey: string;
  let organizationId: string;
  let campaignUuid: string;
  let campaign: number;
  const leads = [
    { email: uniqueEmail('ada'), first_name: 'Ada', last_name: 'Lovelace' },
    { email: uniqueEmail('bob'), first_name: 'Bob' },
  ];

  /** Every answer must match what /smartlead/openapi.json documents for its operation and status. */
  const call = smartleadCaller(() => ({ app: stack.app, apiKey }));
  const get = (path: string, key?: string) => call('get', path, key);

  beforeAll(async () => {
    stack = await connectTestStack();
    ({ organizationId, apiKey } = await stack.newOrganization());
    const api = stack.api(apiKey);
    // Step 2 waits a day: the leads stay in progress through the suite.
    const body = campaignBody(stack.info, {
      steps: [
        { subject: 'Hello {{first_name}}', delaySeconds: 0 },
        { subject: 'Again', delaySeconds: 86_400 },
      ],
    });
    campaignUuid = (await api.post('/api/v1/campaigns', body).expect(201)).body.data.id;
    for (const contact of leads) {
      await api.post(`/api/v1/campaigns/${campaignUuid}/enroll_contact`, { contact }).expect(201);
    }
    campaign = await stack.services.smartleadAliases.aliasOf(organizationId, 'campaign', campaignUuid);
    await request(stack.app)
      .patch(`${BASE}/campaigns/${campaign}/status?api_key=${apiKey}`)
      .send({ status: 'START' })
      .expect(200);
    await eventually(
      async () => {
        const [row]: Array<{ sent: number }> = await stack.db.dataSource.query(
          `SELECT count(*)::int AS sent FROM messages WHERE campaign_id = $1 AND status = 'sent'`,
          [campaignUuid],
        );
        return row!.sent === 2;
      },
      { what: 'both first steps sent', timeoutMs: 90_000 },
    );
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('statistics', () => {
    it("when seed 001's request is replayed (offset=0&limit=100), then each sent message is a row in Smartlead's shape", async () => {
      const answer = await get(`/campaigns/${campaign}/statistics?offset=0&limit=100`).expect(200);

      expect(answer.body).toMatchObject({ total_stats: '2', offset: 0, limit: 100 });
      const ada = (answer.body.data as Array<Record<string, unknown>>).find(
        (row) => row.lead_email === leads[0]!.email,
      );
      expect(ada).toMatchObject({
        lead_name: 'Ada Lovelace',
        lead_category: null,
        sequence_number: 1,
        email_subject: 'Hello Ada',
        open_time: null,
        open_count: 0,
        click_count: 0,
        is_unsubscribed: false,
        is_bounced: false,
      });
      expect(ada!.email_campaign_seq_id).toEqual(expect.any(Number));
      expect(ada!.sent_time).toEqual(expect.any(String));
      expect(JSON.stringify(answer.body)).not.toMatch(UUID);
    });

    it('when filtered by step, outcome and page (numbers as strings), then only the matching rows are answered', async () => {
      await stack.db.dataSource.query(
        `UPDATE messages SET opened_at = now() WHERE campaign_id = $1 AND to_email = $2`,
        [campaignUuid, leads[0]!.email],
      );

      const opened = await get(`/campaigns/${campaign}/statistics?email_status=OPENED`).expect(200);
      const second = await get(`/campaigns/${campaign}/statistics?email_sequence_number=2`).expect(200);
      const paged = await get(`/campaigns/${campaign}/statistics/?offset=1&limit=1`).expect(200);
      const steps = await get(`/campaigns/${campaign}/statistics?email_sequence_number=1,2`).expect(200);
      const later = await get(
        `/campaigns/${campaign}/statistics?sent_time_start_date=${new Date(Date.now() + 60_000).toISOString()}`,
      ).expect(200);

      expect(opened.body.total_stats).toBe('1');
      expect(opened.body.data[0]).toMatchObject({ lead_email: leads[0]!.email, open_count: 1 });
      expect(second.body).toMatchObject({ total_stats: '0', data: [] });
      expect(paged.body).toMatchObject({ total_stats: '2', offset: 1, limit: 1 });
      expect(paged.body.data).toHaveLength(1);
      expect(steps.body.total_stats).toBe('2');
      expect(later.body.total_stats).toBe('0');
      await get(`/campaigns/${campaign}/statistics?email_status=sideways`).expect(422);
    });
  });

  describe('analytics', () => {
    it("when a campaign's analytics are read, then its totals are strings and its leads are by status", async () => {
      const answer = await get(`/campaigns/${campaign}/analytics`).expect(200);

      expect(answer.body).toMatchObject({
        id: campaign,
        status: 'ACTIVE',
        sent_count: '2',
        unique_sent_count: '2',
        reply_count: '0',
        bounce_count: '0',
        unsubscribed_count: '0',
        sequence_count: '2',
        client_id: null,
        campaign_lead_stats: { total: 2, inprogress: 2, notStarted: 0, completed: 0, revenue: 0 },
      });
      expect(answer.body.user_id).toEqual(expect.any(Number));
    });
  });

  describe('analytics-by-date', () => {
    it("when seed 001's request is replayed (2024-01-01 to 2024-01-30), then each of the 30 days is answered", async () => {
      const answer = await get(
        `/campaigns/${campaign}/analytics-by-date?start_date=2024-01-01&end_date=2024-01-30`,
      ).expect(200);

      expect(answer.body).toMatchObject({ id: campaign, start_date: '2024-01-01', end_date: '2024-01-30' });
      expect(answer.body.sent_count).toBe('0');
      expect(answer.body.day_wise_stats).toHaveLength(30);
    });

    it("when the range covers today, then today's sends are counted", async () => {
      const today = new Date().toISOString().slice(0, 10);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

      const answer = await get(
        `/campaigns/${campaign}/analytics-by-date?start_date=${yesterday}&end_date=${tomorrow}`,
      ).expect(200);

      expect(answer.body.sent_count).toBe('2');
      const days = answer.body.day_wise_stats as Array<{ date: string; sent_count: number }>;
      expect(days.reduce((sum, day) => sum + day.sent_count, 0)).toBe(2);
      expect(days.map((day) => day.date)).toContain(today);
    });

    it('when the range is longer than 30 days, misses a date or ends before it starts, then 422', async () => {
      const long = await get(
        `/campaigns/${campaign}/analytics-by-date?start_date=2024-01-01&end_date=2024-01-31`,
      ).expect(422);
      expect(long.body).toMatchObject({ statusCode: 422, code: 'validation_failed' });
      expect(long.body.message).toContain('30 days');

      await get(`/campaigns/${campaign}/analytics-by-date?start_date=2024-01-01`).expect(422);
      await get(`/campaigns/${campaign}/analytics-by-date?start_date=2024-01-10&end_date=2024-01-01`).expect(422);
    });
  });

  describe('overview', () => {
    it('when the overview is read, then totals and each campaign are in Smartlead names, campaigns by alias', async () => {
      const answer = await get('/analytics/overview').expect(200);

      expect(answer.body.sent_count).toBe(2);
      expect(answer.body.unique_sent_count).toBe(2);
      const row = (answer.body.campaign_wise_stats as Array<{ campaign_id: number; sent_count: number }>).find(
        (each) => each.campaign_id === campaign,
      );
      expect(row).toMatchObject({ campaign_id: campaign, sent_count: 2, campaign_status: 'ACTIVE' });
      expect(answer.body.email_health_metrics[0].email_account_id).toEqual(expect.any(Number));
      expect(answer.body.day_wise_stats).toHaveLength(30);
      expect(JSON.stringify(answer.body)).not.toMatch(UUID);
    });
  });

  it("when another organization's key asks for this campaign, then each endpoint answers 404 Campaign not found", async () => {
    const other = await stack.newOrganization();
    for (const path of ['statistics', 'analytics', 'analytics-by-date?start_date=2024-01-01&end_date=2024-01-02']) {
      const answer = await get(`/campaigns/${campaign}/${path}`, other.apiKey).expect(404);
      expect(answer.body).toMatchObject({ statusCode: 404, message: 'Campaign not found' });
    }
    const theirs = await get('/analytics/overview', other.apiKey).expect(200);
    expect(theirs.body.sent_count).toBe(0);
  });
});
