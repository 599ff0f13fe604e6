import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * The outbox life of one step's email:
 * `sending` is written before SMTP is spoken to, so a row still `sending` after a crash means the outcome is unknown;
 * `sent` / `bounced` / `failed` are settled outcomes; `unknown` is a crashed send flagged for review, never re-sent.
 */
export const MESSAGE_STATUSES = ['sending', 'sent', 'bounced', 'failed', 'unknown'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Every status but `failed` may have reached the recipient: these count against daily and monthly limits. */
export const COUNTED_SEND_STATUSES: MessageStatus[] = ['sending', 'sent', 'unknown', 'bounced'];

@Entity('messages')
@Index('messages_enrollment_id_step_position_key', ['enrollmentId', 'stepPosition'], { unique: true })
@Index('messages_campaign_id_status_idx', ['campaignId', 'status'])
@Index('messages_mailbox_id_sent_at_idx', ['mailboxId', 'sentAt'])
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @Column({ name: 'step_position', type: 'integer' })
  stepPosition!: number;

  @Column({ name: 'mailbox_id', type: 'uuid' })
  mailboxId!: string;

  /** The RFC 5322 Message-ID, angle brackets included; chosen before the send so replies can be matched. */
  @Index('messages_message_id_key', { unique: true })
  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ type: 'text' })
  status!: MessageStatus;

  @Column({ name: 'to_email', type: 'text' })
  toEmail!: string;

  @Column({ type: 'text' })
  subject!: string;

  /** The A/B variant sent, when the step has variants. */
  @Column({ name: 'variant_label', type: 'text', nullable: true })
  variantLabel!: string | null;

  /** The text part as sent (null: sent before bodies were kept, or a send interrupted before it settled). */
  @Column({ name: 'body_text', type: 'text', nullable: true })
  bodyText!: string | null;

  /** The HTML part as sent, without the open pixel and tracked links; null as `bodyText`, or a text-only send. */
  @Column({ name: 'body_html', type: 'text', nullable: true })
  bodyHtml!: string | null;

  @Column({ name: 'smtp_response', type: 'text', nullable: true })
  smtpResponse!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'opened_at', type: 'timestamptz', nullable: true })
  openedAt!: Date | null;

  @Column({ name: 'clicked_at', type: 'timestamptz', nullable: true })
  clickedAt!: Date | null;

  @Column({ name: 'replied_at', type: 'timestamptz', nullable: true })
  repliedAt!: Date | null;

  /** When the recipient used this message's unsubscribe link (or its List-Unsubscribe). */
  @Column({ name: 'unsubscribed_at', type: 'timestamptz', nullable: true })
  unsubscribedAt!: Date | null;

  @Column({ name: 'bounced_at', type: 'timestamptz', nullable: true })
  bouncedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
