import type { Database } from '../../db/repositories';
import type {
  CategoryReplies,
  DayCounts,
  EventCounts,
  EventScope,
  MailboxHealthRow,
} from '../../db/repositories/analytics.repository';
import type { LeadFilter } from '../../db/repositories/lead.repository';
import type { LeadStatusCounts, MessageFilter, MessageStatRow } from '../../db/repositories/stats.repository';
import type { CampaignService } from '../campaigns/campaign.service';
import { campaignZone } from '../delivery/sending-day';
import { notFound } from '../errors';
import { dateRange, DEFAULT_ANALYTICS_MAX_DAYS, type DateRange } from './analytics-range';
import { CampaignExport, type ExportCursor, type ExportPage } from './campaign-export';
import { PROVIDER_DOMAINS, providerOf, RECIPIENT_PROVIDERS, type RecipientProvider } from './recipient-provider';

export type { DateRange, EventCounts, ExportCursor, ExportPage, MailboxHealthRow, RecipientProvider };
export type { LeadStatusCounts, MessageFilter, MessageStatRow };

/**
 * The lead categories whose replies are positive: the lead is interested, or already booked a meeting (a reply that
 * led to one was as positive as replies get). Other categories, custom labels and none are not.
 */
export const POSITIVE_CATEGORIES: readonly string[] = ['interested', 'meeting_booked'];

/** The organization's days are counted in UTC: organizations have no time zone of their own. */
const ORGANIZATION_ZONE = 'UTC';

/** The message counts, the leads that replied (once each, on their first reply) and those of them positive. */
export interface Counts extends EventCounts {
  replied: number;
  positiveReplied: number;
}

export interface DaySeries extends Counts {
  date: string;
}

export interface MonthSeries extends Counts {
  /** `YYYY-MM`. */
  month: string;
}

/** Percentages rounded to one decimal, 0 before any send: per message sent, positive replies per reply. */
export interface Rates {
  openRate: number;
  clickRate: number;
  replyRate: number;
  positiveReplyRate: number;
  bounceRate: number;
  unsubscribeRate: number;
}

/** A date range's totals and rates. */
export interface Summary {
  range: DateRange;
  totals: Counts;
  rates: Rates;
}

export interface CampaignAnalytics extends Summary {
  campaign: { id: string; name: string };
}

export interface CampaignDays {
  campaign: { id: string; name: string };
  range: DateRange;
  days: DaySeries[];
}

export interface MailboxAnalytics extends Summary {
  mailbox: { id: string; fromEmail: string };
  days: DaySeries[];
}

export interface Overview extends Summary {
  campaigns: { id: string; name: string | null; status: string | null; totals: Counts; rates: Rates }[];
  mailboxes: { mailbox: MailboxHealthRow; totals: Counts; rates: Rates }[];
  providers: { provider: RecipientProvider; totals: Counts; rates: Rates }[];
  categories: { category: string | null; replies: number; positive: boolean }[];
  days: DaySeries[];
  months: MonthSeries[];
}

/** What a request names: days `YYYY-MM-DD` (both optional: the last 30 days). */
export interface RangeRequest {
  start_date?: string | undefined;
  end_date?: string | undefined;
}

