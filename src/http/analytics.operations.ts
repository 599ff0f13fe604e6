// `/campaigns/{id}/analytics`, `…/analytics/by_date`, `/mailboxes/{id}/analytics` and `/analytics/overview`: what
// happened by day, campaign, mailbox, recipient provider and lead category, counted from the events.
import type { z } from 'zod';
import type { AnalyticsService } from '../domain/analytics/analytics.service';
import { operationsUsing, type ApiOperation } from './api-operation';
import {
  campaignAnalyticsResponse,
  campaignDaysResponse,
  mailboxAnalyticsResponse,
  overviewResponse,
  presentCounts,
  presentDay,
  presentRange,
  presentSummary,
  type countsResponse,
  type ratesResponse,
} from './analytics.responses';
import { dateRangeQuerySchema } from './analytics.schemas';
import { campaignExportOperations } from './campaign-export.operations';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

/** What the analytics and export operations use. */
export interface AnalyticsDeps {
  analytics: AnalyticsService;
}
const operation = operationsUsing<AnalyticsDeps>();

const RANGE_RULES =
  '`start_date` and `end_date` are days (`YYYY-MM-DD`, both included; by default the last 30 days up to today), ' +
  'at most ANALYTICS_MAX_DAYS (90 by default) days apart: a longer range, an end before the start or a date that ' +
  'does not exist is a 422 naming the field (and the limit).';

const COUNTING =
  'Counts come from the events: `sent` counts messages sent (one the recipient’s server refused is also a ' +
  'bounce), `opened` and `clicked` each message once (its first open or click), `replied` each lead once (on its ' +
  'first reply), `positive_replied` the replied leads that are `interested` or `meeting_booked`. Rates are ' +
  'percentages of `sent` (`positive_reply_rate`: of `replied`).';

const exampleCounts: z.input<typeof countsResponse> = {
  sent: 412,
  new_leads_contacted: 180,
  opened: 205,
  clicked: 31,
  replied: 24,
  positive_replied: 9,
  bounced: 6,
  unsubscribed: 3,
};
const exampleRates: z.input<typeof ratesResponse> = {
  open_rate: 49.8,
  click_rate: 7.5,
  reply_rate: 5.8,
  positive_reply_rate: 37.5,
  bounce_rate: 1.5,
  unsubscribe_rate: 0.7,
};
const quietDay = {
  sent: 0,
  new_leads_contacted: 0,
  opened: 0,
  clicked: 0,
  replied: 0,
  positive_replied: 0,
  bounced: 0,
  unsubscribed: 0,
};
const exampleDays = [
  { date: '2026-11-20', ...exampleCounts },
  { date: '2026-11-21', ...quietDay },
];
const exampleRange = { start_date: '2026-11-20', end_date: '2026-11-21', timezone: 'Europe/Paris' };
const exampleSummary = { totals: exampleCounts, rates: exampleRates };

