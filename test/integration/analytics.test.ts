import crypto from 'node:crypto';
import { DateTime } from 'luxon';
import request from 'supertest';
import { AnalyticsService } from '../../src/domain/analytics/analytics.service';
import type { NewEvent } from '../../src/db/repositories/event.repository';
import { expectError, expectValidationFailure, newOrganization, type Organization } from '../helpers/api-errors';
import { CAMPAIGNS } from '../helpers/api-paths';
import { enrollmentFixtures } from '../helpers/enrollment-fixtures';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { startScriptedSmtpServer } from '../helpers/scripted-smtp-server';
import { connectTestStack, eventually, type TestStack } from '../helpers/test-stack';

const ZONE = 'America/New_York';
const ZERO = {
  sent: 0,
  new_leads_contacted: 0,
  opened: 0,
  clicked: 0,
  replied: 0,
  positive_replied: 0,
  bounced: 0,
  unsubscribed: 0,
};

/**
 * Analytics on the real stack: events recorded at known instants around a DST change (New York moves to EDT on
 * 2026-03-08), counted per day in the campaign's zone, the mailbox's zone and UTC, zero-filled, grouped across the
 * organization; one real send counted end to end.
 */
describe('analytics', () => {
  let stack: TestStack;
  let org: Organization;
  let other: Organization;
  /** The campaign (New York), its mailbox, and a second campaign (UTC) with a mailbox of its own. */
  let campaignId: string;
  let mailboxId: string;
  let secondCampaignId: string;
  let secondMailboxId: string;

  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
    stack.db.dataSource.query(query, params);

  async function createCampaign(timezone: string | null): Promise<{ campaignId: string; mailboxId: string }> {
    const body = campaignBody(stack.info);
    const campaign = timezone
      ? { ...body.campaign, schedule: { timezone, days: [0, 1, 2, 3, 4, 5, 6], start_hour: 0, end_hour: 24 } }
      : body.campaign;
    const created = await org.api.post(CAMPAIGNS, { campaign }).expect(201);
    const id = created.body.data.id as string;
    const [link] = await sql<{ mailbox_id: string }>(
      'SELECT mailbox_id FROM campaign_mailboxes WHERE campaign_id = $1',
      [id],
    );
    return { campaignId: id, mailboxId: link!.mailbox_id };
  }

  async function enroll(category: string | null): Promise<{ enrollmentId: string; contactId: string }> {
    const enrolled = await org.api
      .post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, { contact: { email: uniqueEmail('analytics') } })
      .expect(201);
    const enrollmentId = enrolled.body.data.id as string;
    if (category) {
      await org.api
        .patch(`${CAMPAIGNS}/${campaignId}/enrollments/${enrollmentId}`, { enrollment: { category } })
        .expect(200);
    }
    return { enrollmentId, contactId: enrolled.body.data.contact_id as string };
  }

  beforeAll(async () => {
    stack = await connectTestStack();
    [org, other] = await Promise.all([newOrganization(stack), newOrganization(stack)]);
    ({ campaignId, mailboxId } = await createCampaign(ZONE));
    ({ campaignId: secondCampaignId, mailboxId: secondMailboxId } = await createCampaign(null));
    const interested = await enroll('interested');
    const booked = await enroll('meeting_booked');
    // No category on the enrollment: the reply event's own category counts.
    const uncategorized = await enroll(null);
    const earlier = await enroll('interested');
    const refused = await enroll(null);

    const event = (
      type: NewEvent['type'],
      at: string,
      lead: { enrollmentId: string; contactId: string } | null,
      recipient: string,
      extra: Partial<NewEvent> = {},
    ): NewEvent => ({
      organizationId: org.organizationId,
      type,
      campaignId,
      mailboxId,
      enrollmentId: lead?.enrollmentId ?? crypto.randomUUID(),
      contactId: lead?.contactId ?? crypto.randomUUID(),
      recipient,
      occurredAt: new Date(at),
      data: {},
      ...extra,
    });
    await stack.db.repos.events.record([
      // 03-07 (EST, UTC-5) in New York and in UTC: three first steps.
      event('email.sent', '2026-03-07T15:00:00Z', interested, 'a@gmail.com', { stepPosition: 1 }),
      event('email.sent', '2026-03-07T15:05:00Z', booked, 'b@gmail.com', { stepPosition: 1 }),
      event('email.sent', '2026-03-07T16:00:00Z', uncategorized, 'c@hotmail.com', { stepPosition: 1 }),
      // 03-06 23:30 in New York (outside its range), 03-07 in UTC.
      event('email.sent', '2026-03-07T04:30:00Z', null, 'd@yahoo.com', { stepPosition: 1 }),
      // Before every range.
      event('email.sent', '2026-02-20T12:00:00Z', null, 'e@gmail.com', { stepPosition: 1 }),
      // Reported later by the recipient's server: the message counts as sent (on 03-07) and bounced.
      event('email.bounced', '2026-03-08T12:00:00Z', uncategorized, 'c@hotmail.com', {
        stepPosition: 1,
        data: { bounce_type: 'hard', source: 'dsn' },
      }),
      // Refused during the SMTP exchange (the settle records no email.sent): a send that bounced.
      event('email.bounced', '2026-03-09T15:00:00Z', refused, 'h@outlook.com', {
        stepPosition: 1,
        data: { bounce_type: 'hard', smtp_response: '550 5.1.1 user unknown' },
      }),
      // 03-09 23:30 EDT in New York, 03-10 in UTC.
      event('email.sent', '2026-03-10T03:30:00Z', interested, 'a@gmail.com', { stepPosition: 2 }),
      // 03-10 00:30 EDT.
      event('email.opened', '2026-03-10T04:30:00Z', interested, 'a@gmail.com', { stepPosition: 2 }),
      event('email.clicked', '2026-03-10T05:00:00Z', interested, 'a@gmail.com', { stepPosition: 2 }),
      event('email.replied', '2026-03-10T12:00:00Z', interested, 'a@gmail.com'),
      event('email.replied', '2026-03-10T13:00:00Z', booked, 'b@gmail.com'),
      event('email.replied', '2026-03-11T13:00:00Z', uncategorized, 'c@hotmail.com', {
        data: { category: 'not_interested' },
      }),
      // A lead counts once, on its first reply: a second reply, and an integration reporting it again, do not.
      event('email.replied', '2026-03-11T09:00:00Z', interested, 'a@gmail.com'),
      event('email.replied', '2026-03-10T12:30:00Z', interested, 'a@gmail.com', { data: { source: 'integration' } }),
      event('lead.unsubscribed', '2026-03-11T14:00:00Z', booked, 'b@gmail.com'),
      // A lead that first replied before every range: its reply inside them is not a new replied lead.
      event('email.replied', '2026-02-20T12:00:00Z', earlier, 'g@gmail.com'),
      event('email.replied', '2026-03-10T14:00:00Z', earlier, 'g@gmail.com'),
      // 03-11 23:30 EDT in New York, 03-12 in UTC (outside the overview's range).
      event('email.sent', '2026-03-12T03:30:00Z', uncategorized, 'c@hotmail.com', { stepPosition: 2 }),
      // The second campaign, in UTC.
      {
        ...event('email.sent', '2026-03-09T10:00:00Z', null, 'f@company.example', { stepPosition: 1 }),
        campaignId: secondCampaignId,
        mailboxId: secondMailboxId,
      },
    ]);
  });

  afterAll(async () => {
    await stack.close();
  });

  const campaignTotals = {
    sent: 6,
    new_leads_contacted: 4,
    opened: 1,
    clicked: 1,
    replied: 3,
    positive_replied: 2,
    bounced: 2,
    unsubscribed: 1,
  };
  const newYorkDays = [
    { date: '2026-03-07', ...ZERO, sent: 3, new_leads_contacted: 3 },
    { date: '2026-03-08', ...ZERO, bounced: 1 },
    { date: '2026-03-09', ...ZERO, sent: 2, new_leads_contacted: 1, bounced: 1 },
    { date: '2026-03-10', ...ZERO, opened: 1, clicked: 1, replied: 2, positive_replied: 2 },
    { date: '2026-03-11', ...ZERO, sent: 1, replied: 1, unsubscribed: 1 },
  ];

  describe('GET /campaigns/:id/analytics/by_date', () => {
    it("when events fall around midnight and a DST change, then each counts on its day in the campaign's zone", async () => {
      const response = await org.api
        .get(`${CAMPAIGNS}/${campaignId}/analytics/by_date?start_date=2026-03-07&end_date=2026-03-11`)
        .expect(200);
      expect(response.body.data).toEqual({
        campaign_id: campaignId,
        start_date: '2026-03-07',
        end_date: '2026-03-11',
        timezone: ZONE,
        days: newYorkDays,
      });
    });

    it('when days have no events, then they are listed with zeros, in order', async () => {
      const response = await org.api
        .get(`${CAMPAIGNS}/${campaignId}/analytics/by_date?start_date=2026-02-25&end_date=2026-03-08`)
        .expect(200);
      const days = response.body.data.days as { date: string }[];
      expect(days.map((day) => day.date)).toEqual([
        '2026-02-25',
        '2026-02-26',
        '2026-02-27',
        '2026-02-28',
        '2026-03-01',
        '2026-03-02',
        '2026-03-03',
        '2026-03-04',
        '2026-03-05',
        '2026-03-06',
        '2026-03-07',
        '2026-03-08',
      ]);
      expect(days.slice(0, 9)).toEqual(days.slice(0, 9).map((day) => ({ date: day.date, ...ZERO })));
      // 04:30 UTC on 03-07 is 23:30 EST on 03-06.
      expect(days[9]).toEqual({ date: '2026-03-06', ...ZERO, sent: 1, new_leads_contacted: 1 });
      expect(days.slice(10)).toEqual(newYorkDays.slice(0, 2));
    });

    it('when no dates are given, then the last 30 days up to today in its zone are listed', async () => {
      const response = await org.api.get(`${CAMPAIGNS}/${campaignId}/analytics/by_date`).expect(200);
      const today = DateTime.now().setZone(ZONE);
      expect(response.body.data).toMatchObject({
        start_date: today.minus({ days: 29 }).toISODate(),
        end_date: today.toISODate(),
      });
      expect(response.body.data.days).toHaveLength(30);
    });
  });

  describe('GET /campaigns/:id/analytics', () => {
    it('when the range covers the events, then the totals and rates are those of its days', async () => {
      const response = await org.api
        .get(`${CAMPAIGNS}/${campaignId}/analytics?start_date=2026-03-07&end_date=2026-03-11`)
        .expect(200);
      expect(response.body.data).toEqual({
        campaign_id: campaignId,
        campaign_name: expect.any(String),
        start_date: '2026-03-07',
        end_date: '2026-03-11',
        timezone: ZONE,
        totals: campaignTotals,
        rates: {
          open_rate: 16.7,
          click_rate: 16.7,
          reply_rate: 50,
          positive_reply_rate: 66.7,
          bounce_rate: 33.3,
          unsubscribe_rate: 16.7,
        },
      });
    });

    it('when one day is asked for, then only that day in the zone counts', async () => {
      const response = await org.api
        .get(`${CAMPAIGNS}/${campaignId}/analytics?start_date=2026-03-09&end_date=2026-03-09`)
        .expect(200);
      expect(response.body.data.totals).toEqual({ ...ZERO, sent: 2, new_leads_contacted: 1, bounced: 1 });
      expect(response.body.data.rates).toMatchObject({ open_rate: 0, reply_rate: 0, positive_reply_rate: 0 });
    });
  });

  describe('the range is checked', () => {
    const paths = () => [
      `${CAMPAIGNS}/${campaignId}/analytics`,
      `${CAMPAIGNS}/${campaignId}/analytics/by_date`,
      `/api/v1/mailboxes/${mailboxId}/analytics`,
      '/api/v1/analytics/overview',
    ];

    it('when a date is malformed or does not exist, then 422 names the field', async () => {
      for (const path of paths()) {
        expectValidationFailure(await org.api.get(`${path}?start_date=2026-02-30&end_date=2026-03-01`), 'start_date');
        expectValidationFailure(await org.api.get(`${path}?start_date=2026-03-01&end_date=yesterday`), 'end_date');
        expectValidationFailure(await org.api.get(`${path}?start_date=2026-3-1`), 'start_date');
      }
    });

    it('when the end is before the start, then 422 on end_date', async () => {
      for (const path of paths()) {
        expectValidationFailure(await org.api.get(`${path}?start_date=2026-03-10&end_date=2026-03-09`), 'end_date');
      }
    });

    it('when the range is longer than 90 days, then 422 says the limit; 90 days is accepted', async () => {
      for (const path of paths()) {
        const response = await org.api.get(`${path}?start_date=2026-01-01&end_date=2026-04-01`);
        expectValidationFailure(response, 'end_date');
        expect(response.body.message).toMatch(/at most 90 days/);
        expect(response.body.errors[0]).toMatch(/at most 90 days/);
        await org.api.get(`${path}?start_date=2026-01-01&end_date=2026-03-31`).expect(200);
      }
    });

    it('when ANALYTICS_MAX_DAYS is lower, then its limit applies', async () => {
      const analytics = new AnalyticsService(stack.db, stack.services.campaigns, 7);
      const app = stack.appWith({ analytics });
      const get = (query: string) =>
        request(app).get(`${CAMPAIGNS}/${campaignId}/analytics/by_date${query}`).set('X-API-KEY', org.apiKey);
      const refused = await get('?start_date=2026-03-01&end_date=2026-03-08');
      expectValidationFailure(refused, 'end_date');
      expect(refused.body.message).toMatch(/at most 7 days/);
      expect((await get('?start_date=2026-03-02&end_date=2026-03-08').expect(200)).body.data.days).toHaveLength(7);
      // Without dates, the default range shrinks to the limit.
      expect((await get('').expect(200)).body.data.days).toHaveLength(7);
    });
  });

  describe('another organization', () => {
    it("when it asks for this organization's campaign or mailbox, then 404, and its overview counts nothing of them", async () => {
      const query = '?start_date=2026-03-07&end_date=2026-03-11';
      expectError(await other.api.get(`${CAMPAIGNS}/${campaignId}/analytics${query}`), 404, 'campaign_not_found');
      expectError(
        await other.api.get(`${CAMPAIGNS}/${campaignId}/analytics/by_date${query}`),
        404,
        'campaign_not_found',
      );
      expectError(await other.api.get(`${CAMPAIGNS}/${campaignId}/export.csv`), 404, 'campaign_not_found');
      expectError(await other.api.get(`/api/v1/mailboxes/${mailboxId}/analytics${query}`), 404, 'mailbox_not_found');
      expectError(
        await org.api.get(`${CAMPAIGNS}/${crypto.randomUUID()}/analytics${query}`),
        404,
        'campaign_not_found',
      );
      const overview = (await other.api.get(`/api/v1/analytics/overview${query}`).expect(200)).body.data;
      expect(overview).toMatchObject({ totals: ZERO, campaigns: [], mailboxes: [], categories: [] });
    });
  });

  describe('GET /mailboxes/:id/analytics', () => {
    it("when its events are counted, then by day in the mailbox's zone (its first campaign's), across campaigns", async () => {
      const response = await org.api
        .get(`/api/v1/mailboxes/${mailboxId}/analytics?start_date=2026-03-07&end_date=2026-03-11`)
        .expect(200);
      expect(response.body.data).toMatchObject({
        mailbox_id: mailboxId,
        from_email: expect.stringContaining('@'),
        timezone: ZONE,
        totals: campaignTotals,
        rates: { bounce_rate: 33.3, reply_rate: 50 },
        days: newYorkDays,
      });
      const second = await org.api
        .get(`/api/v1/mailboxes/${secondMailboxId}/analytics?start_date=2026-03-09&end_date=2026-03-09`)
        .expect(200);
      expect(second.body.data).toMatchObject({
        timezone: 'UTC',
        totals: { ...ZERO, sent: 1, new_leads_contacted: 1 },
      });
    });
  });

  describe('GET /analytics/overview', () => {
    it('when the organization has events, then they are counted in UTC, by campaign, mailbox, provider, category, day and month', async () => {
      const response = await org.api.get('/api/v1/analytics/overview?start_date=2026-02-27&end_date=2026-03-11');
      expect(response.status).toBe(200);
      const overview = response.body.data;
      const totals = {
        sent: 7,
        new_leads_contacted: 6,
        opened: 1,
        clicked: 1,
        replied: 3,
        positive_replied: 2,
        bounced: 2,
        unsubscribed: 1,
      };
      expect(overview).toMatchObject({ start_date: '2026-02-27', end_date: '2026-03-11', timezone: 'UTC', totals });
      expect(overview.rates).toEqual({
        open_rate: 14.3,
        click_rate: 14.3,
        reply_rate: 42.9,
        positive_reply_rate: 66.7,
        bounce_rate: 28.6,
        unsubscribe_rate: 14.3,
      });

      const byDate = Object.fromEntries(
        (overview.days as { date: string }[]).map(({ date, ...counts }) => [date, counts]),
      );
      expect(Object.keys(byDate)).toHaveLength(13);
      expect(byDate['2026-03-06']).toEqual(ZERO);
      expect(byDate['2026-03-07']).toEqual({ ...ZERO, sent: 4, new_leads_contacted: 4 });
      expect(byDate['2026-03-09']).toEqual({ ...ZERO, sent: 2, new_leads_contacted: 2, bounced: 1 });
      expect(byDate['2026-03-10']).toEqual({
        ...ZERO,
        sent: 1,
        opened: 1,
        clicked: 1,
        replied: 2,
        positive_replied: 2,
      });
      expect(overview.months).toEqual([
        { month: '2026-02', ...ZERO },
        { month: '2026-03', ...totals },
      ]);

      expect(overview.campaigns).toEqual([
        expect.objectContaining({
          id: campaignId,
          status: 'pending',
          totals: { ...totals, sent: 6, new_leads_contacted: 5 },
        }),
        expect.objectContaining({
          id: secondCampaignId,
          totals: { ...ZERO, sent: 1, new_leads_contacted: 1 },
          rates: expect.objectContaining({ reply_rate: 0 }),
        }),
      ]);
      expect(overview.mailboxes).toEqual([
        expect.objectContaining({
          id: mailboxId,
          status: 'active',
          disabled_reason: null,
          daily_limit: 1000,
          totals: expect.objectContaining({ sent: 6, bounced: 2, replied: 3 }),
          rates: expect.objectContaining({ bounce_rate: 33.3, reply_rate: 50 }),
        }),
        expect.objectContaining({ id: secondMailboxId, totals: expect.objectContaining({ sent: 1 }) }),
      ]);
      const providers = Object.fromEntries(
        (overview.providers as { provider: string; totals: unknown }[]).map((row) => [row.provider, row.totals]),
      );
      expect(providers).toEqual({
        gmail: {
          ...ZERO,
          sent: 3,
          new_leads_contacted: 2,
          opened: 1,
          clicked: 1,
          replied: 2,
          positive_replied: 2,
          unsubscribed: 1,
        },
        microsoft: { ...ZERO, sent: 2, new_leads_contacted: 2, bounced: 2, replied: 1 },
        yahoo: { ...ZERO, sent: 1, new_leads_contacted: 1 },
        other: { ...ZERO, sent: 1, new_leads_contacted: 1 },
      });
      expect(overview.categories).toEqual([
        { category: 'interested', replies: 1, positive: true },
        { category: 'meeting_booked', replies: 1, positive: true },
        { category: 'not_interested', replies: 1, positive: false },
      ]);
    });

    it("when a mailbox is disabled, then the overview shows its health from the mailboxes' table", async () => {
      await sql(`UPDATE mailboxes SET status = 'disabled', disabled_at = now(), disabled_reason = $2 WHERE id = $1`, [
        secondMailboxId,
        'bounce rate 9.1% over the last 11 sends',
      ]);
      const overview = (await org.api.get('/api/v1/analytics/overview?start_date=2026-03-09&end_date=2026-03-09')).body
        .data;
      expect(overview.mailboxes[1]).toMatchObject({
        id: secondMailboxId,
        status: 'disabled',
        disabled_at: expect.any(String),
        disabled_reason: 'bounce rate 9.1% over the last 11 sends',
      });
      await sql(`UPDATE mailboxes SET status = 'active', disabled_at = NULL, disabled_reason = NULL WHERE id = $1`, [
        secondMailboxId,
      ]);
    });
  });

  describe('a real send', () => {
    it('when step 1 goes out, then today counts one send and one new lead, for the campaign, its mailbox and the organization', async () => {
      const fx = enrollmentFixtures(stack, org.api);
      const enrolled = await fx.start(uniqueEmail('analytics-send'), null);
      await fx.waitForMessages([enrolled.email], 1);
      const [link] = await sql<{ mailbox_id: string }>(
        'SELECT mailbox_id FROM campaign_mailboxes WHERE campaign_id = $1',
        [enrolled.campaignId],
      );
      const today = await eventually(
        async () => {
          const days = (await org.api.get(`${CAMPAIGNS}/${enrolled.campaignId}/analytics/by_date`).expect(200)).body
            .data.days as ({ date: string } & typeof ZERO)[];
          const last = days.at(-1)!;
          return last.sent === 1 ? last : null;
        },
        { what: 'the send counted' },
      );
      expect(today).toEqual({ date: DateTime.utc().toISODate(), ...ZERO, sent: 1, new_leads_contacted: 1 });
      const mailbox = (await org.api.get(`/api/v1/mailboxes/${link!.mailbox_id}/analytics`).expect(200)).body.data;
      expect(mailbox.totals).toMatchObject({ sent: 1, new_leads_contacted: 1 });
      const overview = (await org.api.get('/api/v1/analytics/overview').expect(200)).body.data;
      expect(overview.campaigns).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: enrolled.campaignId, totals: expect.objectContaining({ sent: 1 }) }),
        ]),
      );
      expect(overview.providers.find((row: { provider: string }) => row.provider === 'other').totals.sent).toBe(1);
    });

    it("when the recipient's server refuses one message, then it counts as a send that bounced, as in the campaign's statistics", async () => {
      const scripted = await startScriptedSmtpServer(({ to }) =>
        to.startsWith('refused-') ? { code: 550, text: '5.1.1 No such user' } : 'accept',
      );
      try {
        const body = campaignBody(stack.info, { steps: [{ subject: 'First', delaySeconds: 0 }] });
        body.campaign.smtp_credentials[0]!.smtp_port = scripted.port;
        const campaignId: string = (await org.api.post(CAMPAIGNS, body).expect(201)).body.data.id;
        for (const email of [uniqueEmail('refused'), uniqueEmail('accepted')]) {
          await org.api
            .post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Robin' } })
            .expect(201);
        }
        await org.api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(202);
        const details = await eventually(
          async () => {
            const campaign = (await org.api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data;
            return campaign.totals.sent === 2 && campaign.totals.bounced === 1 ? campaign : null;
          },
          { what: 'both sends settled' },
        );
        const analytics = (await org.api.get(`${CAMPAIGNS}/${campaignId}/analytics`).expect(200)).body.data;
        expect(analytics.totals).toEqual({ ...ZERO, sent: 2, new_leads_contacted: 2, bounced: 1 });
        expect(analytics.rates.bounce_rate).toBe(details.rates.bounce_rate);
      } finally {
        await scripted.close();
      }
    });
  });
});
