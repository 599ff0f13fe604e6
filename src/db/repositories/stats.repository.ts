import type { MatchConfidence } from '../entities/reply.entity';
import type { EntityManager } from 'typeorm';

/** Message outcomes of one step, or one variant of it. */
export interface SendCounts {
  sent: number;
  opened: number;
  clicked: number;
  replied: number;
  bounced: number;
  unsubscribed: number;
}

/** A campaign's enrollments by state, and its message outcomes (`unknown`: sends whose outcome an operator decides). */
export interface CampaignTotals extends SendCounts {
  pending: number;
  active: number;
  completed: number;
  unknown: number;
}

export interface BatchStats {
  batchNumber: number;
  enrollments: number;
  pending: number;
  active: number;
  completed: number;
  replied: number;
  bounced: number;
  skipped: number;
  stopped: number;
  sent: number;
}

export interface StepStats extends SendCounts {
  position: number;
  variants: (SendCounts & { label: string })[];
}

export interface BounceRow {
  enrollmentId: string;
  contactId: string;
  email: string;
  stepPosition: number;
  bouncedAt: Date;
  smtpResponse: string | null;
}

const SEND_COUNTS = `count(*) FILTER (WHERE status IN ('sent', 'bounced')) AS sent,
              count(*) FILTER (WHERE opened_at IS NOT NULL) AS opened,
              count(*) FILTER (WHERE clicked_at IS NOT NULL) AS clicked,
              count(*) FILTER (WHERE replied_at IS NOT NULL) AS replied,
              count(*) FILTER (WHERE bounced_at IS NOT NULL) AS bounced,
              count(*) FILTER (WHERE unsubscribed_at IS NOT NULL) AS unsubscribed`;

const sendCounts = (row: Record<string, string>): SendCounts => ({
  sent: Number(row.sent ?? 0),
  opened: Number(row.opened ?? 0),
  clicked: Number(row.clicked ?? 0),
  replied: Number(row.replied ?? 0),
  bounced: Number(row.bounced ?? 0),
  unsubscribed: Number(row.unsubscribed ?? 0),
});

export interface ReplyRow {
  enrollmentId: string;
  contactId: string;
  email: string;
  firstSentAt: Date;
  repliedAt: Date;
  reply: { fromEmail: string | null; subject: string; snippet: string; confidence: MatchConfidence } | null;
}

/** What a page of a campaign's messages may be narrowed to: one step, one outcome. */
export interface MessageFilter {
  /** Only these steps (positions). */
  steps?: number[] | undefined;
  outcome?: 'opened' | 'clicked' | 'replied' | 'unsubscribed' | 'bounced' | undefined;
  /** Sent at or after, and before, these times. */
  sentFrom?: Date | undefined;
  sentBefore?: Date | undefined;
}

/** One sent message with its lead and outcomes (the Smartlead-compatible statistics). */
export interface MessageStatRow {
  messageId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  category: string | null;
  stepPosition: number;
  stepAlias: number | null;
  variantLabel: string | null;
  subject: string;
  bodyHtml: string | null;
  bodyText: string | null;
  sentAt: Date | null;
  openedAt: Date | null;
  clickedAt: Date | null;
  repliedAt: Date | null;
  unsubscribedAt: Date | null;
  bouncedAt: Date | null;
}

/** The columns an outcome filter checks (fixed names, never user text). */
const OUTCOME_COLUMNS = {
  opened: 'opened_at',
  clicked: 'clicked_at',
  replied: 'replied_at',
  unsubscribed: 'unsubscribed_at',
  bounced: 'bounced_at',
} as const;

/** A campaign's enrollments by status, and those categorized interested. */
export interface LeadStatusCounts {
  byStatus: Map<string, number>;
  interested: number;
  /** Leads written to at least once, and those of them who opened and clicked a message. */
  sentLeads: number;
  openedLeads: number;
  clickedLeads: number;
}

