import type { EntityManager } from 'typeorm';
import type { MailboxStatus } from '../entities/mailbox.entity';

/** What happened to messages, counted from the events (replies are counted per lead: see `firstReplies`). */
export interface EventCounts {
  /** `email.sent`, and messages refused during the SMTP exchange (a bounce, not an `email.sent`). */
  sent: number;
  /** `email.sent` of step 1: leads written to for the first time. */
  newLeadsContacted: number;
  /** `email.opened`: the first open of each message. */
  opened: number;
  /** `email.clicked`: the first click of each message. */
  clicked: number;
  bounced: number;
  unsubscribed: number;
}

export interface DayCounts extends EventCounts {
  /** `YYYY-MM-DD` in the range's zone. */
  date: string;
}

/** Days `YYYY-MM-DD` (both included) counted in an IANA zone. */
export interface DayRange {
  start: string;
  end: string;
  zone: string;
}

/** Whose events a day-wise series counts: each has its index (campaign, mailbox, organization; then the time). */
export type EventScope = { campaignId: string } | { mailboxId: string } | { organizationId: string };

/**
 * Leads whose first reply came on one day, with one category (null: none), in one campaign and mailbox, from one
 * recipient domain.
 */
export interface CategoryReplies {
  date: string;
  category: string | null;
  campaignId: string | null;
  mailboxId: string | null;
  recipientDomain: string | null;
  replies: number;
}

/** The organization's counts by campaign, by mailbox and by recipient provider. */
export interface GroupedCounts {
  campaigns: Map<string, EventCounts>;
  mailboxes: Map<string, EventCounts>;
  providers: Map<string, EventCounts>;
}

/** A mailbox as the overview shows it: who it sends as and its health. */
export interface MailboxHealthRow {
  id: string;
  fromEmail: string;
  label: string | null;
  status: MailboxStatus;
  disabledAt: Date | null;
  disabledReason: string | null;
  smtpError: string | null;
  imapStatus: string | null;
  dailyLimit: number;
}

/** What a lead's messages add to its export row. */
export interface LeadActivity {
  enrollmentId: string;
  contactId: string;
  enrolledAt: Date;
  sent: number;
  opened: number;
  clicked: number;
  replied: number;
}

/**
 * The events counted first by (time bucket or group, type, first step), then these sums pivot the types into
 * columns: one hash per event instead of seven filters and a time zone conversion.
 */
const SUMS = `sum(n) FILTER (WHERE type = 'email.sent') AS sent,
       sum(n) FILTER (WHERE type = 'email.sent' AND first_step) AS new_leads_contacted,
       sum(n) FILTER (WHERE type = 'email.opened') AS opened,
       sum(n) FILTER (WHERE type = 'email.clicked') AS clicked,
       sum(n) FILTER (WHERE type = 'email.bounced') AS bounced,
       sum(n) FILTER (WHERE type = 'lead.unsubscribed') AS unsubscribed`;

const COUNT_COLUMNS = ['sent', 'new_leads_contacted', 'opened', 'clicked', 'bounced', 'unsubscribed'];

/** `occurred_at` within the days $2…$3 (both included) of the zone $4, as bounds the index can range over. */
const IN_RANGE = `occurred_at >= ($2::date::timestamp AT TIME ZONE $4::text)
   AND occurred_at < (($3::date + 1)::timestamp AT TIME ZONE $4::text)`;

/**
 * Quarter hours since 2000-01-01 UTC: every zone's offset is a whole number of quarter hours, so each bucket lies
 * within one day of the zone $4, and only the buckets (not each event) are converted to it.
 */
const BUCKET = `date_bin('15 minutes', occurred_at, timestamptz '2000-01-01 00:00:00+00')`;

/**
 * Messages refused during the SMTP exchange: the settle records an `email.bounced` instead of an `email.sent` for
 * them, without the `source` a bounce reported later names. They count as sends (that bounced), as in a campaign's
 * statistics; read through the bounces' partial index, whose rows are few.
 */
const REFUSED_AT_SEND = `type = 'email.bounced' AND coalesce(data->>'source', 'smtp') = 'smtp'`;

const SCOPE_COLUMNS = { campaignId: 'campaign_id', mailboxId: 'mailbox_id', organizationId: 'organization_id' };

type CountRow = Record<string, string | null>;

function countsOf(row: CountRow): EventCounts {
  const number = (column: string) => Number(row[column] ?? 0);
  return {
    sent: number('sent'),
    newLeadsContacted: number('new_leads_contacted'),
    opened: number('opened'),
    clicked: number('clicked'),
    bounced: number('bounced'),
    unsubscribed: number('unsubscribed'),
  };
}

