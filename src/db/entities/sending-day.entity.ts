import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * New conversations (counted step-1 claims) a mailbox started on one day of its zone: what its daily limit is
 * checked against, and reserved in, by each claim.
 */
@Entity('mailbox_days')
export class MailboxDayEntity {
  @PrimaryColumn({ name: 'mailbox_id', type: 'uuid' })
  mailboxId!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ name: 'new_conversations', type: 'integer' })
  newConversations!: number;
}

/** New conversations a campaign started on one day of its zone: what `max_new_per_day` is checked against. */
@Entity('campaign_days')
export class CampaignDayEntity {
  @PrimaryColumn({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  @Column({ name: 'new_conversations', type: 'integer' })
  newConversations!: number;
}
