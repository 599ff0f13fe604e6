import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { AliasColumn } from './alias-column';
import type { EventType } from './event.entity';

/** How deliveries are shaped: Standard Webhooks' `{type, timestamp, data}`, or Smartlead's payloads. */
export const WEBHOOK_FORMATS = ['standard', 'smartlead'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** An endpoint that receives the organization's events of some types, signed as in Standard Webhooks. */
@Entity('webhooks')
@Index('webhooks_organization_id_idx', ['organizationId'])
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The Smartlead-compatible API's integer id of this row (read-only, generated). */
  @AliasColumn()
  alias!: number;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  /** Only this campaign's events; null: the whole organization's. */
  @Column({ name: 'campaign_id', type: 'uuid', nullable: true })
  campaignId!: string | null;

  @Column({ type: 'text' })
  url!: string;

  @Column({ name: 'event_types', type: 'text', array: true })
  eventTypes!: EventType[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** `smartlead` for endpoints created through the Smartlead-compatible API: Smartlead's names and payloads. */
  @Column({ type: 'text', default: 'standard' })
  format!: WebhookFormat;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** The signing secret (`whsec_…`), sealed with the server's secret key. */
  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed!: string;

  /** Why the endpoint was disabled by the server (e.g. it answered 410 Gone); null when enabled or disabled by hand. */
  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