export const analyticsOperations: ApiOperation<AnalyticsDeps>[] = [
  operation({
    method: 'get',
    path: '/campaigns/{id}/analytics',
    tag: 'Campaigns',
    summary: "A campaign's totals and rates over a date range",
    description:
      `Days are counted in the campaign's time zone (its schedule's; UTC without one). ${RANGE_RULES} ` + COUNTING,
    params: { id: PATH_IDS.campaign },
    query: dateRangeQuerySchema,
    errors: ['campaign_not_found'],
    response: {
      description: 'The totals and rates of the range.',
      data: campaignAnalyticsResponse,
      example: {
        campaign_id: EXAMPLE_IDS.campaign,
        campaign_name: 'Q4 founders outreach',
        ...exampleRange,
        ...exampleSummary,
      },
    },
    handle: async ({ deps: { analytics }, organizationId, params, query }) => {
      const result = await analytics.campaign(organizationId, params.id, query);
      return {
        data: {
          campaign_id: result.campaign.id,
          campaign_name: result.campaign.name,
          ...presentRange(result.range),
          ...presentSummary(result),
        },
      };
    },
  }),
  operation({
    method: 'get',
    path: '/campaigns/{id}/analytics/by_date',
    tag: 'Campaigns',
    summary: "A campaign's counts per day",
    description:
      `One entry per day of the range, in order, zero-filled, counted in the campaign's time zone. ${RANGE_RULES} ` +
      COUNTING,
    params: { id: PATH_IDS.campaign },
    query: dateRangeQuerySchema,
    errors: ['campaign_not_found'],
    response: {
      description: 'The counts of each day.',
      data: campaignDaysResponse,
      example: { campaign_id: EXAMPLE_IDS.campaign, ...exampleRange, days: exampleDays },
    },
    handle: async ({ deps: { analytics }, organizationId, params, query }) => {
      const result = await analytics.campaignDays(organizationId, params.id, query);
      return {
        data: { campaign_id: result.campaign.id, ...presentRange(result.range), days: result.days.map(presentDay) },
      };
    },
  }),
  operation({
    method: 'get',
    path: '/mailboxes/{id}/analytics',
    tag: 'Mailboxes',
    summary: "A mailbox's totals, rates and days",
    description:
      "What one mailbox sent and got back, across every campaign, by day in the mailbox's time zone (where its " +
      `daily limit counts). ${RANGE_RULES} ${COUNTING}`,
    params: { id: PATH_IDS.organizationMailbox },
    query: dateRangeQuerySchema,
    errors: ['mailbox_not_found'],
    response: {
      description: 'Its totals, rates and days.',
      data: mailboxAnalyticsResponse,
      example: {
        mailbox_id: EXAMPLE_IDS.mailbox,
        from_email: 'grace@founders.example',
        ...exampleRange,
        ...exampleSummary,
        days: exampleDays,
      },
    },
    handle: async ({ deps: { analytics }, organizationId, params, query }) => {
      const result = await analytics.mailbox(organizationId, params.id, query);
      return {
        data: {
          mailbox_id: result.mailbox.id,
          from_email: result.mailbox.fromEmail,
          ...presentRange(result.range),
          ...presentSummary(result),
          days: result.days.map(presentDay),
        },
      };
    },
  }),
  operation({
    method: 'get',
    path: '/analytics/overview',
    tag: 'Campaigns',
    summary: "The organization's analytics across campaigns",
    description:
      'Totals and rates across every campaign, then per campaign, per mailbox (with its health), per recipient ' +
      "provider (Gmail, Microsoft, Yahoo, other: from the recipient's domain) and per lead category (the leads " +
      'that first replied in the range), and day-wise and month-wise series. Days are counted in UTC. ' +
      `${RANGE_RULES} ${COUNTING}`,
    query: dateRangeQuerySchema,
    errors: [],
    response: {
      description: 'The overview of the range.',
      data: overviewResponse,
      example: {
        ...exampleRange,
        timezone: 'UTC',
        ...exampleSummary,
        campaigns: [{ id: EXAMPLE_IDS.campaign, name: 'Q4 founders outreach', status: 'active', ...exampleSummary }],
        mailboxes: [
          {
            id: EXAMPLE_IDS.mailbox,
            from_email: 'grace@founders.example',
            label: 'Grace at Founders',
            status: 'active',
            disabled_at: null,
            disabled_reason: null,
            smtp_error: null,
            imap_status: 'ok',
            daily_limit: 40,
            ...exampleSummary,
          },
        ],
        providers: [
          { provider: 'gmail', ...exampleSummary },
          { provider: 'microsoft', totals: quietDay, rates: { ...exampleRates, open_rate: 0 } },
          { provider: 'yahoo', totals: quietDay, rates: { ...exampleRates, open_rate: 0 } },
          { provider: 'other', totals: quietDay, rates: { ...exampleRates, open_rate: 0 } },
        ],
        categories: [
          { category: null, replies: 12, positive: false },
          { category: 'interested', replies: 7, positive: true },
          { category: 'meeting_booked', replies: 2, positive: true },
          { category: 'not_interested', replies: 3, positive: false },
        ],
        days: exampleDays,
        months: [{ month: '2026-11', ...exampleCounts }],
      },
    },
    handle: async ({ deps: { analytics }, organizationId, query }) => {
      const overview = await analytics.overview(organizationId, query);
      return {
        data: {
          ...presentRange(overview.range),
          ...presentSummary(overview),
          campaigns: overview.campaigns.map((campaign) => ({
            id: campaign.id,
            name: campaign.name,
            status: campaign.status,
            ...presentSummary(campaign),
          })),
          mailboxes: overview.mailboxes.map(({ mailbox, ...summary }) => ({
            id: mailbox.id,
            from_email: mailbox.fromEmail,
            label: mailbox.label,
            status: mailbox.status,
            disabled_at: mailbox.disabledAt?.toISOString() ?? null,
            disabled_reason: mailbox.disabledReason,
            smtp_error: mailbox.smtpError,
            imap_status: mailbox.imapStatus,
            daily_limit: mailbox.dailyLimit,
            ...presentSummary(summary),
          })),
          providers: overview.providers.map(({ provider, ...summary }) => ({ provider, ...presentSummary(summary) })),
          categories: overview.categories,
          days: overview.days.map(presentDay),
          months: overview.months.map((month) => ({ month: month.month, ...presentCounts(month) })),
        },
      };
    },
  }),
  ...campaignExportOperations,
];
