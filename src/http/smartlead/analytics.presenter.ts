// Sequencer's statistics in Smartlead's analytics shapes. How the fields map (the "Migrating from Smartlead" table,
// for analytics):
//
// | Smartlead                          | Sequencer                                                                |
// |------------------------------------|--------------------------------------------------------------------------|
// | statistics: one row per message    | each sent (or bounced at send) message of the campaign, oldest first      |
// | lead_name, lead_email              | the contact's first_name + last_name, the address it was sent to          |
// | lead_category                      | the enrollment's category (interested, meeting_booked… or your label)     |
// | sequence_number, email_campaign_seq_id | the step's position, the step's integer alias                        |
// | seq_variant_id                     | not kept as an id: null (the A/B variant's label is `variant_label`)       |
// | email_subject, email_message       | the subject and HTML (else text) body as sent                             |
// | sent/open/click/reply_time         | the message's sent_at, opened_at, clicked_at, replied_at                  |
// | open_count, click_count            | 0 or 1: Sequencer records a message's first open and first click          |
// | is_unsubscribed, is_bounced        | the message led to an unsubscribe, the message bounced                    |
// | analytics *_count                  | strings of digits, as Smartlead answers them                              |
// | unique_sent/open/click_count       | leads sent to, leads who opened, leads who clicked                       |
// | campaign_lead_stats                | enrollments: pending → notStarted, active → inprogress, paused, completed,|
// |                                    | replied/unsubscribed/stopped/failed → stopped, bounced/skipped → blocked; |
// |                                    | interested = category interested; revenue not kept (0)                    |
// | client_*, tags, parent_campaign_id | not kept: null                                                            |
import { z } from 'zod';
import type { CampaignEntity } from '../../domain/campaigns/campaign.service';
import type { LeadStatusCounts, MessageStatRow } from '../../domain/analytics/analytics.service';
import { SMARTLEAD_CAMPAIGN_STATUSES, smartleadCampaignStatus } from '../../domain/smartlead/smartlead-campaign-status';

const digits = z.string().regex(/^\d+$/).meta({ description: 'A count, as a string of digits (as Smartlead).' });
const iso = z.string().nullable().meta({ description: 'ISO 8601; null when it did not happen.' });

export const smartleadStatisticSchema = z.object({
  lead_name: z.string(),
  lead_email: z.string(),
  lead_category: z.string().nullable(),
  sequence_number: z.number().int(),
  email_campaign_seq_id: z.number().int().nullable().meta({ description: 'The sequence step’s id.' }),
  seq_variant_id: z.number().int().nullable().meta({ description: 'Always null: variants have no integer id.' }),
  variant_label: z.string().nullable().meta({ description: 'Sequencer’s A/B variant label (an addition).' }),
  email_subject: z.string(),
  email_message: z.string(),
  sent_time: iso,
  open_time: iso,
  click_time: iso,
  reply_time: iso,
  open_count: z.number().int().meta({ description: '0 or 1 (the first open is recorded).' }),
  click_count: z.number().int().meta({ description: '0 or 1 (the first click is recorded).' }),
  is_unsubscribed: z.boolean(),
  is_bounced: z.boolean(),
});

export const smartleadStatisticsSchema = z.object({
  total_stats: digits.meta({ description: 'How many messages match the filters (all pages).' }),
  data: z.array(smartleadStatisticSchema),
  offset: z.number().int(),
  limit: z.number().int(),
});

/** One message row of `statistics`. */
export function presentStatistic(row: MessageStatRow): z.input<typeof smartleadStatisticSchema> {
  const when = (date: Date | null) => date?.toISOString() ?? null;
  return {
    lead_name: [row.firstName, row.lastName].filter((part) => part && part.trim()).join(' '),
    lead_email: row.email,
    lead_category: row.category,
    sequence_number: row.stepPosition,
    email_campaign_seq_id: row.stepAlias,
    seq_variant_id: null,
    variant_label: row.variantLabel,
    email_subject: row.subject,
    email_message: row.bodyHtml ?? row.bodyText ?? '',
    sent_time: when(row.sentAt),
    open_time: when(row.openedAt),
    click_time: when(row.clickedAt),
    reply_time: when(row.repliedAt),
    open_count: row.openedAt ? 1 : 0,
    click_count: row.clickedAt ? 1 : 0,
    is_unsubscribed: row.unsubscribedAt !== null,
    is_bounced: row.bouncedAt !== null,
  };
}

