import { In, type EntityManager } from 'typeorm';
import { MailboxEntity } from '../entities/mailbox.entity';
import { entityFromJson } from './json-rows';
import { effectiveDailyLimitSql } from './mailbox-limits';

/** What a step-1 claim looks for, and what it must not take. */
export interface FirstStepSearch {
  campaignId: string;
  now: Date;
  /** A mailbox that just failed this step: taken only when no other may send. */
  avoidMailboxId: string | null;
  /** Pass over mailboxes that owe a due follow-up (the send would make them rest, and the follow-up goes first). */
  yieldToFollowUps: boolean;
  /** Skip mailboxes another claim holds (`skip`), or wait for the first of them (`wait`). */
  locked: 'skip' | 'wait';
}

/** One of the campaign's mailboxes as a step-1 claim sees it: why it may or may not start a conversation now. */
export interface FirstStepOption {
  mailbox: MailboxEntity;
  sentToday: number;
  /** The new conversations it may start today: its daily limit, or less while it warms up. */
  limit: number;
  /** Today's date in the mailbox's zone (YYYY-MM-DD), the day a send now counts in. */
  day: string;
  owesFollowUp: boolean;
}

/**
 * The per-day counters of new conversations that daily limits and `max_new_per_day` are checked against: a claim
 * reserves its slot with a conditional increment, so the limits hold across workers without counting sends.
 */
export class SendQuotaRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Locks (until the transaction ends) and returns the campaign's mailbox that may start a conversation now with the
   * most room left today, or null. Claims of other mailboxes are not waited for: with `locked: 'skip'` a mailbox
   * another claim holds is passed over, so concurrent claims spread over the mailboxes instead of queueing.
   */
  async lockFirstStepMailbox(
    search: FirstStepSearch,
  ): Promise<{ mailbox: MailboxEntity; day: string; limit: number } | null> {
    const rows: { mailbox: Record<string, unknown>; day: string; day_limit: number }[] = await this.manager.query(
      `SELECT to_jsonb(mailbox) AS mailbox, (($2::timestamptz AT TIME ZONE mailbox.timezone)::date)::text AS day,
              ${LIMIT} AS day_limit
         FROM campaign_mailboxes link
         JOIN mailboxes mailbox ON mailbox.id = link.mailbox_id
         LEFT JOIN mailbox_days usage
           ON usage.mailbox_id = mailbox.id AND usage.day = ($2::timestamptz AT TIME ZONE mailbox.timezone)::date
        WHERE link.campaign_id = $1 AND mailbox.status = 'active'
          AND coalesce(usage.new_conversations, 0) < ${LIMIT}
          AND (mailbox.next_send_at IS NULL OR mailbox.next_send_at <= $2)
          AND (mailbox.sending_until IS NULL OR mailbox.sending_until <= $2)
          AND NOT ($4 AND ${OWES_FOLLOW_UP})
        ORDER BY mailbox.id IS NOT DISTINCT FROM $3, ${LIMIT} - coalesce(usage.new_conversations, 0) DESC,
                 mailbox.created_at, mailbox.id
        LIMIT 1
          FOR UPDATE OF mailbox ${search.locked === 'skip' ? 'SKIP LOCKED' : ''}`,
      [search.campaignId, search.now, search.avoidMailboxId, search.yieldToFollowUps],
    );
    const row = rows[0];
    return row
      ? { mailbox: entityFromJson(this.manager, MailboxEntity, row.mailbox), day: row.day, limit: row.day_limit }
      : null;
  }

  /** Every mailbox of the campaign with its usage today, without locks: why a claim found none to take. */
  async firstStepOptions(campaignId: string, now: Date): Promise<FirstStepOption[]> {
    const rows: { id: string; sent: number; day_limit: number; day: string; owes: boolean }[] =
      await this.manager.query(
        `SELECT mailbox.id, coalesce(usage.new_conversations, 0) AS sent, ${LIMIT} AS day_limit,
              (($2::timestamptz AT TIME ZONE mailbox.timezone)::date)::text AS day, ${OWES_FOLLOW_UP} AS owes
         FROM campaign_mailboxes link
         JOIN mailboxes mailbox ON mailbox.id = link.mailbox_id
         LEFT JOIN mailbox_days usage
           ON usage.mailbox_id = mailbox.id AND usage.day = ($2::timestamptz AT TIME ZONE mailbox.timezone)::date
        WHERE link.campaign_id = $1`,
        [campaignId, now],
      );
    const mailboxes = await this.manager.findBy(MailboxEntity, { id: In(rows.map((row) => row.id)) });
    const byId = new Map(mailboxes.map((mailbox) => [mailbox.id, mailbox]));
    return rows.map((row) => ({
      mailbox: byId.get(row.id)!,
      sentToday: row.sent,
      limit: row.day_limit,
      day: row.day,
      owesFollowUp: row.owes,
    }));
  }

  /**
   * Counts a new conversation in the mailbox's day, unless that would pass `dailyLimit`: false when the day is full.
   * The caller holds the mailbox's lock, so the check and the count are one step for every claim of the mailbox.
   */
  reserveMailboxDay(mailboxId: string, day: string, dailyLimit: number): Promise<boolean> {
    return this.reserve('mailbox_days', 'mailbox_id', mailboxId, day, dailyLimit);
  }

  /**
   * Counts a new conversation in the campaign's day, unless that would pass `maxNewPerDay`: false when the day is
   * full. The row's lock makes concurrent claims of the campaign check one after another, until each commits.
   */
  reserveCampaignDay(campaignId: string, day: string, maxNewPerDay: number): Promise<boolean> {
    return this.reserve('campaign_days', 'campaign_id', campaignId, day, maxNewPerDay);
  }

  private async reserve(
    table: 'mailbox_days' | 'campaign_days',
    key: 'mailbox_id' | 'campaign_id',
    id: string,
    day: string,
    limit: number,
  ): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `INSERT INTO ${table} AS counter (${key}, day, new_conversations)
       SELECT $1, $2, 1 WHERE $3 > 0
       ON CONFLICT (${key}, day) DO UPDATE SET new_conversations = counter.new_conversations + 1
        WHERE counter.new_conversations < $3
       RETURNING new_conversations`,
      [id, day, limit],
    );
    return rows.length > 0;
  }
}

/** The mailbox's (aliased `mailbox`) daily limit of new conversations today: less while it warms up. */
const LIMIT = effectiveDailyLimitSql('$2');

/** The mailbox (aliased `mailbox`) is the conversation mailbox of a running enrollment whose next step is due. */
const OWES_FOLLOW_UP = `EXISTS (SELECT 1 FROM enrollments owing
                                  WHERE owing.mailbox_id = mailbox.id AND owing.status = 'active'
                                    AND owing.current_step >= 1 AND owing.next_send_at <= $2)`;