/** Counts of what happened, by day, campaign, mailbox, recipient provider and lead category (from the events). */
export class AnalyticsService {
  private readonly exports: CampaignExport;

  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
    private readonly maxDays: number = DEFAULT_ANALYTICS_MAX_DAYS,
  ) {
    this.exports = new CampaignExport(db, campaigns);
  }

  /** A campaign's totals and rates over the days of the range, in the campaign's time zone. */
  async campaign(organizationId: string, campaignId: string, request: RangeRequest): Promise<CampaignAnalytics> {
    const { campaign, range, days } = await this.campaignDays(organizationId, campaignId, request);
    const totals = sum(days);
    return { campaign, range, totals, rates: rates(totals) };
  }

  /** A campaign's counts on each day of the range (zero-filled), in the campaign's time zone. */
  async campaignDays(organizationId: string, campaignId: string, request: RangeRequest): Promise<CampaignDays> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    const range = dateRange(request, campaignZone(campaign), this.maxDays);
    const days = await this.days({ campaignId }, organizationId, range, { campaignId });
    return { campaign: { id: campaign.id, name: campaign.name }, range, days };
  }

  /** One mailbox's totals, rates and days over the range, in the mailbox's time zone (where its limits count). */
  async mailbox(organizationId: string, mailboxId: string, request: RangeRequest): Promise<MailboxAnalytics> {
    const mailbox = await this.db.repos.mailboxAdmin.find(organizationId, mailboxId);
    if (!mailbox) throw notFound('mailbox_not_found', 'Mailbox');
    const range = dateRange(request, mailbox.timezone, this.maxDays);
    const days = await this.days({ mailboxId }, organizationId, range, { mailboxId });
    const totals = sum(days);
    return { mailbox: { id: mailbox.id, fromEmail: mailbox.fromEmail }, range, totals, rates: rates(totals), days };
  }

  /**
   * Across the organization's campaigns, in UTC: totals and rates, per campaign, mailbox (with its health), recipient
   * provider and lead category, and day-wise and month-wise series.
   */
  async overview(organizationId: string, request: RangeRequest): Promise<Overview> {
    const range = dateRange(request, ORGANIZATION_ZONE, this.maxDays);
    const { analytics } = this.db.repos;
    const [daily, replies, grouped, campaigns, mailboxes] = await Promise.all([
      analytics.daily({ organizationId }, organizationId, range),
      analytics.firstReplies(organizationId, range),
      analytics.grouped(organizationId, range, PROVIDER_DOMAINS),
      analytics.campaignsOf(organizationId),
      analytics.mailboxesOf(organizationId),
    ]);
    const days = withReplies(daily, replies);
    const totals = sum(days);
    const replied = repliesBy(replies);
    const summarized = (counts: EventCounts | undefined, leads: ReplyCounts | undefined) => {
      const all: Counts = { ...(counts ?? ZERO), ...(leads ?? NO_REPLIES) };
      return { totals: all, rates: rates(all) };
    };
    const known = new Set(campaigns.map((campaign) => campaign.id));
    const deleted = [...grouped.campaigns.keys()].filter((id) => !known.has(id));
    return {
      range,
      totals,
      rates: rates(totals),
      campaigns: [...campaigns, ...deleted.map((id) => ({ id, name: null, status: null }))].map((campaign) => ({
        ...campaign,
        ...summarized(grouped.campaigns.get(campaign.id), replied.campaigns.get(campaign.id)),
      })),
      mailboxes: mailboxes.map((mailbox) => ({
        mailbox,
        ...summarized(grouped.mailboxes.get(mailbox.id), replied.mailboxes.get(mailbox.id)),
      })),
      providers: RECIPIENT_PROVIDERS.map((provider) => ({
        provider,
        ...summarized(grouped.providers.get(provider), replied.providers.get(provider)),
      })),
      categories: categories(replies),
      days,
      months: months(days),
    };
  }

  /** One page of the campaign's sent messages (oldest send first) with their leads and outcomes, and the total. */
  async campaignMessages(
    organizationId: string,
    campaignId: string,
    filter: MessageFilter,
    page: { offset: number; limit: number },
  ): Promise<{ rows: MessageStatRow[]; total: number }> {
    await this.campaigns.require(organizationId, campaignId);
    return this.db.repos.stats.messagePage(campaignId, filter, page.offset, page.limit);
  }

  /** The campaign's leads by enrollment status, the interested ones, and the leads sent to, opening and clicking. */
  async campaignLeads(organizationId: string, campaignId: string): Promise<LeadStatusCounts> {
    await this.campaigns.require(organizationId, campaignId);
    return this.db.repos.stats.leadCounts(campaignId);
  }

  /** The campaign's leads as CSV rows, header first, read in keyset pages; an unknown campaign fails first. */
  exportCsv(organizationId: string, campaignId: string, filter: LeadFilter): Promise<AsyncGenerator<string[]>> {
    return this.exports.csv(organizationId, campaignId, filter);
  }

  /** One page of the campaign's leads, after the cursor (from the start without one). */
  exportPage(
    organizationId: string,
    campaignId: string,
    filter: LeadFilter,
    after: ExportCursor | null,
    limit: number,
  ): Promise<ExportPage> {
    return this.exports.page(organizationId, campaignId, filter, after, limit);
  }

  private async days(
    scope: EventScope,
    organizationId: string,
    range: DateRange,
    within: { campaignId?: string; mailboxId?: string },
  ): Promise<DaySeries[]> {
    const [daily, replies] = await Promise.all([
      this.db.repos.analytics.daily(scope, organizationId, range),
      this.db.repos.analytics.firstReplies(organizationId, range, within),
    ]);
    return withReplies(daily, replies);
  }
}

