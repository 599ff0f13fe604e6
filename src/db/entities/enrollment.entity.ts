import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AliasColumn } from './alias-column';
import { CampaignEntity } from './campaign.entity';
import { ContactEntity } from './contact.entity';

export const ENROLLMENT_STATUSES = [
  'pending',
  'active',
  'paused',
  'replied',
  'bounced',
  'unsubscribed',
  'completed',
  'stopped',
  'failed',
  'skipped',
] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export const CATEGORY_SOURCES = ['manual', 'automatic'] as const;
export type CategorySource = (typeof CATEGORY_SOURCES)[number];

/** Statuses after which an enrollment never sends again. */
export const FINAL_ENROLLMENT_STATUSES: EnrollmentStatus[] = [
  'replied',
  'bounced',
  'unsubscribed',
  'completed',
  'stopped',
  'failed',
  'skipped',
];

@Entity('enrollments')
@Index('enrollments_campaign_id_contact_id_key', ['campaignId', 'contactId'], { unique: true })
@Index('enrollments_campaign_id_status_batch_number_idx', ['campaignId', 'status', 'batchNumber'])
@Index('enrollments_mailbox_id_contact_id_idx', ['mailboxId', 'contactId'])
@Index('enrollments_campaign_id_category_idx', ['campaignId', 'category'], { where: 'category IS NOT NULL' })
export class EnrollmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The Smartlead-compatible API's integer id of this row (read-only, generated). */
  @AliasColumn()
  alias!: number;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @ManyToOne(() => CampaignEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: CampaignEntity;

  @Index('enrollments_contact_id_idx')
  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @ManyToOne(() => ContactEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contact_id' })
  contact?: ContactEntity;

  @Column({ name: 'batch_number', type: 'integer', default: 1 })
  batchNumber!: number;

  @Column({ type: 'integer', default: 0 })
  priority!: number;

  @Column({ type: 'text', default: 'pending' })
  status!: EnrollmentStatus;

  /** Position of the last step sent; 0 before the first send. */
  @Column({ name: 'current_step', type: 'integer', default: 0 })
  currentStep!: number;

  @Column({ name: 'next_send_at', type: 'timestamptz', nullable: true })
  nextSendAt!: Date | null;

  /** The mailbox step 1 went out from; follow-ups keep it so they thread in the same conversation. */
  @Column({ name: 'mailbox_id', type: 'uuid', nullable: true })
  mailboxId!: string | null;

  @Column({ name: 'workflow_id', type: 'text' })
  workflowId!: string;

  /** Dispatched (or scheduled) and waiting in its campaign's start queue while still `pending`. */
  @Column({ name: 'start_requested_at', type: 'timestamptz', nullable: true })
  startRequestedAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** When the API last changed the status; older schedules recorded by the workflow leave the status alone. */
  @Column({ name: 'control_changed_at', type: 'timestamptz', nullable: true })
  controlChangedAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** The lead's category: a built-in one (`interested`…) or the organization's own label. */
  @Column({ type: 'text', nullable: true })
  category!: string | null;

  /** Who set the category: `manual` (the API), never overwritten by `automatic` (the reply classifier). */
  @Column({ name: 'category_source', type: 'text', nullable: true })
  categorySource!: CategorySource | null;

  @Column({ name: 'category_set_at', type: 'timestamptz', nullable: true })
  categorySetAt!: Date | null;

  /** When the lead was removed from the campaign; the row stays, with its history, so it is not enrolled again. */
  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
