import { z } from 'zod';
import type { WebhookService } from '../domain/webhooks/webhook.service';
import { operationsUsing, type PathParam } from './api-operation';
import {
  EXAMPLE_BODY,
  EXAMPLE_HEADERS,
  EXAMPLE_SECRET,
  eventCallbacks,
  eventsMarkdown,
  sampleData,
} from './webhook-events';
import {
  presentDelivery,
  presentTest,
  presentWebhook,
  webhookDeletedResponse,
  webhookDeliveriesPageResponse,
  webhookDeliveryResponse,
  webhookListResponse,
  webhookResponse,
  webhookTestResponse,
  webhookWithSecretResponse,
  type WebhookDeliveryView,
  type WebhookView,
} from './webhook.responses';
import { createWebhookSchema, deliveriesQuerySchema, testWebhookSchema, updateWebhookSchema } from './webhook.schemas';
import { presentPagination } from './enrollment.presenters';

const tag = 'Webhooks';

const EXAMPLE_WEBHOOK_ID = '1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a';
const EXAMPLE_DELIVERY_ID = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';

const webhookPath = {
  id: {
    schema: z.uuid().meta({ description: 'The webhook endpoint id.', example: EXAMPLE_WEBHOOK_ID }),
    notFound: 'webhook_not_found',
    what: 'Webhook',
  },
} as const satisfies Record<string, PathParam>;
const deliveryPath = {
  ...webhookPath,
  delivery_id: {
    schema: z.uuid().meta({ description: 'The delivery id.', example: EXAMPLE_DELIVERY_ID }),
    notFound: 'webhook_delivery_not_found',
    what: 'Webhook delivery',
  },
} as const satisfies Record<string, PathParam>;

const webhookExample: WebhookView = {
  id: EXAMPLE_WEBHOOK_ID,
  url: 'https://crm.example.com/hooks/sequencer',
  event_types: ['email.replied', 'email.bounced', 'lead.unsubscribed'],
  campaign_id: null,
  enabled: true,
  disabled_reason: null,
  description: 'Replies and bounces to the CRM',
  created_at: '2026-11-22T09:30:00.000Z',
  updated_at: '2026-11-22T09:30:00.000Z',
};
const withSecretExample = { ...webhookExample, secret: EXAMPLE_SECRET };
const deliveryExample: WebhookDeliveryView = {
  id: EXAMPLE_DELIVERY_ID,
  webhook_id: EXAMPLE_WEBHOOK_ID,
  event_id: '48213',
  event_type: 'email.replied',
  status: 'pending',
  attempts: 3,
  next_attempt_at: '2026-11-22T10:05:00.000Z',
  last_attempt_at: '2026-11-22T09:35:00.000Z',
  last_status_code: 503,
  last_latency_ms: 212,
  last_error: 'the endpoint answered 503 Service Unavailable',
  delivered_at: null,
  created_at: '2026-11-22T09:30:00.000Z',
};

const CREATE_DESCRIPTION = `An endpoint receives the organization's events of the types it subscribes to (only one
campaign's with \`campaign_id\`), each as a POST of JSON \`{type, timestamp, data}\`, signed as in the Standard
Webhooks specification (standardwebhooks.com), so its libraries verify it. The answer carries the signing
\`secret\` (\`whsec_…\`): it is shown this once (POST /webhooks/{id}/secret/rotate makes a new one).

**Events** (\`event_types\`); each one's \`data\` is documented with an example under this operation's callbacks:
${eventsMarkdown()}

**Delivery.** Each event is written in the transaction of the change it reports and queued for every enabled endpoint
that subscribes to it; an endpoint receives its events one at a time, in the order they happened. Any 2xx within 10 s
is delivered. Anything else (or no answer) is retried with exponential backoff for 26 hours, with the same
\`webhook-id\` each time: dedupe on it. 410 Gone disables the endpoint (\`disabled_reason\`); PATCH it with
\`"enabled": true\` to resume. GET /webhooks/{id}/deliveries shows each attempt's outcome.

**A delivered message**, as the endpoint receives it (signed with the example secret \`${EXAMPLE_SECRET}\`, so a
verifier can be tested against it):
\`\`\`
POST /hooks/sequencer HTTP/1.1
Content-Type: application/json
webhook-id: ${EXAMPLE_HEADERS['webhook-id']}
webhook-timestamp: ${EXAMPLE_HEADERS['webhook-timestamp']}
webhook-signature: ${EXAMPLE_HEADERS['webhook-signature']}

${EXAMPLE_BODY}
\`\`\`
To verify: HMAC-SHA256, keyed with the base64-decoded secret after \`whsec_\`, over
\`{webhook-id}.{webhook-timestamp}.{raw body}\`; compare its base64 with the part after \`v1,\` (constant-time), and
refuse a timestamp more than 5 minutes from now.`;