export class StatsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Counts for one campaign: enrollments by state, and messages by outcome. */
  async campaignTotals(campaignId: string): Promise<CampaignTotals> {
    const [enrollments]: Record<string, string>[] = await this.manager.query(
      `SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
              count(*) FILTER (WHERE status IN ('active', 'paused')) AS active,
              count(*) FILTER (WHERE status = 'completed') AS completed
         FROM enrollments WHERE campaign_id = $1`,
      [campaignId],
    );
    const [messages]: Record<string, string>[] = await this.manager.query(
      `SELECT count(*) FILTER (WHERE status IN ('sent', 'bounced')) AS sent,
              count(*) FILTER (WHERE opened_at IS NOT NULL) AS opened,
              count(*) FILTER (WHERE clicked_at IS NOT NULL) AS clicked,
              count(*) FILTER (WHERE replied_at IS NOT NULL) AS replied,
              count(*) FILTER (WHERE bounced_at IS NOT NULL) AS bounced,
              count(*) FILTER (WHERE unsubscribed_at IS NOT NULL) AS unsubscribed,
              count(*) FILTER (WHERE status = 'unknown') AS unknown
         FROM messages WHERE campaign_id = $1`,
      [campaignId],
    );
    const number = (value: string | undefined): number => Number(value ?? 0);
    return {
      pending: number(enrollments?.pending),
      active: number(enrollments?.active),
      completed: number(enrollments?.completed),
      sent: number(messages?.sent),
      opened: number(messages?.opened),
      clicked: number(messages?.clicked),
      replied: number(messages?.replied),
      bounced: number(messages?.bounced),
      unsubscribed: number(messages?.unsubscribed),
      unknown: number(messages?.unknown),
    };
  }

  /** Enrollments and sends per batch. */
  async perBatch(campaignId: string): Promise<BatchStats[]> {
    const rows: Record<string, string>[] = await this.manager.query(
      `SELECT enrollment.batch_number,
              count(*) AS enrollments,
              count(*) FILTER (WHERE enrollment.status = 'pending') AS pending,
              count(*) FILTER (WHERE enrollment.status IN ('active', 'paused')) AS active,
              count(*) FILTER (WHERE enrollment.status = 'completed') AS completed,
              count(*) FILTER (WHERE enrollment.status = 'replied') AS replied,
              count(*) FILTER (WHERE enrollment.status = 'bounced') AS bounced,
              count(*) FILTER (WHERE enrollment.status = 'skipped') AS skipped,
              count(*) FILTER (WHERE enrollment.status IN ('stopped', 'unsubscribed', 'failed')) AS stopped,
              coalesce(sum(sends.sent), 0) AS sent
         FROM enrollments enrollment
         LEFT JOIN LATERAL (
           SELECT count(*) AS sent FROM messages message
            WHERE message.enrollment_id = enrollment.id AND message.status IN ('sent', 'bounced')
         ) sends ON true
        WHERE enrollment.campaign_id = $1
        GROUP BY enrollment.batch_number ORDER BY enrollment.batch_number`,
      [campaignId],
    );
    return rows.map((row) => ({
      batchNumber: Number(row.batch_number),
      enrollments: Number(row.enrollments),
      pending: Number(row.pending),
      active: Number(row.active),
      completed: Number(row.completed),
      replied: Number(row.replied),
      bounced: Number(row.bounced),
      skipped: Number(row.skipped),
      stopped: Number(row.stopped),
      sent: Number(row.sent),
    }));
  }

  /** Sends per step, and per A/B variant within each step. */
  async perStep(campaignId: string): Promise<StepStats[]> {
    // GROUPING(variant_label) = 1 marks the per-step totals; 0 with a label, one variant's counts.
    const rows: Record<string, string>[] = await this.manager.query(
      `SELECT step_position, variant_label, GROUPING(variant_label) AS step_total, ${SEND_COUNTS}
         FROM messages WHERE campaign_id = $1
        GROUP BY GROUPING SETS ((step_position), (step_position, variant_label))
        ORDER BY step_position, step_total DESC, variant_label`,
      [campaignId],
    );
    const steps = new Map<number, StepStats>();
    for (const row of rows) {
      const position = Number(row.step_position);
      if (Number(row.step_total) === 1) steps.set(position, { position, ...sendCounts(row), variants: [] });
      else if (row.variant_label) steps.get(position)?.variants.push({ label: row.variant_label, ...sendCounts(row) });
    }
    return [...steps.values()];
  }

  /**
   * The campaign's latest hard bounces, with the SMTP answer that refused the message, or for a bounce reported
   * later by a delivery-status report, that report's diagnostic.
   */
  async recentBounces(campaignId: string, limit: number): Promise<BounceRow[]> {
    const rows: {
      enrollment_id: string;
      contact_id: string;
      to_email: string;
      step_position: number;
      bounced_at: Date;
      smtp_response: string | null;
    }[] = await this.manager.query(
      `SELECT message.enrollment_id, enrollment.contact_id, message.to_email, message.step_position,
              message.bounced_at,
              CASE WHEN message.status = 'bounced' THEN message.smtp_response
                   ELSE coalesce(report.diagnostic, report.status, message.smtp_response) END AS smtp_response
         FROM messages message JOIN enrollments enrollment ON enrollment.id = message.enrollment_id
         LEFT JOIN LATERAL (SELECT diagnostic, status FROM bounces
                             WHERE bounces.enrollment_id = message.enrollment_id AND bounces.kind = 'hard'
                             ORDER BY received_at LIMIT 1) report ON true
        WHERE message.campaign_id = $1 AND message.bounced_at IS NOT NULL
        ORDER BY message.bounced_at DESC LIMIT $2`,
      [campaignId, limit],
    );
    return rows.map((row) => ({
      enrollmentId: row.enrollment_id,
      contactId: row.contact_id,
      email: row.to_email,
      stepPosition: row.step_position,
      bouncedAt: row.bounced_at,
      smtpResponse: row.smtp_response,
    }));
  }

  /**
   * Replied enrollments with the time from their first message to the reply, and the first reply read over IMAP
   * (absent when the reply was reported by an integration).
   */
  async replies(campaignId: string, limit: number): Promise<ReplyRow[]> {
    const rows: {
      enrollment_id: string;
      contact_id: string;
      email: string;
      first_sent_at: Date;
      replied_at: Date;
      from_email: string | null;
      subject: string | null;
      snippet: string | null;
      confidence: MatchConfidence | null;
    }[] = await this.manager.query(
      `SELECT replied.*, reply.from_email, reply.subject, reply.snippet, reply.confidence
         FROM (SELECT enrollment.id AS enrollment_id, enrollment.contact_id, contact.email,
                      min(message.sent_at) AS first_sent_at, min(message.replied_at) AS replied_at
                 FROM enrollments enrollment
                 JOIN contacts contact ON contact.id = enrollment.contact_id
                 JOIN messages message ON message.enrollment_id = enrollment.id
                WHERE enrollment.campaign_id = $1
                GROUP BY enrollment.id, enrollment.contact_id, contact.email
               HAVING min(message.replied_at) IS NOT NULL AND min(message.sent_at) IS NOT NULL
                ORDER BY min(message.replied_at) DESC LIMIT $2) replied
         LEFT JOIN LATERAL (SELECT from_email, subject, snippet, confidence FROM replies
                             WHERE replies.enrollment_id = replied.enrollment_id AND kind = 'reply'
                             ORDER BY received_at LIMIT 1) reply ON true
        ORDER BY replied.replied_at DESC`,
      [campaignId, limit],
    );
    return rows.map((row) => ({
      enrollmentId: row.enrollment_id,
      contactId: row.contact_id,
      email: row.email,
      firstSentAt: row.first_sent_at,
      repliedAt: row.replied_at,
      reply:
        row.subject === null
          ? null
          : {
              fromEmail: row.from_email,
              subject: row.subject,
              snippet: row.snippet ?? '',
              confidence: row.confidence!,
            },
    }));
  }

  /** The campaign's sent (or bounced) messages, oldest send first, one page, and how many match. */
  async messagePage(
    campaignId: string,
    filter: MessageFilter,
    offset: number,
    limit: number,
  ): Promise<{ rows: MessageStatRow[]; total: number }> {
    const outcome = filter.outcome ? `AND message.${OUTCOME_COLUMNS[filter.outcome]} IS NOT NULL` : '';
    const where = `message.campaign_id = $1 AND message.status IN ('sent', 'bounced')
                   AND ($2::int[] IS NULL OR message.step_position = ANY($2::int[]))
                   AND ($3::timestamptz IS NULL OR message.sent_at >= $3)
                   AND ($4::timestamptz IS NULL OR message.sent_at < $4) ${outcome}`;
    const bound = [campaignId, filter.steps ?? null, filter.sentFrom ?? null, filter.sentBefore ?? null];
    const [rows, counted] = await Promise.all([
      this.manager.query<Record<string, unknown>[]>(
        `SELECT message.id, message.to_email, contact.fields->>'first_name' AS first_name,
                contact.fields->>'last_name' AS last_name, enrollment.category, message.step_position,
                step.alias AS step_alias, message.variant_label, message.subject, message.body_html,
                message.body_text, message.sent_at, message.opened_at, message.clicked_at, message.replied_at,
                message.unsubscribed_at, message.bounced_at
           FROM messages message
           JOIN enrollments enrollment ON enrollment.id = message.enrollment_id
           JOIN contacts contact ON contact.id = enrollment.contact_id
           LEFT JOIN sequence_steps step
             ON step.campaign_id = message.campaign_id AND step.position = message.step_position
          WHERE ${where}
          ORDER BY message.sent_at NULLS LAST, message.id
          OFFSET $5 LIMIT $6`,
        [...bound, offset, limit],
      ),
      this.manager.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM messages message WHERE ${where}`,
        bound,
      ),
    ]);
    const date = (value: unknown): Date | null => (value instanceof Date ? value : null);
    const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);
    return {
      total: counted[0]?.total ?? 0,
      rows: rows.map((row) => ({
        messageId: String(row.id),
        email: String(row.to_email),
        firstName: textOf(row.first_name),
        lastName: textOf(row.last_name),
        category: textOf(row.category),
        stepPosition: Number(row.step_position),
        stepAlias: row.step_alias === null ? null : Number(row.step_alias),
        variantLabel: textOf(row.variant_label),
        subject: String(row.subject),
        bodyHtml: textOf(row.body_html),
        bodyText: textOf(row.body_text),
        sentAt: date(row.sent_at),
        openedAt: date(row.opened_at),
        clickedAt: date(row.clicked_at),
        repliedAt: date(row.replied_at),
        unsubscribedAt: date(row.unsubscribed_at),
        bouncedAt: date(row.bounced_at),
      })),
    };
  }

  /** The campaign's enrollments by status, the interested ones, and the leads sent to, opening and clicking. */
  async leadCounts(campaignId: string): Promise<LeadStatusCounts> {
    const [statuses, leads] = await Promise.all([
      this.manager.query<{ status: string; n: number; interested: number }[]>(
        `SELECT status, count(*)::int AS n, count(*) FILTER (WHERE category = 'interested')::int AS interested
           FROM enrollments WHERE campaign_id = $1 AND removed_at IS NULL GROUP BY status`,
        [campaignId],
      ),
      this.manager.query<{ sent: number; opened: number; clicked: number }[]>(
        `SELECT count(DISTINCT enrollment_id)::int AS sent,
                count(DISTINCT enrollment_id) FILTER (WHERE opened_at IS NOT NULL)::int AS opened,
                count(DISTINCT enrollment_id) FILTER (WHERE clicked_at IS NOT NULL)::int AS clicked
           FROM messages WHERE campaign_id = $1 AND status IN ('sent', 'bounced')`,
        [campaignId],
      ),
    ]);
    return {
      byStatus: new Map(statuses.map((row) => [row.status, row.n])),
      interested: statuses.reduce((sum, row) => sum + row.interested, 0),
      sentLeads: leads[0]?.sent ?? 0,
      openedLeads: leads[0]?.opened ?? 0,
      clickedLeads: leads[0]?.clicked ?? 0,
    };
  }
}
