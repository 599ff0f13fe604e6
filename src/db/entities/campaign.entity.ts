import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinTable,
  ManyToMany,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { numeric } from './column-types';
import { MailboxEntity } from './mailbox.entity';
import { SequenceStepEntity } from './sequence-step.entity';

export const CAMPAIGN_STATUSES = ['pending', 'active', 'paused', 'stopped', 'completed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

@Entity('campaigns')
@Index('campaigns_organization_id_created_at_idx', ['organizationId', 'createdAt'])
export class CampaignEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: CampaignStatus;

  /** Evergreen campaigns take new contacts at any time through `schedule_contacts`. */
  @Column({ type: 'boolean', default: false })
  evergreen!: boolean;

  @Column({ name: 'outreach_id', type: 'uuid', nullable: true })
  outreachId!: string | null;

  @Column({ name: 'min_wait_seconds', type: 'integer', default: 120 })
  minWaitSeconds!: number;

  @Column({ name: 'max_wait_seconds', type: 'integer', default: 420 })
  maxWaitSeconds!: number;

  @Column({ name: 'verify_email_mx', type: 'boolean', default: false })
  verifyEmailMx!: boolean;

  @Column({
    name: 'bounce_rate_threshold',
    type: 'numeric',
    precision: 5,
    scale: 2,
    default: 8.0,
    transformer: numeric,
  })
  bounceRateThreshold!: number;

  @OneToMany(() => SequenceStepEntity, (step) => step.campaign)
  steps?: SequenceStepEntity[];

  @ManyToMany(() => MailboxEntity)
  @JoinTable({
    name: 'campaign_mailboxes',
    joinColumn: { name: 'campaign_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'mailbox_id', referencedColumnName: 'id' },
  })
  mailboxes?: MailboxEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
