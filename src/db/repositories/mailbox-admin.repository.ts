import type { EntityManager } from 'typeorm';
import { MailboxEntity } from '../entities/mailbox.entity';
import { effectiveDailyLimitSql, warmupDaySql } from './mailbox-limits';
import type { MailboxSettings } from './mailbox.repository';

/** A campaign a mailbox is attached to, as the mailbox's own view names it. */
export interface CampaignRef {
  id: string;
  name: string;
}

/** What a mailbox's view shows of its health beside its columns. */
export interface MailboxHealthRow {
  /** New conversations it may start today: its daily limit, or less while it warms up. */
  effectiveDailyLimit: number;
  /** Whole days since its warm-up started, in its zone (0 on the start day). */
  warmupDay: number;
  /** Its last settled sends (at most the window) since its health window began, and how many of them bounced. */
  sent: number;
  bounced: number;
}

/** The columns a user may change on a mailbox (the status and error bookkeeping comes with them). */
export type MailboxChanges = Partial<
  MailboxSettings & Pick<MailboxEntity, 'status' | 'disabledAt' | 'disabledReason' | 'smtpError' | 'smtpErrorAt'>
> &
  Partial<Pick<MailboxEntity, 'healthSince'>>;

/**
 * The mailboxes as a resource of their own: looked up within an organization, created, changed and deleted, and
 * attached to and detached from campaigns. The send path's reads and bookkeeping stay in MailboxRepository.
 */
export class MailboxAdminRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The organization's mailbox, or null (another organization's too). */
  find(organizationId: string, id: string): Promise<MailboxEntity | null> {
    return this.manager.findOneBy(MailboxEntity, { organizationId, id });
  }

  /** The organization's mailbox for this SMTP account (host and username), or null. */
  findByAccount(organizationId: string, smtpHost: string, smtpUsername: string): Promise<MailboxEntity | null> {
    return this.manager.findOneBy(MailboxEntity, { organizationId, smtpHost, smtpUsername });
  }

  async insert(settings: MailboxSettings): Promise<MailboxEntity> {
    const saved = await this.manager.insert(MailboxEntity, settings);
    return this.manager.findOneByOrFail(MailboxEntity, { id: saved.identifiers[0]!.id as string });
  }

  async update(id: string, changes: MailboxChanges): Promise<MailboxEntity> {
    if (Object.keys(changes).length > 0) await this.manager.update(MailboxEntity, { id }, changes);
    return this.manager.findOneByOrFail(MailboxEntity, { id });
  }

  /** Deletes the mailbox; its campaign links and counters go with it. */
  async delete(id: string): Promise<void> {
    await this.manager.delete(MailboxEntity, { id });
  }

  /** Whether any message was ever sent (or tried) from the mailbox: its history keeps referring to it. */
  async hasMessages(id: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query('SELECT 1 FROM messages WHERE mailbox_id = $1 LIMIT 1', [id]);
    return rows.length > 0;
  }

  /** The campaigns each mailbox is attached to, oldest first. */
  async campaignsUsing(mailboxIds: string[]): Promise<Map<string, CampaignRef[]>> {
    const rows: { mailbox_id: string; id: string; name: string }[] =
      mailboxIds.length === 0
        ? []
        : await this.manager.query(
            `SELECT link.mailbox_id, campaign.id, campaign.name
               FROM campaign_mailboxes link JOIN campaigns campaign ON campaign.id = link.campaign_id
              WHERE link.mailbox_id = ANY($1::uuid[])
              ORDER BY campaign.created_at, campaign.id`,
            [mailboxIds],
          );
    const using = new Map<string, CampaignRef[]>(mailboxIds.map((id) => [id, []]));
    for (const row of rows) using.get(row.mailbox_id)!.push({ id: row.id, name: row.name });
    return using;
  }

  /**
   * Each mailbox's limit today and its bounce figures over its last `window` settled sends since its health window
   * began (counted as MailboxRepository.sendHealth counts them for the automatic disable), in one query.
   */
  async health(mailboxIds: string[], now: Date, window: number): Promise<Map<string, MailboxHealthRow>> {
    const rows: { id: string; day_limit: number; warmup_day: number; sent: number; bounced: number }[] =
      mailboxIds.length === 0
        ? []
        : await this.manager.query(
            `SELECT mailbox.id, ${effectiveDailyLimitSql('$2')} AS day_limit, ${warmupDaySql('$2')} AS warmup_day,
                    recent.sent, recent.bounced
               FROM mailboxes mailbox
               CROSS JOIN LATERAL (
                 SELECT count(*)::int AS sent,
                        count(*) FILTER (WHERE last.status = 'bounced' OR last.bounced_at IS NOT NULL)::int AS bounced
                   FROM (SELECT message.status, message.bounced_at FROM messages message
                          WHERE message.mailbox_id = mailbox.id AND message.status IN ('sent', 'bounced')
                            AND coalesce(message.sent_at, message.updated_at)
                                >= coalesce(mailbox.health_since, '-infinity')
                          ORDER BY coalesce(message.sent_at, message.updated_at) DESC LIMIT $3) last) recent
              WHERE mailbox.id = ANY($1::uuid[])`,
            [mailboxIds, now, window],
          );
    return new Map(
      rows.map((row) => [
        row.id,
        { effectiveDailyLimit: row.day_limit, warmupDay: row.warmup_day, sent: row.sent, bounced: row.bounced },
      ]),
    );
  }

  /** The outcome of a check of the mailbox's SMTP account (never its status: see MailboxCheckService). */
  async recordSmtpCheck(id: string, check: { ok: boolean; response: string; at: Date }): Promise<void> {
    await this.manager.update(
      MailboxEntity,
      { id },
      { smtpCheckOk: check.ok, smtpCheckResponse: check.response, smtpCheckedAt: check.at },
    );
  }

  /** Attaches the mailbox to the campaign; false when it already was. */
  async attach(campaignId: string, mailboxId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `INSERT INTO campaign_mailboxes (campaign_id, mailbox_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING mailbox_id`,
      [campaignId, mailboxId],
    );
    return rows.length > 0;
  }

  /** Detaches the mailbox from the campaign; false when it was not attached. */
  async detach(campaignId: string, mailboxId: string): Promise<boolean> {
    const [, count]: [unknown[], number] = await this.manager.query(
      'DELETE FROM campaign_mailboxes WHERE campaign_id = $1 AND mailbox_id = $2',
      [campaignId, mailboxId],
    );
    return count > 0;
  }

  /** Whether the campaign sends from the mailbox. */
  async isAttached(campaignId: string, mailboxId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      'SELECT 1 FROM campaign_mailboxes WHERE campaign_id = $1 AND mailbox_id = $2',
      [campaignId, mailboxId],
    );
    return rows.length > 0;
  }

  /**
   * Moves the campaign's unfinished enrollments whose conversation is on `from` to the `to` mailboxes, spread evenly
   * (in enrollment order, round robin): their next follow-ups go from there. Returns how many moved.
   */
  async reassignConversations(campaignId: string, from: string, to: string[]): Promise<number> {
    const [, count]: [unknown[], number] = await this.manager.query(
      `UPDATE enrollments enrollment SET mailbox_id = ($3::uuid[])[1 + (numbered.n % cardinality($3::uuid[]))],
              updated_at = now()
         FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM enrollments
                WHERE campaign_id = $1 AND mailbox_id = $2 AND status IN ('pending', 'active', 'paused')) numbered
        WHERE enrollment.id = numbered.id`,
      [campaignId, from, to],
    );
    return count;
  }
}