/**
 * Counts over the events table, by day, campaign, mailbox, provider and lead category. Each query ranges over
 * one index (scope, then `occurred_at`) whose included columns hold what it counts, so it reads the index alone.
 */
export class AnalyticsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The scope's counts (in the organization) on every day of the range, in order; days without events have zeros. */
  async daily(scope: EventScope, organizationId: string, range: DayRange): Promise<DayCounts[]> {
    const [key, id] = Object.entries(scope)[0] as [keyof typeof SCOPE_COLUMNS, string];
    const column = SCOPE_COLUMNS[key];
    const rows: CountRow[] = await this.manager.query(
      `WITH binned AS (
         SELECT ${BUCKET} AS bucket, type, step_position = 1 AS first_step, count(*) AS n
           FROM events
          WHERE ${column} = $1 AND ${IN_RANGE}
          GROUP BY 1, 2, 3
         UNION ALL
         SELECT ${BUCKET}, 'email.sent', step_position = 1, count(*)
           FROM events
          WHERE organization_id = $5 AND ${column} = $1 AND ${REFUSED_AT_SEND} AND ${IN_RANGE}
          GROUP BY 1, 3
       ),
       counted AS (
         SELECT (bucket AT TIME ZONE $4::text)::date AS day, ${SUMS} FROM binned GROUP BY 1
       )
       SELECT series.day::date::text AS day, ${COUNT_COLUMNS.map((column) => `counted.${column}`).join(', ')}
         FROM generate_series($2::date::timestamp, $3::date::timestamp, interval '1 day') AS series(day)
         LEFT JOIN counted ON counted.day = series.day::date
        ORDER BY series.day`,
      [id, range.start, range.end, range.zone, organizationId],
    );
    return rows.map((row) => ({ date: row.day!, ...countsOf(row) }));
  }

  /**
   * Leads that replied, each counted once, on the day of its first reply (an enrollment's later replies in the
   * thread, or the same reply reported again by an integration, are not counted again), by the lead's category: the
   * enrollment's category now, else the one its first reply carried (the enrollment deleted since). Optionally of
   * one campaign or mailbox of the organization. Replies are few: the organization's until the range's end are read.
   */
  async firstReplies(
    organizationId: string,
    range: DayRange,
    within: { campaignId?: string; mailboxId?: string } = {},
  ): Promise<CategoryReplies[]> {
    const rows: {
      day: string;
      category: string | null;
      campaign_id: string | null;
      mailbox_id: string | null;
      recipient_domain: string | null;
      replies: string;
    }[] = await this.manager.query(
      `WITH first_replies AS (
         SELECT DISTINCT ON (coalesce(enrollment_id::text, id::text))
                occurred_at, enrollment_id, campaign_id, mailbox_id, recipient_domain,
                data->>'category' AS reported_category
           FROM events
          WHERE organization_id = $1 AND type = 'email.replied'
            AND occurred_at < (($3::date + 1)::timestamp AT TIME ZONE $4::text)
            AND ($5::uuid IS NULL OR campaign_id = $5::uuid)
            AND ($6::uuid IS NULL OR mailbox_id = $6::uuid)
          ORDER BY coalesce(enrollment_id::text, id::text), occurred_at, id
       )
       SELECT (reply.occurred_at AT TIME ZONE $4::text)::date::text AS day,
              coalesce(enrollment.category, reply.reported_category) AS category, reply.campaign_id,
              reply.mailbox_id, reply.recipient_domain, count(*) AS replies
         FROM first_replies reply
         LEFT JOIN enrollments enrollment ON enrollment.id = reply.enrollment_id
        WHERE reply.occurred_at >= ($2::date::timestamp AT TIME ZONE $4::text)
        GROUP BY 1, 2, 3, 4, 5`,
      [organizationId, range.start, range.end, range.zone, within.campaignId ?? null, within.mailboxId ?? null],
    );
    return rows.map((row) => ({
      date: row.day,
      category: row.category,
      campaignId: row.campaign_id,
      mailboxId: row.mailbox_id,
      recipientDomain: row.recipient_domain,
      replies: Number(row.replies),
    }));
  }

  /** The organization's counts over the range by campaign, by mailbox and by the recipient's provider. */
  async grouped(
    organizationId: string,
    range: DayRange,
    providerDomains: Record<string, readonly string[]>,
  ): Promise<GroupedCounts> {
    const providers = Object.entries(providerDomains);
    const params: unknown[] = [organizationId, range.start, range.end, range.zone];
    const cases = providers.map(([name, domains]) => {
      params.push([...domains], name);
      return `WHEN recipient_domain = ANY($${params.length - 1}::text[]) THEN $${params.length}::text`;
    });
    const rows: (CountRow & { by: string; campaign_id: string | null; mailbox_id: string | null })[] =
      await this.manager.query(
        `WITH binned AS (
           SELECT campaign_id, mailbox_id, recipient_domain, type, step_position = 1 AS first_step, count(*) AS n
             FROM events
            WHERE organization_id = $1 AND ${IN_RANGE}
            GROUP BY 1, 2, 3, 4, 5
           UNION ALL
           SELECT campaign_id, mailbox_id, recipient_domain, 'email.sent', step_position = 1, count(*)
             FROM events
            WHERE organization_id = $1 AND ${REFUSED_AT_SEND} AND ${IN_RANGE}
            GROUP BY 1, 2, 3, 5
         )
         SELECT CASE WHEN GROUPING(campaign_id) = 0 THEN 'campaign'
                     WHEN GROUPING(mailbox_id) = 0 THEN 'mailbox' ELSE 'provider' END AS by,
                campaign_id, mailbox_id, provider, ${SUMS}
           FROM (SELECT campaign_id, mailbox_id, type, first_step, n,
                        CASE WHEN recipient_domain IS NULL THEN NULL ${cases.join(' ')} ELSE 'other' END AS provider
                   FROM binned) event
          GROUP BY GROUPING SETS ((campaign_id), (mailbox_id), (provider))`,
        params,
      );
    const grouped: GroupedCounts = { campaigns: new Map(), mailboxes: new Map(), providers: new Map() };
    for (const row of rows) {
      const [map, key] =
        row.by === 'campaign'
          ? [grouped.campaigns, row.campaign_id]
          : row.by === 'mailbox'
            ? [grouped.mailboxes, row.mailbox_id]
            : [grouped.providers, row.provider];
      // Events about no campaign, mailbox or recipient (a mailbox's own events, an unsubscribe) group under none.
      if (key) map.set(key, countsOf(row));
    }
    return grouped;
  }

  /** The organization's campaigns (id, name, status), oldest first. */
  async campaignsOf(organizationId: string): Promise<{ id: string; name: string; status: string }[]> {
    return this.manager.query(
      `SELECT id, name, status FROM campaigns WHERE organization_id = $1 ORDER BY created_at, id`,
      [organizationId],
    );
  }

  /** The organization's mailboxes with their health, oldest first. */
  async mailboxesOf(organizationId: string): Promise<MailboxHealthRow[]> {
    const rows: {
      id: string;
      from_email: string;
      label: string | null;
      status: MailboxStatus;
      disabled_at: Date | null;
      disabled_reason: string | null;
      smtp_error: string | null;
      imap_status: string | null;
      daily_limit: number;
    }[] = await this.manager.query(
      `SELECT id, from_email, label, status, disabled_at, disabled_reason, smtp_error, imap_status, daily_limit
         FROM mailboxes WHERE organization_id = $1 ORDER BY created_at, id`,
      [organizationId],
    );
    return rows.map((row) => ({
      id: row.id,
      fromEmail: row.from_email,
      label: row.label,
      status: row.status,
      disabledAt: row.disabled_at,
      disabledReason: row.disabled_reason,
      smtpError: row.smtp_error,
      imapStatus: row.imap_status,
      dailyLimit: row.daily_limit,
    }));
  }

  /** What the messages of these enrollments record: sends, and how many were opened, clicked and replied to. */
  async leadActivity(enrollmentIds: string[]): Promise<Map<string, LeadActivity>> {
    if (enrollmentIds.length === 0) return new Map();
    const rows: {
      id: string;
      contact_id: string;
      created_at: Date;
      sent: string;
      opened: string;
      clicked: string;
      replied: string;
    }[] = await this.manager.query(
      `SELECT enrollment.id, enrollment.contact_id, enrollment.created_at,
              count(message.id) FILTER (WHERE message.status IN ('sent', 'bounced')) AS sent,
              count(message.opened_at) AS opened, count(message.clicked_at) AS clicked,
              count(message.replied_at) AS replied
         FROM enrollments enrollment
         LEFT JOIN messages message ON message.enrollment_id = enrollment.id
        WHERE enrollment.id = ANY($1::uuid[])
        GROUP BY enrollment.id`,
      [enrollmentIds],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          enrollmentId: row.id,
          contactId: row.contact_id,
          enrolledAt: row.created_at,
          sent: Number(row.sent),
          opened: Number(row.opened),
          clicked: Number(row.clicked),
          replied: Number(row.replied),
        },
      ]),
    );
  }
}
