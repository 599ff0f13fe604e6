import type { EntityManager } from 'typeorm';
import { MailboxEntity } from '../entities/mailbox.entity';
import { effectiveDailyLimitSql, warmupDaySql } from './mailbox-limits';

export type MailboxSettings = Omit<
  MailboxEntity,
  | 'id'
  | 'alias'
  | 'status'
  | 'nextSendAt'
  | 'sendingUntil'
  | 'sendingMessageId'
  | 'disabledAt'
  | 'disabledReason'
  | 'healthSince'
  | 'imapStatus'
  | 'imapError'
  | 'imapCheckedAt'
  | 'smtpError'
  | 'smtpErrorAt'
  | 'smtpCheckOk'
  | 'smtpCheckResponse'
  | 'smtpCheckedAt'
  | 'createdAt'
  | 'updatedAt'
>;

/** A mailbox's recent sends and how many of them bounced: what its health is judged on. */
export interface SendHealth {
  sent: number;
  bounced: number;
}

export interface MailboxUsage {
  mailbox: MailboxEntity;
  sentToday: number;
  /** The new conversations it may start today: its daily limit, or less while it warms up. */
  limitToday: number;
  /** Whole days since its warm-up started, in its zone (0 on the start day, and without a ramp). */
  warmupDay: number;
}

