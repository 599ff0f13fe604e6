import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The outbox life of a reply an operator sends in a conversation: `pending` (recorded by the API, its workflow not
 * yet at it) → `sending` (written before SMTP is spoken to, so a row still `sending` after a crash means the outcome
 * is unknown) → `sent` / `bounced` / `failed` (nothing delivered; tried again) / `unknown` (never re-sent) /
 * `cancelled` (the contact may no longer be written to).
 */
export const MANUAL_REPLY_STATUSES = [
  'pending',
  'sending',
  'sent',
  'bounced',
  'failed',
  'unknown',
  'cancelled',
] as const;
export type ManualReplyStatus = (typeof MANUAL_REPLY_STATUSES)[number];

@Entity('manual_replies')
@Index('manual_replies_enrollment_id_idempotency_key_key', ['enrollmentId', 'idempotencyKey'], { unique: true })
export class ManualReplyEntity {
  /** Chosen by the API before the row is written: the workflow id and the Message-ID derive from it. */
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  /** The conversation's mailbox when the reply was asked for. */
  @Column({ name: 'mailbox_id', type: 'uuid' })
  mailboxId!: string;

  /** The client's `Idempotency-Key`: the same key on the same enrollment is the same reply. */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  /** Its RFC 5322 Message-ID, angle brackets included. */
  @Index('manual_replies_message_id_key', { unique: true })
  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  /** The Message-ID of the conversation's last message when the reply was asked for. */
  @Column({ name: 'in_reply_to', type: 'text' })
  inReplyTo!: string;

  /** The conversation's Message-IDs, oldest first, `inReplyTo` last. */
  @Column({ name: 'references', type: 'text', array: true })
  references!: string[];

  @Column({ name: 'to_email', type: 'text' })
  toEmail!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'body_text', type: 'text', nullable: true })
  bodyText!: string | null;

  @Column({ name: 'body_html', type: 'text', nullable: true })
  bodyHtml!: string | null;

  @Column({ type: 'text' })
  status!: ManualReplyStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** What the SMTP server last answered, or why the reply was not sent. */
  @Column({ name: 'smtp_response', type: 'text', nullable: true })
  smtpResponse!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
