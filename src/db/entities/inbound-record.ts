import { Column, CreateDateColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * What a reply and a bounce report record alike: the mailbox it was read from, its own Message-ID (unique per
 * mailbox, so a rescan never records it twice), and the enrollment and message it concerns. Not a table itself:
 * `replies` and `bounces` each carry these columns.
 */
export abstract class InboundRecord {
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

  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  /** Our message it answers or reports on, when known. */
  @Column({ name: 'message_id', type: 'uuid', nullable: true })
  messageId!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
