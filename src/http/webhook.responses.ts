import { z } from 'zod';
import {
  EVENT_TYPES,
  WEBHOOK_DELIVERY_STATUSES,
  type WebhookDeliveryRecord,
  type WebhookEntity,
  type WebhookTestResult,
} from '../domain/webhooks/webhook.service';
import { webhookMessageId } from '../domain/webhooks/webhook-delivery.service';
import { paginationResponse } from './enrollment.responses';
import { timestamp } from './response-fields';

const eventType = z.enum(EVENT_TYPES);

/** An endpoint as the API shows it; its secret only in the answers that made one. */
export const webhookResponse = z
  .object({
    id: z.uuid(),
    url: z.string(),
    event_types: z.array(eventType),
    campaign_id: z.uuid().nullable().meta({ description: "Only this campaign's events; null: the organization's." }),
    enabled: z.boolean(),
    format: z.enum(['standard', 'smartlead']).meta({
      description:
        "The body's shape: `standard` ({type, timestamp, data}), or `smartlead` for an endpoint created through the " +
        "Smartlead-compatible API (Smartlead's event names and fields). Both are signed as in Standard Webhooks.",
    }),
    disabled_reason: z.string().nullable().meta({
      description: 'Why the server disabled it (it answered 410 Gone); null when enabled or disabled by hand.',
    }),
    description: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Webhook' });
export type WebhookView = z.output<typeof webhookResponse>;

/** `POST /webhooks` and the secret's rotation: the endpoint and its signing secret, shown this once. */
export const webhookWithSecretResponse = webhookResponse.extend({
  secret: z.string().meta({
    description:
      'The signing secret (`whsec_` + base64): store it now, it is never shown again (rotate it to get a new one).',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
});

export const webhookListResponse = z.array(webhookResponse);

export const webhookDeletedResponse = z.object({ id: z.uuid(), deleted: z.literal(true) });

/** One event for one endpoint, and how its delivery went. */
export const webhookDeliveryResponse = z
  .object({
    id: z.uuid(),
    webhook_id: z.uuid(),
    event_id: z.string().meta({ description: 'The event: deliveries of an endpoint go in its order.' }),
    event_type: eventType,
    message_id: z.string().meta({
      description: 'The `webhook-id` header it is sent with, the same on every attempt: `evt_` + event_id.',
    }),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).meta({
      description: 'pending until a 2xx answer (delivered), or until its retries ran out (failed).',
    }),
    attempts: z.number().int(),
    next_attempt_at: timestamp.nullable().meta({ description: 'When it is tried next; null unless pending.' }),
    last_attempt_at: timestamp.nullable(),
    last_status_code: z.number().int().nullable().meta({ description: "The endpoint's last HTTP status; null: none." }),
    last_latency_ms: z.number().int().nullable(),
    last_error: z.string().nullable().meta({ description: 'Why the last attempt failed (timeout, refused host…).' }),
    delivered_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryView = z.output<typeof webhookDeliveryResponse>;

export const webhookDeliveriesPageResponse = z.object({
  deliveries: z.array(webhookDeliveryResponse),
  pagination: paginationResponse,
});

/** `POST /webhooks/{id}/test`: what the endpoint answered the sample. */
export const webhookTestResponse = z.object({
  webhook_id: z.uuid(),
  event_type: eventType,
  message_id: z.string().meta({ description: 'The `webhook-id` the sample was sent with (`evt_test_…`).' }),
  sent_at: timestamp,
  ok: z.boolean().meta({ description: 'The endpoint answered 2xx: a real delivery would count as delivered.' }),
  status_code: z.number().int().nullable().meta({ description: 'Its HTTP status; null when none came.' }),
  latency_ms: z.number().int(),
  error: z.string().nullable().meta({ description: 'Why no answer came: timeout, refused host, connection error…' }),
});
export type WebhookTestView = z.output<typeof webhookTestResponse>;

export function presentWebhook(webhook: WebhookEntity): WebhookView {
  return {
    id: webhook.id,
    url: webhook.url,
    event_types: webhook.eventTypes,
    campaign_id: webhook.campaignId,
    enabled: webhook.enabled,
    format: webhook.format,
    disabled_reason: webhook.disabledReason,
    description: webhook.description,
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
  };
}

export function presentDelivery(delivery: WebhookDeliveryRecord): WebhookDeliveryView {
  return {
    id: delivery.id,
    webhook_id: delivery.webhookId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    message_id: webhookMessageId(delivery.eventId),
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    last_attempt_at: delivery.lastAttemptAt?.toISOString() ?? null,
    last_status_code: delivery.lastStatusCode,
    last_latency_ms: delivery.lastLatencyMs,
    last_error: delivery.lastError,
    delivered_at: delivery.deliveredAt?.toISOString() ?? null,
    created_at: delivery.createdAt.toISOString(),
  };
}

export function presentTest(webhookId: string, test: WebhookTestResult): WebhookTestView {
  const { statusCode } = test.result;
  return {
    webhook_id: webhookId,
    event_type: test.eventType,
    message_id: test.messageId,
    sent_at: test.sentAt.toISOString(),
    ok: statusCode !== null && statusCode >= 200 && statusCode < 300,
    status_code: statusCode,
    latency_ms: Math.round(test.result.latencyMs),
    error: test.result.error,
  };
}
