import type { EntityManager } from 'typeorm';
import type { EventType } from '../entities/event.entity';
import { WebhookEntity, type WebhookFormat } from '../entities/webhook.entity';
import type { WebhookDeliveryStatus } from '../entities/webhook-delivery.entity';

/** The fields of an endpoint the API writes; the secret is sealed by the caller. */
export interface WebhookFields {
  url: string;
  eventTypes: EventType[];
  campaignId: string | null;
  enabled: boolean;
  description: string | null;
  secretSealed: string;
  disabledReason: string | null;
  /** Set at creation only (absent: `standard`). */
  format?: WebhookFormat;
}

/** One delivery as the API shows it: the row and the type of the event it carries. */
export interface WebhookDeliveryRecord {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: EventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastLatencyMs: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: EventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const DELIVERY_COLUMNS = `delivery.id, delivery.webhook_id, delivery.event_id::text AS event_id, event.type AS event_type,
  delivery.status, delivery.attempts, delivery.next_attempt_at, delivery.last_attempt_at, delivery.last_status_code,
  delivery.last_latency_ms, delivery.last_error, delivery.delivered_at, delivery.created_at`;

/** Webhook endpoints: create, read, change, delete; their delivery log and retries (the API's side). */
export class WebhookRepository {
  constructor(private readonly manager: EntityManager) {}

  insert(organizationId: string, fields: WebhookFields): Promise<WebhookEntity> {
    return this.manager.save(this.manager.create(WebhookEntity, { organizationId, ...fields }));
  }

  /** The organization's endpoint, or null (another organization's too). */
  findById(organizationId: string, id: string): Promise<WebhookEntity | null> {
    return this.manager.findOneBy(WebhookEntity, { organizationId, id });
  }

  /** The organization's endpoints, oldest first. */
  list(organizationId: string): Promise<WebhookEntity[]> {
    return this.manager.find(WebhookEntity, { where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Writes the changed fields of the endpoint and answers it as stored. */
  async update(webhook: WebhookEntity, changes: Partial<WebhookFields>): Promise<WebhookEntity> {
    await this.manager.update(WebhookEntity, { id: webhook.id, organizationId: webhook.organizationId }, changes);
    return this.manager.findOneByOrFail(WebhookEntity, { id: webhook.id });
  }

  /** Deletes the endpoint (its deliveries go with it); false when the organization has no such endpoint. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    const result = await this.manager.delete(WebhookEntity, { organizationId, id });
    return (result.affected ?? 0) > 0;
  }

  /** One page of the endpoint's deliveries, newest event first, and how many there are (of `status`, when given). */
  async deliveries(
    webhookId: string,
    filter: { status?: WebhookDeliveryStatus | undefined; offset: number; limit: number },
  ): Promise<{ deliveries: WebhookDeliveryRecord[]; total: number }> {
    const status = filter.status ?? null;
    const [rows, counted] = await Promise.all([
      this.manager.query<DeliveryRow[]>(
        `SELECT ${DELIVERY_COLUMNS}
           FROM webhook_deliveries delivery
           JOIN events event ON event.id = delivery.event_id
          WHERE delivery.webhook_id = $1 AND ($2::text IS NULL OR delivery.status = $2)
          ORDER BY delivery.event_id DESC
          OFFSET $3 LIMIT $4`,
        [webhookId, status, filter.offset, filter.limit],
      ),
      this.manager.query<{ total: number }[]>(
        `SELECT count(*)::int AS total FROM webhook_deliveries
          WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2)`,
        [webhookId, status],
      ),
    ]);
    return { deliveries: rows.map(deliveryOf), total: counted[0]?.total ?? 0 };
  }

  /** One delivery of the endpoint, or null. */
  async delivery(webhookId: string, deliveryId: string): Promise<WebhookDeliveryRecord | null> {
    const rows: DeliveryRow[] = await this.manager.query(
      `SELECT ${DELIVERY_COLUMNS}
         FROM webhook_deliveries delivery
         JOIN events event ON event.id = delivery.event_id
        WHERE delivery.webhook_id = $1 AND delivery.id = $2`,
      [webhookId, deliveryId],
    );
    return rows[0] ? deliveryOf(rows[0]) : null;
  }

  /**
   * Queues a failed or pending delivery to go now (its attempts kept, so its history still reads true); a delivered
   * one is left as it is. Answers the delivery as it is afterwards, or null when the endpoint has no such delivery.
   */
  async requeue(webhookId: string, deliveryId: string): Promise<WebhookDeliveryRecord | null> {
    await this.manager.query(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now()
        WHERE webhook_id = $1 AND id = $2 AND status IN ('pending', 'failed')`,
      [webhookId, deliveryId],
    );
    return this.delivery(webhookId, deliveryId);
  }

  /** Whether the endpoint has deliveries waiting to go. */
  async hasPending(webhookId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'pending' LIMIT 1`,
      [webhookId],
    );
    return rows.length > 0;
  }
}

function deliveryOf(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastStatusCode: row.last_status_code,
    lastLatencyMs: row.last_latency_ms,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  };
}
