import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Every kind of event: what analytics count and what webhooks deliver. The payload (`data`) of each is documented
 * with the webhook operations.
 */
export const EVENT_TYPES = [
  'email.sent',
  'email.opened',
  'email.clicked',
  'email.replied',
  'email.bounced',
  'email.complained',
  'lead.unsubscribed',
  'lead.category_changed',
  'enrollment.completed',
  'enrollment.stopped',
  'campaign.status_changed',
  'campaign.completed',
  'mailbox.disabled',
  'mailbox.error',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * One thing that happened, once. Written in the transaction of the change it reports; a trigger queues its webhook
 * deliveries in the same transaction (see the migration EventsAndWebhooks). The scope columns (campaign, mailbox,
 * enrollment, contact, step) are what analytics filter and group by; `data` is the webhook payload's `data`.
 */
@Entity('events')
@Index('events_dedupe_key_key', ['dedupeKey'], { unique: true, where: 'dedupe_key IS NOT NULL' })
export class EventEntity {
  /** Increasing: deliveries to an endpoint go in this order. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text' })
  type!: EventType;

  /** No foreign keys on the scope: an event outlives what it is about. */
  @Column({ name: 'campaign_id', type: 'uuid', nullable: true })
  campaignId!: string | null;

  @Column({ name: 'mailbox_id', type: 'uuid', nullable: true })
  mailboxId!: string | null;

  @Column({ name: 'enrollment_id', type: 'uuid', nullable: true })
  enrollmentId!: string | null;

  @Column({ name: 'contact_id', type: 'uuid', nullable: true })
  contactId!: string | null;

  @Column({ name: 'step_position', type: 'integer', nullable: true })
  stepPosition!: number | null;

  /** The recipient's domain, for email events: what analytics group by provider. */
  @Column({ name: 'recipient_domain', type: 'text', nullable: true })
  recipientDomain!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;

  /** Set for an event a retry may report again (e.g. `email.sent:<message id>`): the second insert is skipped. */
  @Column({ name: 'dedupe_key', type: 'text', nullable: true })
  dedupeKey!: string | null;
}
