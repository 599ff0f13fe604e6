import { z } from 'zod';
import { MAILBOX_STATUSES } from '../domain/campaigns/campaign-model';
import { ENROLLMENT_STATUSES } from '../domain/enrollments/enrollment-model';
import { RECIPIENT_PROVIDERS } from '../domain/analytics/recipient-provider';
import type { Counts, DateRange, Rates, Summary } from '../domain/analytics/analytics.service';
import type { ExportLead } from '../domain/analytics/campaign-export';
import { timestamp } from './response-fields';

const count = z.number().int();
const rate = z.number();
const date = z.string().meta({ example: '2026-11-20' });

/** What happened, counted from the events. */
export const countsResponse = z.object({
  sent: count.meta({
    description:
      "Messages sent: accepted by the recipient's server, or refused by it during the SMTP exchange (those count in " +
      "`bounced` too), as in the campaign's statistics.",
  }),
  new_leads_contacted: count.meta({ description: 'Sends of step 1: leads written to for the first time.' }),
  opened: count.meta({ description: 'Unique opens: messages opened at least once (counted on the first open).' }),
  clicked: count.meta({ description: 'Messages whose links were clicked at least once (on the first click).' }),
  replied: count.meta({
    description:
      'Leads that replied, each once, on the day of its first reply (its later replies in the thread are not ' +
      'counted again; auto-replies are not replies).',
  }),
  positive_replied: count.meta({
    description: 'Replied leads that are `interested` or `meeting_booked` (their category now, however set).',
  }),
  bounced: count.meta({ description: 'Hard and soft bounces: refused at send, or reported later by the server.' }),
  unsubscribed: count,
});

/** Percentages rounded to one decimal; 0 before any send (or reply). */
export const ratesResponse = z.object({
  open_rate: rate.meta({ description: 'opened ÷ sent, in percent.' }),
  click_rate: rate.meta({ description: 'clicked ÷ sent, in percent.' }),
  reply_rate: rate.meta({ description: 'replied ÷ sent, in percent.' }),
  positive_reply_rate: rate.meta({ description: 'positive_replied ÷ replied, in percent.' }),
  bounce_rate: rate.meta({ description: 'bounced ÷ sent, in percent.' }),
  unsubscribe_rate: rate.meta({ description: 'unsubscribed ÷ sent, in percent.' }),
});

const rangeShape = {
  start_date: date,
  end_date: date,
  timezone: z.string().meta({ description: 'The IANA time zone the days are counted in.', example: 'Europe/Paris' }),
};

const dayResponse = countsResponse.extend({ date });

export const campaignAnalyticsResponse = z.object({
  campaign_id: z.uuid(),
  campaign_name: z.string(),
  ...rangeShape,
  totals: countsResponse,
  rates: ratesResponse,
});

export const campaignDaysResponse = z.object({
  campaign_id: z.uuid(),
  ...rangeShape,
  days: z.array(dayResponse).meta({ description: 'Every day of the range, in order; a day without events has zeros.' }),
});

export const mailboxAnalyticsResponse = z.object({
  mailbox_id: z.uuid(),
  from_email: z.string(),
  ...rangeShape,
  totals: countsResponse,
  rates: ratesResponse,
  days: z.array(dayResponse),
});

const summaryShape = { totals: countsResponse, rates: ratesResponse };

