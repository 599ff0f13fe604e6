// Smartlead's analytics endpoints over the native AnalyticsService and campaign statistics.
import { z } from 'zod';
import { dateRange } from '../../domain/analytics/analytics-range';
import { overview } from './analytics-overview.operations';
import {
  campaignFields,
  presentCounts,
  presentLeadStats,
  presentStatistic,
  smartleadAnalyticsByDateSchema,
  smartleadAnalyticsSchema,
  smartleadStatisticsSchema,
  day,
} from './analytics.presenter';
import { lenientInt, lenientQuery } from './lenient';
import { aliasParam, smartleadOperation } from './operation';

const tag = 'Analytics';
const campaignPath = { campaign_id: aliasParam('campaign', 'Campaign') };

/** Smartlead's documented longest span of `analytics-by-date`. */
const MAX_DAYS_BY_DATE = 30;
/** The most rows one page of `statistics` answers. */
const MAX_STATISTICS_LIMIT = 1000;

/** A time in a query (`2023-10-16 10:33:02.000Z`, ISO 8601, or a date), read as a Date. */
const instant = (description: string) =>
  z
    .string()
    .trim()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date and time, such as 2023-10-16T10:33:02.000Z')
    .transform((value) => new Date(value))
    .optional()
    .meta({ description });

const OUTCOMES = ['opened', 'clicked', 'replied', 'unsubscribed', 'bounced'] as const;

const EXAMPLE_CAMPAIGN = {
  id: 12345,
  user_id: 67890,
  created_at: '2024-01-15T10:30:00.000Z',
  status: 'ACTIVE' as const,
  name: 'Q1 Outreach Campaign',
};
const EXAMPLE_COUNTS = {
  sent_count: '120',
  unique_sent_count: '60',
  open_count: '48',
  unique_open_count: '40',
  click_count: '9',
  unique_click_count: '8',
  reply_count: '6',
  block_count: '2',
  total_count: '64',
  drafted_count: '0',
  bounce_count: '2',
  unsubscribed_count: '1',
};

const statistics = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/statistics',
  tag,
  summary: 'Fetch campaign statistics',
  description:
    'One row per message sent (or bounced at send), oldest first: the lead, the step (`sequence_number`, ' +
    '`email_campaign_seq_id` its id), subject and body as sent, and when it was opened, clicked, replied to. ' +
    '`email_sequence_number` keeps one step (or several: 1,2,3), `sent_time_start_date` and `sent_time_end_date` a ' +
    'span of sends, `email_status` (opened, clicked, replied, unsubscribed, bounced) one ' +
    `outcome; \`offset\` (0) and \`limit\` (100, at most ${MAX_STATISTICS_LIMIT}) page. \`open_count\` and ` +
    '`click_count` are 0 or 1 (Sequencer records the first of each); `seq_variant_id` is not kept (null; ' +
    '`variant_label` names the A/B variant); `total_stats` is a string, as Smartlead answers it.',
  params: campaignPath,
  query: lenientQuery({
    email_sequence_number: z
      .union([
        z.number().int(),
        z
          .string()
          .trim()
          .regex(/^\d+(\s*,\s*\d+)*$/, 'must be step numbers: 1 or 1,2,3'),
      ])
      .transform((value) => String(value).split(',').map(Number))
      .optional()
      .meta({ description: 'Only this step (1), or these (1,2,3).' }),
    sent_time_start_date: instant('Only messages sent at or after this time.'),
    sent_time_end_date: instant('Only messages sent before this time.'),
    email_status: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(OUTCOMES))
      .optional()
      .meta({ description: 'opened, clicked, replied, unsubscribed or bounced.' }),
    offset: lenientInt().pipe(z.number().int().min(0)).optional().meta({ description: 'Default 0.' }),
    limit: lenientInt().pipe(z.number().int().min(1)).optional().meta({ description: 'Default 100.' }),
  }),
  response: {
    description: 'One page of the campaign’s messages.',
    schema: smartleadStatisticsSchema,
    example: {
      total_stats: '1',
      data: [
        {
          lead_name: 'Ada Lovelace',
          lead_email: 'ada@example.com',
          lead_category: 'interested',
          sequence_number: 1,
          email_campaign_seq_id: 4411,
          seq_variant_id: null,
          variant_label: null,
          email_subject: 'Quick question, Ada',
          email_message: '<p>Hi Ada…</p>',
          sent_time: '2024-01-16T09:00:00.000Z',
          open_time: '2024-01-16T09:40:00.000Z',
          click_time: null,
          reply_time: '2024-01-16T11:02:00.000Z',
          open_count: 1,
          click_count: 0,
          is_unsubscribed: false,
          is_bounced: false,
        },
      ],
      offset: 0,
      limit: 100,
    },
  },
  handle: async ({ deps, organizationId, params, query }) => {
    const offset = query.offset ?? 0;
    const limit = Math.min(query.limit ?? 100, MAX_STATISTICS_LIMIT);
    const page = await deps.analytics.campaignMessages(
      organizationId,
      params.campaign_id,
      {
        steps: query.email_sequence_number,
        outcome: query.email_status,
        sentFrom: query.sent_time_start_date,
        sentBefore: query.sent_time_end_date,
      },
      { offset, limit },
    );
    return { total_stats: String(page.total), data: page.rows.map(presentStatistic), offset, limit };
  },
});

