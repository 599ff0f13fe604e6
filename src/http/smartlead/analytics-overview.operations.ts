// `GET /analytics/overview`: the native overview (AnalyticsService.overview) in Smartlead's field names. Counts are
// integers here; rates are percentages with one decimal; campaigns and email accounts are named by integer alias
// (null for a deleted campaign's events).
import { z } from 'zod';
import type { Overview } from '../../domain/analytics/analytics.service';
import { smartleadStatusOf } from '../../domain/smartlead/smartlead-campaign-status';
import { day } from './analytics.presenter';
import { lenientQuery } from './lenient';
import { smartleadOperation } from './operation';

const countsShape = {
  sent_count: z.number().int(),
  unique_sent_count: z.number().int().meta({ description: 'Leads written to for the first time (step 1 sends).' }),
  open_count: z.number().int(),
  click_count: z.number().int(),
  reply_count: z.number().int().meta({ description: 'Leads that replied (once each).' }),
  positive_reply_count: z.number().int().meta({ description: 'Of them, categorized interested or meeting booked.' }),
  bounce_count: z.number().int(),
  unsubscribed_count: z.number().int(),
};
const ratesShape = {
  open_rate: z.number(),
  click_rate: z.number(),
  reply_rate: z.number(),
  positive_reply_rate: z.number(),
  bounce_rate: z.number(),
  unsubscribe_rate: z.number(),
};

const smartleadOverviewSchema = z.object({
  start_date: z.string(),
  end_date: z.string(),
  ...countsShape,
  ...ratesShape,
  campaign_wise_stats: z.array(
    z.object({
      campaign_id: z.number().int().nullable(),
      campaign_name: z.string().nullable(),
      campaign_status: z.string().nullable(),
      ...countsShape,
      ...ratesShape,
    }),
  ),
  email_health_metrics: z.array(
    z.object({
      email_account_id: z.number().int().nullable(),
      from_email: z.string(),
      status: z.string(),
      daily_limit: z.number().int(),
      is_disabled: z.boolean(),
      disabled_reason: z.string().nullable(),
      smtp_error: z.string().nullable(),
      ...countsShape,
      ...ratesShape,
    }),
  ),
  provider_wise_stats: z.array(z.object({ provider: z.string(), ...countsShape, ...ratesShape })),
  lead_category_wise_response: z.array(
    z.object({ category: z.string().nullable(), reply_count: z.number().int(), is_positive: z.boolean() }),
  ),
  day_wise_stats: z.array(z.object({ date: z.string(), ...countsShape })),
  month_wise_stats: z.array(z.object({ month: z.string(), ...countsShape })),
});

type Counts = Overview['totals'];
type Rates = Overview['rates'];

const counts = (totals: Counts) => ({
  sent_count: totals.sent,
  unique_sent_count: totals.newLeadsContacted,
  open_count: totals.opened,
  click_count: totals.clicked,
  reply_count: totals.replied,
  positive_reply_count: totals.positiveReplied,
  bounce_count: totals.bounced,
  unsubscribed_count: totals.unsubscribed,
});

const rates = (rates: Rates) => ({
  open_rate: rates.openRate,
  click_rate: rates.clickRate,
  reply_rate: rates.replyRate,
  positive_reply_rate: rates.positiveReplyRate,
  bounce_rate: rates.bounceRate,
  unsubscribe_rate: rates.unsubscribeRate,
});

/** The overview, campaigns and mailboxes named by the aliases given (by uuid). */
function presentOverview(
  overview: Overview,
  aliases: { campaigns: Map<string, number>; mailboxes: Map<string, number> },
): z.input<typeof smartleadOverviewSchema> {
  return {
    start_date: overview.range.start,
    end_date: overview.range.end,
    ...counts(overview.totals),
    ...rates(overview.rates),
    campaign_wise_stats: overview.campaigns.map((campaign) => ({
      campaign_id: aliases.campaigns.get(campaign.id) ?? null,
      campaign_name: campaign.name,
      campaign_status: smartleadStatusOf(campaign.status),
      ...counts(campaign.totals),
      ...rates(campaign.rates),
    })),
    email_health_metrics: overview.mailboxes.map(({ mailbox, totals, rates: mailboxRates }) => ({
      email_account_id: aliases.mailboxes.get(mailbox.id) ?? null,
      from_email: mailbox.fromEmail,
      status: mailbox.status,
      daily_limit: mailbox.dailyLimit,
      is_disabled: mailbox.disabledAt !== null,
      disabled_reason: mailbox.disabledReason,
      smtp_error: mailbox.smtpError,
      ...counts(totals),
      ...rates(mailboxRates),
    })),
    provider_wise_stats: overview.providers.map((provider) => ({
      provider: provider.provider,
      ...counts(provider.totals),
      ...rates(provider.rates),
    })),
    lead_category_wise_response: overview.categories.map((category) => ({
      category: category.category,
      reply_count: category.replies,
      is_positive: category.positive,
    })),
    day_wise_stats: overview.days.map((day) => ({ date: day.date, ...counts(day) })),
    month_wise_stats: overview.months.map((month) => ({ month: month.month, ...counts(month) })),
  };
}

/** `GET /analytics/overview`. */
export const overview = smartleadOperation({
  method: 'get',
  path: '/analytics/overview',
  tag: 'Analytics',
  summary: 'Global analytics overview',
  description:
    'Across every campaign, in UTC, over `start_date`…`end_date` (optional; the last 30 days by default): totals ' +
    'and rates (percent of messages sent; positive replies per reply), and the same per campaign, per email account ' +
    '(with its health: status, daily limit, why it is disabled), per recipient provider (gmail, outlook, yahoo, ' +
    'other), per lead category of the replies, per day and per month. Sequencer’s native overview in Smartlead’s ' +
    'field names.',
  query: lenientQuery({
    start_date: day('The first day (default: 29 days before end_date).').optional(),
    end_date: day('The last day (default: today, UTC).').optional(),
  }),
  otherStatuses: [422],
  response: {
    description: 'The overview.',
    schema: smartleadOverviewSchema,
    example: {
      start_date: '2024-01-01',
      end_date: '2024-01-01',
      sent_count: 70,
      unique_sent_count: 40,
      open_count: 30,
      click_count: 5,
      reply_count: 4,
      positive_reply_count: 2,
      bounce_count: 1,
      unsubscribed_count: 0,
      open_rate: 42.9,
      click_rate: 7.1,
      reply_rate: 5.7,
      positive_reply_rate: 50,
      bounce_rate: 1.4,
      unsubscribe_rate: 0,
      campaign_wise_stats: [],
      email_health_metrics: [],
      provider_wise_stats: [],
      lead_category_wise_response: [{ category: 'interested', reply_count: 2, is_positive: true }],
      day_wise_stats: [],
      month_wise_stats: [],
    },
  },
  handle: async ({ deps, organizationId, query }) => {
    const result = await deps.analytics.overview(organizationId, query);
    const [campaigns, mailboxes] = await Promise.all([
      deps.smartleadAliases.aliasesOf(
        organizationId,
        'campaign',
        result.campaigns.map((campaign) => campaign.id),
      ),
      deps.smartleadAliases.aliasesOf(
        organizationId,
        'emailAccount',
        result.mailboxes.map((row) => row.mailbox.id),
      ),
    ]);
    return presentOverview(result, { campaigns, mailboxes });
  },
});
