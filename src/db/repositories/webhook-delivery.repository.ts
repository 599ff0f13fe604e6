import type { EntityManager } from 'typeorm';
import type { EventType } from '../entities/event.entity';
import type { WebhookFormat } from '../entities/webhook.entity';

/** An endpoint as its delivery job needs it: where to post, whether to, and its sealed signing secret. */
export interface DeliveryEndpoint {
  id: string;
  url: string;
  enabled: boolean;
  secretSealed: string;
  format: WebhookFormat;
  /** Its integer alias and name (`description`): a Smartlead payload names its webhook. */
  alias: number;
  name: string | null;
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
  /** The integer aliases (and the campaign's name and status) of what the event is about, null when it names none. */
  about: EventAliases;
}

/** What a Smartlead-shaped payload names besides the event: read in the queue's query, by primary key. */
export interface EventAliases {
  campaign: { alias: number; name: string; status: string } | null;
  lead: number | null;
  campaignLead: number | null;
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
  campaign_alias: string | null;
  campaign_name: string | null;
  campaign_status: string | null;
  lead_alias: string | null;
  enrollment_alias: string | null;
}

/** The delivery queue of each webhook endpoint (the worker's side). */
export class WebhookDeliveryRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The endpoint, or null when it was deleted. */
  async endpoint(webhookId: string): Promise<DeliveryEndpoint | null> {
    const [row] = await this.manager.query<
      {
        id: string;
        url: string;
        enabled: boolean;
        secret_sealed: string;
        format: WebhookFormat;
        alias: string;
        description: string | null;
      }[]
    >(`SELECT id, url, enabled, secret_sealed, format, alias, description FROM webhooks WHERE id = $1`, [webhookId]);
    return row
      ? {
          id: row.id,
          url: row.url,
          enabled: row.enabled,
          secretSealed: row.secret_sealed,
          format: row.format,
          alias: Number(row.alias),
          name: row.description,
        }
      : null;
  }

  /**
   * The endpoint's first `limit` pending deliveries in event order, due or not (the first one says when the queue
   * may move), with their events.
   */
  async queue(webhookId: string, limit: number): Promise<QueuedDelivery[]> {
    const rows = await this.manager.query<QueueRow[]>(
      `SELECT delivery.id, delivery.event_id, delivery.attempts, delivery.next_attempt_at, delivery.created_at,
              event.type, event.occurred_at, event.data,
              campaign.alias AS campaign_alias, campaign.name AS campaign_name, campaign.status AS campaign_status,
              contact.alias AS lead_alias, enrollment.alias AS enrollment_alias
         FROM webhook_deliveries delivery
         JOIN events event ON event.id = delivery.event_id
         LEFT JOIN campaigns campaign ON campaign.id = event.campaign_id
         LEFT JOIN contacts contact ON contact.id = event.contact_id
         LEFT JOIN enrollments enrollment ON enrollment.id = event.enrollment_id
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
      about: {
        campaign:
          row.campaign_alias === null
            ? null
            : { alias: Number(row.campaign_alias), name: row.campaign_name ?? '', status: row.campaign_status ?? '' },
        lead: row.lead_alias === null ? null : Number(row.lead_alias),
        campaignLead: row.enrollment_alias === null ? null : Number(row.enrollment_alias),
      },
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