export const overviewResponse = z.object({
  ...rangeShape,
  ...summaryShape,
  campaigns: z
    .array(
      z.object({
        id: z.uuid(),
        name: z.string().nullable().meta({ description: 'Null: the campaign was deleted since.' }),
        status: z.string().nullable(),
        ...summaryShape,
      }),
    )
    .meta({ description: 'Every campaign of the organization, oldest first, then deleted ones with events.' }),
  mailboxes: z
    .array(
      z.object({
        id: z.uuid(),
        from_email: z.string(),
        label: z.string().nullable(),
        status: z.enum(MAILBOX_STATUSES),
        disabled_at: timestamp.nullable(),
        disabled_reason: z.string().nullable(),
        smtp_error: z.string().nullable().meta({ description: 'The last SMTP authentication or TLS failure.' }),
        imap_status: z.string().nullable(),
        daily_limit: count,
        ...summaryShape,
      }),
    )
    .meta({ description: 'Every mailbox of the organization, oldest first, with its health.' }),
  providers: z.array(z.object({ provider: z.enum(RECIPIENT_PROVIDERS), ...summaryShape })).meta({
    description:
      "By the recipient's mailbox provider, from the domain of the address: the providers' own consumer " +
      'domains (gmail.com, outlook.com, hotmail.com, yahoo.com, aol.com…); every other domain is `other`.',
  }),
  categories: z
    .array(
      z.object({
        category: z.string().nullable().meta({ description: 'Null: the lead has no category.' }),
        replies: count.meta({ description: 'Leads of this category that first replied in the range.' }),
        positive: z.boolean(),
      }),
    )
    .meta({ description: 'The leads that first replied in the range, by their category, most first.' }),
  days: z.array(dayResponse),
  months: z
    .array(countsResponse.extend({ month: z.string().meta({ example: '2026-11' }) }))
    .meta({ description: 'The days of the range summed by calendar month.' }),
});

/** One lead of the export. */
export const exportLeadResponse = z.object({
  enrollment_id: z.uuid(),
  contact_id: z.uuid(),
  email: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  status: z.enum(ENROLLMENT_STATUSES),
  step_reached: count.meta({ description: 'The last step sent (0 before the first).' }),
  mailbox: z.string().nullable().meta({ description: 'The address it is sent from.' }),
  last_event: z.string().nullable().meta({
    description: 'The latest of `sent`, `opened`, `clicked`, `replied`, `bounced`, `unsubscribed` on its messages.',
  }),
  last_event_at: timestamp.nullable(),
  category: z.string().nullable(),
  sent_count: count,
  open_count: count.meta({ description: 'Its messages opened at least once.' }),
  click_count: count.meta({ description: 'Its messages clicked at least once.' }),
  reply_count: count.meta({ description: 'Its messages replied to.' }),
  enrolled_at: timestamp,
  removed_at: timestamp.nullable(),
});

export const exportPageResponse = z.object({
  leads: z.array(exportLeadResponse),
  next_cursor: z.string().nullable().meta({ description: 'Pass it as `cursor` for the next page; null on the last.' }),
});

export function presentCounts(counts: Counts): z.input<typeof countsResponse> {
  return {
    sent: counts.sent,
    new_leads_contacted: counts.newLeadsContacted,
    opened: counts.opened,
    clicked: counts.clicked,
    replied: counts.replied,
    positive_replied: counts.positiveReplied,
    bounced: counts.bounced,
    unsubscribed: counts.unsubscribed,
  };
}

export function presentRates(rates: Rates): z.input<typeof ratesResponse> {
  return {
    open_rate: rates.openRate,
    click_rate: rates.clickRate,
    reply_rate: rates.replyRate,
    positive_reply_rate: rates.positiveReplyRate,
    bounce_rate: rates.bounceRate,
    unsubscribe_rate: rates.unsubscribeRate,
  };
}

export function presentSummary(summary: Pick<Summary, 'totals' | 'rates'>) {
  return { totals: presentCounts(summary.totals), rates: presentRates(summary.rates) };
}

export function presentRange(range: DateRange) {
  return { start_date: range.start, end_date: range.end, timezone: range.zone };
}

export function presentDay(day: Counts & { date: string }) {
  return { date: day.date, ...presentCounts(day) };
}

export function presentExportLead(lead: ExportLead): z.input<typeof exportLeadResponse> {
  return {
    enrollment_id: lead.id,
    contact_id: lead.contactId,
    email: lead.email,
    first_name: lead.firstName,
    last_name: lead.lastName,
    status: lead.status,
    step_reached: lead.currentStep,
    mailbox: lead.mailboxEmail,
    last_event: lead.lastEvent,
    last_event_at: lead.lastEventAt?.toISOString() ?? null,
    category: lead.category,
    sent_count: lead.sent,
    open_count: lead.opened,
    click_count: lead.clicked,
    reply_count: lead.replied,
    enrolled_at: lead.enrolledAt.toISOString(),
    removed_at: lead.removedAt?.toISOString() ?? null,
  };
}
