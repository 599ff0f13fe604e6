import { Column, Entity, Index } from 'typeorm';
import { InboundRecord } from './inbound-record';

/** hard: permanent failure (5.x.x); soft: temporary or delayed (4.x.x); complaint: an ARF spam report. */
export type BounceKind = 'hard' | 'soft' | 'complaint';

/** A delivery-status or feedback report read over IMAP and matched to the enrollment whose message it concerns. */
@Entity('bounces')
@Index('bounces_mailbox_id_inbound_message_id_key', ['mailboxId', 'inboundMessageId'], { unique: true })
@Index('bounces_campaign_id_received_at_idx', ['campaignId', 'receivedAt'])
@Index('bounces_enrollment_id_idx', ['enrollmentId'])
export class BounceEntity extends InboundRecord {
  @Column({ type: 'text' })
  kind!: BounceKind;

  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  /** The enhanced status code (5.1.1) or the complaint's feedback type. */
  @Column({ type: 'text', nullable: true })
  status!: string | null;

  @Column({ type: 'text', nullable: true })
  diagnostic!: string | null;
}
