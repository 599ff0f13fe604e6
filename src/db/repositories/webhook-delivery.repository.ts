import type { EntityManager } from 'typeorm';
import type { EventType } from '../entities/event.entity';

/** An endpoint as its delivery job needs it: where to post, whether to, and its sealed signing secret. */
export interface DeliveryEndpoint {
  id: string;
  url: string;
  enabled: boolean;
  secretSealed: string;
}

/** A pending delivery at the front of its endpoint's queue, with the event it carries. */
export interface QueuedDelivery {
  id: string;
  eventId: string;
  attempts: number;
  nextAttemptAt: Date;
  /** When the event was queued for this endpoint (the retry window counts from then). */
  queuedAt: Date;
  event: { type: EventType; occurredAt: Date; data: Record<string, unknown> };
}

/** What one attempt got back: the status code (null when none came), how long it took, why it failed. */
export interface DeliveryAttempt {
  at: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** Where a delivery stands after an attempt: done, to be tried again at a time, or given up. */
export type DeliveryVerdict =
  { status: 'delivered' } | { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' };

interface QueueRow {
  id: string;
  event_id: string;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  type: EventType;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/** The delivery queue of each webhook endpoint (the worker's side). */
export class WebhookDeliveryRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The endpoint, or null when it was deleted. */
  async endpoint(webhookId: string): Promise<DeliveryEndpoint | null> {
    const [row] = await this.manager.query<{ id: string; url: string; enabled: boolean; secret_sealed: string }[]>(
      `SELECT id, url, enabled, secret_sealed FROM webhooks WHERE id = $1`,
      [webhookId],
    );
    return row ? { id: row.id, url: row.url, enabled: row.enabled, secretSealed: row.secret_sealed } : null;
  }

  /**
   * The endpoint's first `limit` pending deliveries in event order, due or not (the first one says when the queue
   * may move), with their events.
   */
  async queue(webhookId: string, limit: number): Promise<QueuedDelivery[]> {
    const rows = await this.manager.query<QueueRow[]>(
      `SELECT delivery.id, delivery.event_id, delivery.attempts, delivery.next_attempt_at, delivery.created_at,
              event.type, event.occurred_at, event.data
         FROM webhook_deliveries delivery
         JOIN events event ON event.id = delivery.event_id
        WHERE delivery.webhook_id = $1 AND delivery.status = 'pending'
        ORDER BY delivery.event_id
        LIMIT $2`,
      [webhookId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      eventId: String(row.event_id),
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      queuedAt: row.created_at,
      event: { type: row.type, occurredAt: row.occurred_at, data: row.data },
    }));
  }

  /**
   * Records an attempt and its verdict. Only over the state it was read in (still pending, same attempt count):
   * an attempt overtaken by another (a retried activity whose first run was still going) records nothing.
   * Returns whether it was recorded.
   */
  async recordAttempt(
    delivery: Pick<QueuedDelivery, 'id' | 'attempts'>,
    attempt: DeliveryAttempt,
    verdict: DeliveryVerdict,
  ): Promise<boolean> {
    const [, affected] = await this.manager.query<[unknown, number]>(
      `UPDATE webhook_deliveries
          SET attempts = attempts + 1,
              last_attempt_at = $3,
              last_status_code = $4,
              last_latency_ms = $5,
              last_error = $6,
              status = $7,
              next_attempt_at = COALESCE($8, next_attempt_at),
              delivered_at = CASE WHEN $7 = 'delivered' THEN $3 ELSE delivered_at END
        WHERE id = $1 AND status = 'pending' AND attempts = $2`,
      [
        delivery.id,
        delivery.attempts,
        attempt.at,
        attempt.statusCode,
        attempt.latencyMs,
        attempt.error,
        verdict.status,
        verdict.status === 'pending' ? verdict.nextAttemptAt : null,
      ],
    );
    return affected > 0;
  }

  /** Disables the endpoint, saying why (it answered 410 Gone); its pending deliveries wait for it to be re-enabled. */
  async disableEndpoint(webhookId: string, reason: string): Promise<void> {
    await this.manager.query(
      `UPDATE webhooks SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1 AND enabled`,
      [webhookId, reason],
    );
  }

  /** Enabled endpoints with deliveries pending: their jobs are woken when a worker starts. */
  async endpointsWithPending(): Promise<string[]> {
    const rows = await this.manager.query<{ id: string }[]>(
      `SELECT webhook.id FROM webhooks webhook
        WHERE webhook.enabled
          AND EXISTS (SELECT 1 FROM webhook_deliveries delivery
                       WHERE delivery.webhook_id = webhook.id AND delivery.status = 'pending')`,
    );
    return rows.map((row) => row.id);
  }
}