export class MailboxRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Mailboxes are unique per organization by SMTP host and username: the same account is updated, not duplicated.
   * The mailbox is shared by every campaign naming it, so settings the caller `omitted` keep their stored values
   * (IMAP and DKIM each as a group); their values in `settings` only serve a new mailbox.
   */
  async upsert(
    settings: MailboxSettings,
    omitted: readonly ('label' | 'fromName' | 'fromEmail' | 'dailyLimit' | 'imap' | 'dkim')[] = [],
  ): Promise<MailboxEntity> {
    const columnsOf = {
      label: ['label'],
      fromName: ['from_name'],
      fromEmail: ['from_email'],
      dailyLimit: ['daily_limit'],
      imap: ['imap_host', 'imap_port', 'imap_username', 'imap_password_encrypted', 'imap_security'],
      dkim: ['dkim_domain', 'dkim_selector', 'dkim_private_key_encrypted'],
    };
    // The claim reckons a mailbox's day in Postgres: a zone Postgres does not know (newer than its tz data) counts in
    // UTC rather than failing every claim.
    const zoneKnown: unknown[] = await this.manager.query('SELECT 1 FROM pg_timezone_names WHERE name = $1', [
      settings.timezone,
    ]);
    if (zoneKnown.length === 0) settings = { ...settings, timezone: 'UTC' };
    const given = Object.entries(columnsOf)
      .filter(([setting]) => !omitted.includes(setting as keyof typeof columnsOf))
      .flatMap(([, columns]) => columns);
    await this.manager
      .createQueryBuilder()
      .insert()
      .into(MailboxEntity)
      .values(settings)
      .orUpdate(
        ['smtp_port', 'smtp_security', 'smtp_password_encrypted', ...given, 'updated_at'],
        ['organization_id', 'smtp_host', 'smtp_username'],
      )
      .execute();
    // Settings given again are the fix for a mailbox its server refused (login, TLS): it is tried again.
    await this.manager.update(
      MailboxEntity,
      {
        organizationId: settings.organizationId,
        smtpHost: settings.smtpHost,
        smtpUsername: settings.smtpUsername,
        status: 'error',
      },
      { status: 'active', smtpError: null, smtpErrorAt: null },
    );
    return this.manager.findOneByOrFail(MailboxEntity, {
      organizationId: settings.organizationId,
      smtpHost: settings.smtpHost,
      smtpUsername: settings.smtpUsername,
    });
  }

  /** Re-enables the mailbox if the campaign uses it; null when it does not. */
  async reenable(campaignId: string, mailboxId: string): Promise<MailboxEntity | null> {
    const linked: unknown[] = await this.manager.query(
      'SELECT 1 FROM campaign_mailboxes WHERE campaign_id = $1 AND mailbox_id = $2',
      [campaignId, mailboxId],
    );
    if (linked.length === 0) return null;
    await this.manager.update(
      MailboxEntity,
      { id: mailboxId },
      // The bounce-rate window starts afresh, or the bounces that disabled it would disable it again at once.
      {
        status: 'active',
        disabledAt: null,
        disabledReason: null,
        smtpError: null,
        smtpErrorAt: null,
        healthSince: new Date(),
      },
    );
    return this.manager.findOneByOrFail(MailboxEntity, { id: mailboxId });
  }

  /**
   * Of the mailbox's last `window` settled sends since its health window began, how many bounced (at SMTP or
   * reported later by a delivery-status report).
   */
  async sendHealth(mailboxId: string, window: number): Promise<SendHealth> {
    // A send that bounced at SMTP has no sent_at: it counts from when it was settled.
    const rows: { sent: string; bounced: string }[] = await this.manager.query(
      `SELECT count(*) AS sent,
              count(*) FILTER (WHERE recent.status = 'bounced' OR recent.bounced_at IS NOT NULL) AS bounced
         FROM (SELECT message.status, message.bounced_at FROM messages message
                 JOIN mailboxes mailbox ON mailbox.id = message.mailbox_id
                WHERE message.mailbox_id = $1 AND message.status IN ('sent', 'bounced')
                  AND coalesce(message.sent_at, message.updated_at) >= coalesce(mailbox.health_since, '-infinity')
                ORDER BY coalesce(message.sent_at, message.updated_at) DESC LIMIT $2) recent`,
      [mailboxId, window],
    );
    return { sent: Number(rows[0]?.sent ?? 0), bounced: Number(rows[0]?.bounced ?? 0) };
  }

  /** Disables an active mailbox; returns it as it is now, or null when it was not active. */
  async disable(mailboxId: string, reason: string): Promise<MailboxEntity | null> {
    const result = await this.manager.update(
      MailboxEntity,
      { id: mailboxId, status: 'active' },
      { status: 'disabled', disabledAt: new Date(), disabledReason: reason },
    );
    return (result.affected ?? 0) > 0 ? this.manager.findOneBy(MailboxEntity, { id: mailboxId }) : null;
  }

  /**
   * The SMTP server refused the account itself (login, TLS, sender, host policy): the mailbox leaves the rotation
   * until its settings change or it is re-enabled. The reply is kept either way; true when this put it in `error`.
   */
  async recordSmtpError(mailboxId: string, reply: string): Promise<boolean> {
    const [rows]: [{ was: string }[], number] = await this.manager.query(
      `UPDATE mailboxes mailbox
          SET status = CASE WHEN mailbox.status = 'active' THEN 'error' ELSE mailbox.status END,
              smtp_error = $2, smtp_error_at = now(), updated_at = now()
         FROM mailboxes previous
        WHERE mailbox.id = $1 AND previous.id = mailbox.id
       RETURNING previous.status AS was`,
      [mailboxId, reply],
    );
    return rows[0]?.was === 'active';
  }

  /**
   * How the monitor's last IMAP session went; an error is kept until a session succeeds. True when this put the
   * mailbox's IMAP in `error` (it was not before).
   */
  async recordImapStatus(mailboxId: string, error: string | null): Promise<boolean> {
    const [rows]: [{ was: string | null }[], number] = await this.manager.query(
      `WITH previous AS (SELECT id, imap_status FROM mailboxes WHERE id = $1 FOR UPDATE)
       UPDATE mailboxes mailbox
          SET imap_status = CASE WHEN $2::text IS NULL THEN 'connected' ELSE 'error' END, imap_error = $2::text,
              imap_checked_at = now(), updated_at = now()
         FROM previous
        WHERE mailbox.id = previous.id
       RETURNING previous.imap_status AS was`,
      [mailboxId, error],
    );
    return error !== null && rows.length > 0 && rows[0]!.was !== 'error';
  }

  /** Mailboxes with IMAP settings (each has a monitor): all of them, or those these campaigns send from. */
  async withImap(campaignIds?: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.manager.query(
      `SELECT id FROM mailboxes mailbox
        WHERE imap_host IS NOT NULL
          AND ($1::uuid[] IS NULL OR EXISTS (SELECT 1 FROM campaign_mailboxes link
                                              WHERE link.mailbox_id = mailbox.id AND link.campaign_id = ANY($1::uuid[])))
        ORDER BY created_at`,
      [campaignIds ?? null],
    );
    return rows.map((row) => row.id);
  }

  /** Locks one mailbox row until the transaction ends and returns it fresh (its spacing is read under the lock). */
  async lockOne(id: string): Promise<MailboxEntity | null> {
    return this.manager
      .createQueryBuilder(MailboxEntity, 'mailbox')
      .setLock('pessimistic_write')
      .where('mailbox.id = :id', { id })
      .getOne();
  }

  /** Sets when the mailbox may send again (a test's way to make it rest or be free). */
  async restUntil(id: string, until: Date): Promise<void> {
    await this.manager.update(MailboxEntity, { id }, { nextSendAt: until });
  }

  /**
   * A claimed send whose rest must follow it: the mailbox rests until `restUntil` (counted from the claim) and is
   * held by the send (its Message-ID) until it ends, at the latest until `sendingUntil`, the send's time bound.
   */
  async startRestingSend(id: string, send: { messageId: string; restUntil: Date; sendingUntil: Date }): Promise<void> {
    await this.manager.update(
      MailboxEntity,
      { id },
      { nextSendAt: send.restUntil, sendingUntil: send.sendingUntil, sendingMessageId: send.messageId },
    );
  }

  /**
   * The send that `startRestingSend` marked is over: the rest counts again from `restUntil` (never shortened), and
   * the hold is released unless another send, claimed after it expired, holds the mailbox now.
   */
  async endRestingSend(id: string, messageId: string, restUntil: Date): Promise<void> {
    await this.manager.query(
      `UPDATE mailboxes
          SET next_send_at = greatest(next_send_at, $3),
              sending_until = CASE WHEN sending_message_id = $2 THEN NULL ELSE sending_until END,
              sending_message_id = CASE WHEN sending_message_id = $2 THEN NULL ELSE sending_message_id END
        WHERE id = $1`,
      [id, messageId, restUntil],
    );
  }

  /** A send cut short by a crash no longer holds the mailbox: its rest counts from its claim, as set then. */
  async abandonRestingSend(id: string, messageId: string): Promise<void> {
    await this.manager.update(
      MailboxEntity,
      { id, sendingMessageId: messageId },
      { sendingUntil: null, sendingMessageId: null },
    );
  }

  findById(id: string): Promise<MailboxEntity | null> {
    return this.manager.findOneBy(MailboxEntity, { id });
  }

  /** New conversations (step-1 sends) the mailbox started today, in its zone, across every campaign. */
  async sentToday(mailboxId: string, now = new Date()): Promise<number> {
    return (await this.newConversationsToday([mailboxId], now)).get(mailboxId)?.sent ?? 0;
  }

  /** The mailboxes a campaign sends from, oldest first. */
  forCampaign(campaignId: string): Promise<MailboxEntity[]> {
    return this.manager
      .createQueryBuilder(MailboxEntity, 'mailbox')
      .innerJoin('campaign_mailboxes', 'link', 'link.mailbox_id = mailbox.id')
      .where('link.campaign_id = :campaignId', { campaignId })
      .orderBy('mailbox.created_at')
      .addOrderBy('mailbox.id')
      .getMany();
  }

  /**
   * The campaign's mailboxes with the new conversations (step-1 sends) each started today in its zone, across every
   * campaign: what a mailbox's daily limit counts.
   */
  async usageForCampaign(campaignId: string, now = new Date()): Promise<MailboxUsage[]> {
    const mailboxes = await this.forCampaign(campaignId);
    const sent = await this.newConversationsToday(
      mailboxes.map((mailbox) => mailbox.id),
      now,
    );
    return mailboxes.map((mailbox) => ({
      mailbox,
      sentToday: sent.get(mailbox.id)?.sent ?? 0,
      limitToday: sent.get(mailbox.id)?.limit ?? mailbox.dailyLimit,
      warmupDay: sent.get(mailbox.id)?.warmupDay ?? 0,
    }));
  }

  /**
   * Every mailbox, or an organization's, oldest first, with the new conversations (step-1 sends) each started today
   * in its zone, across every campaign.
   */
  async usageForOrganization(organizationId: string | null, now = new Date()): Promise<MailboxUsage[]> {
    const mailboxes = await this.manager.find(MailboxEntity, {
      where: organizationId ? { organizationId } : {},
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const sent = await this.newConversationsToday(
      mailboxes.map((mailbox) => mailbox.id),
      now,
    );
    return mailboxes.map((mailbox) => ({
      mailbox,
      sentToday: sent.get(mailbox.id)?.sent ?? 0,
      limitToday: sent.get(mailbox.id)?.limit ?? mailbox.dailyLimit,
      warmupDay: sent.get(mailbox.id)?.warmupDay ?? 0,
    }));
  }

  /**
   * Step-1 sends per mailbox on today's date in its zone, across every campaign, from its day counter, and its limit
   * today (lower while it warms up).
   */
  private async newConversationsToday(
    mailboxIds: string[],
    now: Date,
  ): Promise<Map<string, { sent: number; limit: number; warmupDay: number }>> {
    if (mailboxIds.length === 0) return new Map();
    const rows: { mailbox_id: string; sent: number; day_limit: number; warmup_day: number }[] =
      await this.manager.query(
        `SELECT mailbox.id AS mailbox_id, coalesce(usage.new_conversations, 0) AS sent,
              ${effectiveDailyLimitSql('$2')} AS day_limit, ${warmupDaySql('$2')} AS warmup_day
         FROM mailboxes mailbox
         LEFT JOIN mailbox_days usage
           ON usage.mailbox_id = mailbox.id AND usage.day = ($2::timestamptz AT TIME ZONE mailbox.timezone)::date
        WHERE mailbox.id = ANY($1::uuid[])`,
        [mailboxIds, now],
      );
    return new Map(
      rows.map((row) => [row.mailbox_id, { sent: row.sent, limit: row.day_limit, warmupDay: row.warmup_day }]),
    );
  }
}
