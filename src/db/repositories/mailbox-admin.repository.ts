import type { EntityManager } from 'typeorm';
import { MailboxEntity } from '../entities/mailbox.entity';
import type { MailboxSettings } from './mailbox.repository';

/** A campaign a mailbox is attached to, as the mailbox's own view names it. */
export interface CampaignRef {
  id: string;
  name: string;
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
