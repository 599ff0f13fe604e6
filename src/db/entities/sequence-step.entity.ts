import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AliasColumn } from './alias-column';
import { numeric } from './column-types';
import { CampaignEntity } from './campaign.entity';

@Entity('sequence_steps')
@Index('sequence_steps_campaign_id_position_key', ['campaignId', 'position'], { unique: true })
export class SequenceStepEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The Smartlead-compatible API's integer id of this row (read-only, generated). */
  @AliasColumn()
  alias!: number;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @ManyToOne(() => CampaignEntity, (campaign) => campaign.steps, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: CampaignEntity;

  /** 1-based order within the campaign. */
  @Column({ type: 'integer' })
  position!: number;

  /** Wait after the previous step (or the enrollment start); fractional so tests can use seconds. */
  @Column({ name: 'delay_minutes', type: 'numeric', precision: 12, scale: 4, transformer: numeric })
  delayMinutes!: number;

  /** Null on a follow-up: it answers under step 1's subject (`Re: …`). */
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ name: 'body_html', type: 'text' })
  bodyHtml!: string;

  /** The plain-text part; null = generated from the HTML. */
  @Column({ name: 'body_text', type: 'text', nullable: true })
  bodyText!: string | null;

  /** The A/B variant every later send uses, once decided. */
  @Column({ name: 'winner_label', type: 'text', nullable: true })
  winnerLabel!: string | null;

  @Column({ name: 'winner_decided_at', type: 'timestamptz', nullable: true })
  winnerDecidedAt!: Date | null;
}
