import { Column, Entity, Index } from 'typeorm';
import { InboundRecord } from './inbound-record';

/**
 * A reply counts (and may stop the sequence); an auto-reply is only recorded; `unsubscribe` is a mail to the
 * List-Unsubscribe address (subject "unsubscribe").
 */
export const REPLY_KINDS = ['reply', 'auto_reply', 'unsubscribe'] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];
/** high: it names one of our Message-IDs in In-Reply-To/References; low: matched by its sender only. */
export const MATCH_CONFIDENCES = ['high', 'low'] as const;
export type MatchConfidence = (typeof MATCH_CONFIDENCES)[number];

/** An inbound message from a contact, read over IMAP and matched to the enrollment it answers. */
@Entity('replies')
@Index('replies_mailbox_id_inbound_message_id_key', ['mailboxId', 'inboundMessageId'], { unique: true })
@Index('replies_campaign_id_received_at_idx', ['campaignId', 'receivedAt'])
@Index('replies_enrollment_id_idx', ['enrollmentId'])
export class ReplyEntity extends InboundRecord {
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

  /** The text of its body, quotes included (null: read before bodies were kept). */
  @Column({ name: 'body_text', type: 'text', nullable: true })
  bodyText!: string | null;

  @Column({ type: 'text' })
  folder!: string;
}
