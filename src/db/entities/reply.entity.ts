import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A reply counts (and may stop the sequence); an auto-reply is only recorded. */
/** `unsubscribe`: a mail to the List-Unsubscribe address (subject "unsubscribe"). */
export type ReplyKind = 'reply' | 'auto_reply' | 'unsubscribe';
/** high: it names one of our Message-IDs in In-Reply-To/References; low: matched by its sender only. */
export type MatchConfidence = 'high' | 'low';

/** An inbound message from a contact, read over IMAP and matched to the enrollment it answers. */
@Entity('replies')
@Index('replies_mailbox_id_inbound_message_id_key', ['mailboxId', 'inboundMessageId'], { unique: true })
@Index('replies_campaign_id_received_at_idx', ['campaignId', 'receivedAt'])
export class ReplyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'mailbox_id', type: 'uuid' })
  mailboxId!: string;

  /** The inbound Message-ID (or a digest of the message when it has none): what makes a rescan harmless. */
  @Column({ name: 'inbound_message_id', type: 'text' })
  inboundMessageId!: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @Index('replies_enrollment_id_idx')
  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  /** Our message it answers, when known. */
  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ type: 'text' })
  kind!: ReplyKind;

  @Column({ type: 'text' })
  confidence!: MatchConfidence;

  @Column({ name: 'from_email', type: 'text', nullable: true })
  fromEmail!: string | null;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  snippet!: string;

  @Column({ type: 'text' })
  folder!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