const ZERO: EventCounts = { sent: 0, newLeadsContacted: 0, opened: 0, clicked: 0, bounced: 0, unsubscribed: 0 };

interface ReplyCounts {
  replied: number;
  positiveReplied: number;
}
const NO_REPLIES: ReplyCounts = { replied: 0, positiveReplied: 0 };

const isPositive = (category: string | null): boolean => category !== null && POSITIVE_CATEGORIES.includes(category);

function addReplies(map: Map<string, ReplyCounts>, key: string | null, reply: CategoryReplies): void {
  if (key === null) return;
  const counts = map.get(key) ?? { ...NO_REPLIES };
  counts.replied += reply.replies;
  if (isPositive(reply.category)) counts.positiveReplied += reply.replies;
  map.set(key, counts);
}

/** Each day with its replied leads and the positive ones among them. */
function withReplies(days: DayCounts[], replies: CategoryReplies[]): DaySeries[] {
  const byDay = new Map<string, ReplyCounts>();
  for (const reply of replies) addReplies(byDay, reply.date, reply);
  return days.map((day) => ({ ...day, ...(byDay.get(day.date) ?? NO_REPLIES) }));
}

/** Replied leads, and the positive ones, by campaign, mailbox and recipient provider. */
function repliesBy(replies: CategoryReplies[]) {
  const by = {
    campaigns: new Map<string, ReplyCounts>(),
    mailboxes: new Map<string, ReplyCounts>(),
    providers: new Map<string, ReplyCounts>(),
  };
  for (const reply of replies) {
    addReplies(by.campaigns, reply.campaignId, reply);
    addReplies(by.mailboxes, reply.mailboxId, reply);
    addReplies(by.providers, providerOf(reply.recipientDomain), reply);
  }
  return by;
}

function sum(days: Counts[]): Counts {
  const totals: Counts = { ...ZERO, ...NO_REPLIES };
  for (const day of days) {
    for (const key of Object.keys(totals) as (keyof Counts)[]) totals[key] += day[key];
  }
  return totals;
}

/** The days summed by calendar month, in order. */
function months(days: DaySeries[]): MonthSeries[] {
  const byMonth = new Map<string, DaySeries[]>();
  for (const day of days) {
    const month = day.date.slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), day]);
  }
  return [...byMonth].map(([month, monthDays]) => ({ month, ...sum(monthDays) }));
}

function categories(replies: CategoryReplies[]): Overview['categories'] {
  const byCategory = new Map<string | null, number>();
  for (const reply of replies) byCategory.set(reply.category, (byCategory.get(reply.category) ?? 0) + reply.replies);
  return [...byCategory]
    .map(([category, count]) => ({ category, replies: count, positive: isPositive(category) }))
    .sort((a, b) => b.replies - a.replies || (a.category ?? '').localeCompare(b.category ?? ''));
}

function rates(counts: Counts): Rates {
  const percent = (count: number, of: number) => (of === 0 ? 0 : Math.round((count / of) * 1000) / 10);
  return {
    openRate: percent(counts.opened, counts.sent),
    clickRate: percent(counts.clicked, counts.sent),
    replyRate: percent(counts.replied, counts.sent),
    positiveReplyRate: percent(counts.positiveReplied, counts.replied),
    bounceRate: percent(counts.bounced, counts.sent),
    unsubscribeRate: percent(counts.unsubscribed, counts.sent),
  };
}
