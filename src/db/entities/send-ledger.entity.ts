import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row per (enrollment, step) ever claimed, kept when its campaign is deleted: what daily, `max_new_per_day` and
 * monthly limits count. `counted` is false once the attempt settled as failed (nothing reached the recipient). The
 * per-day counters of step 1s (`mailbox_days`, `campaign_days`) hold the number of counted entries of each day.
 */
@Entity('send_ledger')
@Index('send_ledger_mailbox_id_claimed_at_idx', ['mailboxId', 'claimedAt'], { where: 'counted' })
@Index('send_ledger_campaign_id_claimed_at_idx', ['campaignId', 'claimedAt'], { where: 'counted' })
@Index('send_ledger_organization_id_claimed_at_idx', ['organizationId', 'claimedAt'], { where: 'counted' })
export class SendLedgerEntity {
  @PrimaryColumn({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @PrimaryColumn({ name: 'step_position', type: 'integer' })
  stepPosition!: number;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  /** No foreign key: the entry outlives the campaign. */
  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @Column({ name: 'mailbox_id', type: 'uuid' })
  mailboxId!: string;

  @Column({ type: 'boolean' })
  counted!: boolean;

  @Column({ name: 'claimed_at', type: 'timestamptz' })
  claimedAt!: Date;

  /** A step 1's day in its mailbox's zone and in its campaign's: the counters a failed attempt gives its slot back to. */
  @Column({ name: 'mailbox_day', type: 'date', nullable: true })
  mailboxDay!: string | null;

  @Column({ name: 'campaign_day', type: 'date', nullable: true })
  campaignDay!: string | null;
}