const analytics = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/analytics',
  tag,
  summary: 'Fetch campaign top level analytics',
  description:
    'The campaign’s totals since it began: messages sent, opened, clicked, replied to, bounced, unsubscribed ' +
    '(`*_count`, strings as Smartlead answers them; `unique_*` count leads), and its leads by status ' +
    '(`campaign_lead_stats`). Not kept by Sequencer: `revenue` (0), `drafted_count` ("0"), tags, client and ' +
    'parent campaign (null).',
  params: campaignPath,
  response: {
    description: 'The campaign’s analytics.',
    schema: smartleadAnalyticsSchema,
    example: {
      ...EXAMPLE_CAMPAIGN,
      ...EXAMPLE_COUNTS,
      sequence_count: '3',
      tags: null,
      client_id: null,
      client_name: null,
      client_email: null,
      client_company_name: null,
      parent_campaign_id: null,
      campaign_lead_stats: {
        total: 64,
        paused: 1,
        blocked: 2,
        revenue: 0,
        stopped: 6,
        completed: 20,
        inprogress: 31,
        interested: 3,
        notStarted: 4,
      },
    },
  },
  handle: async ({ deps, organizationId, params }) => {
    const [details, leads, userId] = await Promise.all([
      deps.campaigns.details(organizationId, params.campaign_id),
      deps.analytics.campaignLeads(organizationId, params.campaign_id),
      deps.smartleadAliases.organizationAlias(organizationId),
    ]);
    const leadStats = presentLeadStats(leads);
    return {
      ...campaignFields(details.campaign, userId),
      ...presentCounts(details.totals, {
        sent: leads.sentLeads,
        opened: leads.openedLeads,
        clicked: leads.clickedLeads,
        blocked: leadStats.blocked,
        total: leadStats.total,
      }),
      sequence_count: String(details.steps.length),
      tags: null,
      client_id: null,
      client_name: null,
      client_email: null,
      client_company_name: null,
      parent_campaign_id: null,
      campaign_lead_stats: leadStats,
    };
  },
});

const analyticsByDate = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/analytics-by-date',
  tag,
  summary: 'Fetch campaign analytics by date range',
  description:
    `The campaign’s counts from \`start_date\` to \`end_date\` (both YYYY-MM-DD, both included, at most ` +
    `${MAX_DAYS_BY_DATE} days as Smartlead documents: a longer range is a 422), counted in the campaign's time ` +
    'zone: the totals (`*_count` strings, as Smartlead answers them) and each day (`day_wise_stats`). ' +
    '`reply_count` counts leads on their first reply; `unique_sent_count` leads written to for the first time; ' +
    '`unique_open_count` and `unique_click_count` are the open and click counts (the first of each message); ' +
    '`block_count`, `total_count` and `drafted_count` are not kept per day ("0").',
  params: campaignPath,
  query: lenientQuery({ start_date: day('The first day.'), end_date: day('The last day (≤ 30 days in all).') }),
  otherStatuses: [422],
  response: {
    description: 'The range’s totals and days.',
    schema: smartleadAnalyticsByDateSchema,
    example: {
      ...EXAMPLE_CAMPAIGN,
      start_date: '2024-01-01',
      end_date: '2024-01-02',
      ...EXAMPLE_COUNTS,
      unique_open_count: '48',
      unique_click_count: '9',
      block_count: '0',
      total_count: '0',
      day_wise_stats: [
        {
          date: '2024-01-01',
          sent_count: 70,
          unique_sent_count: 40,
          open_count: 30,
          click_count: 5,
          reply_count: 4,
          bounce_count: 1,
          unsubscribed_count: 0,
        },
        {
          date: '2024-01-02',
          sent_count: 50,
          unique_sent_count: 20,
          open_count: 18,
          click_count: 4,
          reply_count: 2,
          bounce_count: 1,
          unsubscribed_count: 1,
        },
      ],
    },
  },
  handle: async ({ deps, organizationId, params, query }) => {
    // Smartlead's own limit, checked before the native one (ANALYTICS_MAX_DAYS) would allow more.
    dateRange(query, 'UTC', MAX_DAYS_BY_DATE);
    const [campaign, series, userId] = await Promise.all([
      deps.campaigns.require(organizationId, params.campaign_id),
      deps.analytics.campaignDays(organizationId, params.campaign_id, query),
      deps.smartleadAliases.organizationAlias(organizationId),
    ]);
    const sum = (pick: (day: (typeof series.days)[number]) => number) =>
      series.days.reduce((total, each) => total + pick(each), 0);
    const opened = sum((each) => each.opened);
    const clicked = sum((each) => each.clicked);
    return {
      ...campaignFields(campaign, userId),
      start_date: series.range.start,
      end_date: series.range.end,
      ...presentCounts(
        {
          sent: sum((each) => each.sent),
          opened,
          clicked,
          replied: sum((each) => each.replied),
          bounced: sum((each) => each.bounced),
          unsubscribed: sum((each) => each.unsubscribed),
        },
        { sent: sum((each) => each.newLeadsContacted), opened, clicked, blocked: 0, total: 0 },
      ),
      day_wise_stats: series.days.map((each) => ({
        date: each.date,
        sent_count: each.sent,
        unique_sent_count: each.newLeadsContacted,
        open_count: each.opened,
        click_count: each.clicked,
        reply_count: each.replied,
        bounce_count: each.bounced,
        unsubscribed_count: each.unsubscribed,
      })),
    };
  },
});

/** Statistics and analytics. */
export const analyticsOperations = [overview, statistics, analytics, analyticsByDate];
