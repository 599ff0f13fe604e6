import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** hard: permanent failure (5.x.x); soft: temporary or delayed (4.x.x); complaint: an ARF spam report. */
export type BounceKind = 'hard' | 'soft' | 'complaint';

/** A delivery-status or feedback report read over IMAP and matched to the enrollment whose message it concerns. */
@Entity('bounces')
@Index('bounces_mailbox_id_inbound_message_id_key', ['mailboxId', 'inboundMessageId'], { unique: true })
@Index('bounces_campaign_id_received_at_idx', ['campaignId', 'receivedAt'])
export class BounceEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'mailbox_id', type: 'uuid' })
  mailboxId!: string;

  /** The report's Message-ID (or a digest of it): what makes a rescan harmless. */
  @Column({ name: 'inbound_message_id', type: 'text' })
  inboundMessageId!: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @Index('bounces_enrollment_id_idx')
  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ type: 'text' })
  kind!: BounceKind;

  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  /** The enhanced status code (5.1.1) or the complaint's feedback type. */
  @Column({ type: 'text', nullable: true })
  status!: string | null;

  @Column({ type: 'text', nullable: true })
  diagnostic!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