/** What the webhook operations use. */
export interface WebhookDeps {
  webhooks: WebhookService;
}
const operation = operationsUsing<WebhookDeps>();

/** `/webhooks`: signed, durable delivery of the organization's events. */
export const webhookOperations = [
  operation({
    method: 'get',
    path: '/webhooks',
    tag,
    summary: 'List webhook endpoints',
    description: "The organization's endpoints, oldest first. Secrets are never shown.",
    errors: [],
    response: { description: 'The endpoints.', data: webhookListResponse, example: [webhookExample] },
    handle: async ({ deps: { webhooks }, organizationId }) => ({
      data: (await webhooks.list(organizationId)).map(presentWebhook),
    }),
  }),
  operation({
    method: 'post',
    path: '/webhooks',
    tag,
    summary: 'Create a webhook endpoint',
    description: CREATE_DESCRIPTION,
    body: {
      schema: createWebhookSchema,
      example: {
        url: 'https://crm.example.com/hooks/sequencer',
        event_types: ['email.replied', 'email.bounced', 'lead.unsubscribed'],
        description: 'Replies and bounces to the CRM',
      },
    },
    errors: ['campaign_not_found'],
    response: {
      status: 201,
      description: 'The endpoint, with its signing secret: store it now, it is not shown again.',
      data: webhookWithSecretResponse,
      example: withSecretExample,
      message: 'Webhook created: store its secret now, it is not shown again.',
    },
    handle: async ({ deps: { webhooks }, organizationId, body }) => {
      const { webhook, secret } = await webhooks.create(organizationId, {
        url: body.url,
        eventTypes: body.event_types,
        campaignId: body.campaign_id,
        enabled: body.enabled,
        description: body.description,
      });
      return { data: { ...presentWebhook(webhook), secret }, status: 201 };
    },
    document: (generated) => ({ ...generated, callbacks: eventCallbacks() }),
  }),
  operation({
    method: 'get',
    path: '/webhooks/{id}',
    tag,
    summary: 'Get a webhook endpoint',
    params: webhookPath,
    errors: ['webhook_not_found'],
    response: { description: 'The endpoint.', data: webhookResponse, example: webhookExample },
    handle: async ({ deps: { webhooks }, organizationId, params }) => ({
      data: presentWebhook(await webhooks.get(organizationId, params.id)),
    }),
  }),
  operation({
    method: 'patch',
    path: '/webhooks/{id}',
    tag,
    summary: 'Change a webhook endpoint',
    description:
      'Each field left out keeps its value; a new url is vetted as at creation and receives what is still queued. ' +
      '`enabled: false` stops deliveries (events are not queued for it meanwhile); `enabled: true` re-enables it, ' +
      'clears `disabled_reason` and sends what waited in its queue, in order.',
    params: webhookPath,
    body: { schema: updateWebhookSchema, example: { enabled: true } },
    errors: ['webhook_not_found', 'campaign_not_found'],
    response: {
      description: 'The endpoint as changed.',
      data: webhookResponse,
      example: webhookExample,
      message: 'Webhook updated.',
    },
    handle: async ({ deps: { webhooks }, organizationId, params, body }) => ({
      data: presentWebhook(
        await webhooks.update(organizationId, params.id, {
          url: body.url,
          eventTypes: body.event_types,
          campaignId: body.campaign_id,
          enabled: body.enabled,
          description: body.description,
        }),
      ),
    }),
  }),
  operation({
    method: 'delete',
    path: '/webhooks/{id}',
    tag,
    summary: 'Delete a webhook endpoint',
    description: 'With its delivery log; what was still queued for it is not sent.',
    params: webhookPath,
    errors: ['webhook_not_found'],
    response: {
      description: 'Deleted.',
      data: webhookDeletedResponse,
      example: { id: EXAMPLE_WEBHOOK_ID, deleted: true },
      message: 'Webhook deleted.',
    },
    handle: async ({ deps: { webhooks }, organizationId, params }) => {
      await webhooks.delete(organizationId, params.id);
      return { data: { id: params.id, deleted: true as const } };
    },
  }),
  operation({
    method: 'post',
    path: '/webhooks/{id}/secret/rotate',
    tag,
    summary: "Rotate a webhook endpoint's secret",
    description:
      'Makes a new signing secret, returned this once; every delivery from now on (retries of earlier events too) is ' +
      'signed with it only, so update the receiver right away.',
    params: webhookPath,
    errors: ['webhook_not_found'],
    response: {
      description: 'The endpoint and its new secret.',
      data: webhookWithSecretResponse,
      example: withSecretExample,
      message: 'Secret rotated: store the new one now, it is not shown again.',
    },
    handle: async ({ deps: { webhooks }, organizationId, params }) => {
      const { webhook, secret } = await webhooks.rotateSecret(organizationId, params.id);
      return { data: { ...presentWebhook(webhook), secret } };
    },
  }),
  operation({
    method: 'post',
    path: '/webhooks/{id}/test',
    tag,
    summary: 'Send a test event',
    description:
      'POSTs a signed sample event (its documented example, with a `webhook-id` of `evt_test_…`) to the endpoint now, ' +
      'even while it is disabled, and answers what the endpoint returned. Nothing is recorded: it is no event, and ' +
      'a failure is still a 200 here (see `ok`).',
    params: webhookPath,
    body: { schema: testWebhookSchema, example: { event_type: 'email.replied' }, optional: true },
    errors: ['webhook_not_found'],
    response: {
      description: 'What the endpoint answered.',
      data: webhookTestResponse,
      example: {
        webhook_id: EXAMPLE_WEBHOOK_ID,
        event_type: 'email.replied',
        message_id: 'evt_test_7d1f0c52-3a4b-4c5d-9e6f-708192a3b4c5',
        sent_at: '2026-11-22T09:30:00.000Z',
        ok: true,
        status_code: 204,
        latency_ms: 87,
        error: null,
      },
    },
    handle: async ({ deps: { webhooks }, organizationId, params, body }) => ({
      data: presentTest(params.id, await webhooks.test(organizationId, params.id, body.event_type, sampleData)),
    }),
  }),
  operation({
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    tag,
    summary: "Page through a webhook endpoint's deliveries",
    description:
      'Newest event first; `per_page` is at most 500. Each delivery is one event for this endpoint: its status, ' +
      "attempts, the endpoint's last answer, and when it is tried next.",
    params: webhookPath,
    query: deliveriesQuerySchema,
    errors: ['webhook_not_found'],
    response: {
      description: 'One page of deliveries.',
      data: webhookDeliveriesPageResponse,
      example: {
        deliveries: [deliveryExample],
        pagination: { current_page: 1, per_page: 100, total_pages: 1, total: 1 },
      },
    },
    handle: async ({ deps: { webhooks }, organizationId, params, query }) => {
      const { deliveries, total } = await webhooks.deliveries(organizationId, params.id, {
        status: query.status,
        page: query.page,
        perPage: query.per_page,
      });
      return {
        data: {
          deliveries: deliveries.map(presentDelivery),
          pagination: presentPagination(query.page, query.per_page, total),
        },
      };
    },
  }),
  operation({
    method: 'get',
    path: '/webhooks/{id}/deliveries/{delivery_id}',
    tag,
    summary: 'Get a webhook delivery',
    params: deliveryPath,
    errors: ['webhook_not_found', 'webhook_delivery_not_found'],
    response: { description: 'The delivery.', data: webhookDeliveryResponse, example: deliveryExample },
    handle: async ({ deps: { webhooks }, organizationId, params }) => ({
      data: presentDelivery(await webhooks.delivery(organizationId, params.id, params.delivery_id)),
    }),
  }),
  operation({
    method: 'post',
    path: '/webhooks/{id}/deliveries/{delivery_id}/retry',
    tag,
    summary: 'Retry a webhook delivery',
    description:
      'A failed (or pending) delivery goes again now: pending again, due now, its attempts kept, with the same ' +
      '`webhook-id`; it goes before the later events still queued for the endpoint. Its retries count from when ' +
      'the event was queued (26 hours), so a delivery retried after that gets one attempt: failed again if it ' +
      'fails. A disabled endpoint sends it once re-enabled.',
    params: deliveryPath,
    errors: ['webhook_not_found', 'webhook_delivery_not_found', 'webhook_delivery_not_retryable'],
    response: {
      description: 'The delivery, queued.',
      data: webhookDeliveryResponse,
      example: { ...deliveryExample, next_attempt_at: '2026-11-22T09:40:00.000Z' },
      message: 'Delivery queued: it goes now.',
    },
    handle: async ({ deps: { webhooks }, organizationId, params }) => {
      const { delivery, endpointEnabled } = await webhooks.retry(organizationId, params.id, params.delivery_id);
      return {
        data: presentDelivery(delivery),
        ...(endpointEnabled
          ? {}
          : { message: 'Delivery queued: the endpoint is disabled, it goes when re-enabled (PATCH enabled: true).' }),
      };
    },
  }),
];
