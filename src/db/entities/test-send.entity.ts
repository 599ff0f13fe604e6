import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A test message (`test_send`): logged for the user, never part of a campaign's statistics or limits. */
@Entity('test_sends')
@Index('test_sends_campaign_id_created_at_idx', ['campaignId', 'createdAt'])
export class TestSendEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @Column({ name: 'step_position', type: 'integer' })
  stepPosition!: number;

  @Column({ name: 'variant_label', type: 'text', nullable: true })
  variantLabel!: string | null;

  @Column({ name: 'to_email', type: 'text' })
  toEmail!: string;

  @Column({ name: 'mailbox_id', type: 'uuid', nullable: true })
  mailboxId!: string | null;

  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  /** sent, rejected or failed. */
  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'smtp_response', type: 'text', nullable: true })
  smtpResponse!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