const leadStatsSchema = z.object({
  total: z.number().int(),
  paused: z.number().int(),
  blocked: z.number().int(),
  revenue: z.number().meta({ description: 'Not kept by Sequencer: always 0.' }),
  stopped: z.number().int(),
  completed: z.number().int(),
  inprogress: z.number().int(),
  interested: z.number().int(),
  notStarted: z.number().int(),
});

/** The counts both `analytics` and `analytics-by-date` answer. */
const countShape = {
  sent_count: digits,
  unique_sent_count: digits,
  open_count: digits,
  unique_open_count: digits,
  click_count: digits,
  unique_click_count: digits,
  reply_count: digits,
  block_count: digits,
  total_count: digits,
  drafted_count: digits,
  bounce_count: digits,
  unsubscribed_count: digits,
};

const campaignShape = {
  id: z.number().int(),
  user_id: z.number().int(),
  created_at: z.string(),
  status: z.enum(SMARTLEAD_CAMPAIGN_STATUSES),
  name: z.string(),
};

export const smartleadAnalyticsSchema = z.object({
  ...campaignShape,
  ...countShape,
  sequence_count: digits,
  tags: z.null(),
  client_id: z.null(),
  client_name: z.null(),
  client_email: z.null(),
  client_company_name: z.null(),
  parent_campaign_id: z.null(),
  campaign_lead_stats: leadStatsSchema,
});

const dayCountsSchema = z.object({
  date: z.string().meta({ description: 'YYYY-MM-DD, in the campaign’s time zone.' }),
  sent_count: z.number().int(),
  unique_sent_count: z.number().int(),
  open_count: z.number().int(),
  click_count: z.number().int(),
  reply_count: z.number().int(),
  bounce_count: z.number().int(),
  unsubscribed_count: z.number().int(),
});

export const smartleadAnalyticsByDateSchema = z.object({
  ...campaignShape,
  start_date: z.string(),
  end_date: z.string(),
  ...countShape,
  day_wise_stats: z.array(dayCountsSchema).meta({ description: 'Each day of the range (zero-filled).' }),
});

/** The campaign fields analytics repeat. */
export function campaignFields(campaign: CampaignEntity, userId: number) {
  return {
    id: campaign.alias,
    user_id: userId,
    created_at: campaign.createdAt.toISOString(),
    status: smartleadCampaignStatus(campaign.status),
    name: campaign.name,
  };
}

/** Enrollment statuses in Smartlead's lead buckets. */
export function presentLeadStats(leads: LeadStatusCounts): z.input<typeof leadStatsSchema> {
  const count = (...statuses: string[]) => statuses.reduce((sum, status) => sum + (leads.byStatus.get(status) ?? 0), 0);
  return {
    total: [...leads.byStatus.values()].reduce((sum, n) => sum + n, 0),
    paused: count('paused'),
    blocked: count('bounced', 'skipped'),
    revenue: 0,
    stopped: count('replied', 'unsubscribed', 'stopped', 'failed'),
    completed: count('completed'),
    inprogress: count('active'),
    interested: leads.interested,
    notStarted: count('pending'),
  };
}

/** Message counts, and lead counts, in the `*_count` strings. */
export function presentCounts(
  messages: { sent: number; opened: number; clicked: number; replied: number; bounced: number; unsubscribed: number },
  leads: { sent: number; opened: number; clicked: number; blocked: number; total: number },
) {
  return {
    sent_count: String(messages.sent),
    unique_sent_count: String(leads.sent),
    open_count: String(messages.opened),
    unique_open_count: String(leads.opened),
    click_count: String(messages.clicked),
    unique_click_count: String(leads.clicked),
    reply_count: String(messages.replied),
    block_count: String(leads.blocked),
    total_count: String(leads.total),
    drafted_count: '0',
    bounce_count: String(messages.bounced),
    unsubscribed_count: String(messages.unsubscribed),
  };
}

/** A day in a query: `YYYY-MM-DD`. */
export const day = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
    .meta({ description: what, example: '2024-01-01' });
