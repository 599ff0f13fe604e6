import { z } from 'zod';
import type { WebhookService } from '../domain/webhooks/webhook.service';
import { operationsUsing, type PathParam } from './api-operation';
import {
  CREATE_DESCRIPTION,
  EXAMPLE_DELIVERY_ID,
  EXAMPLE_WEBHOOK_ID,
  deliveryExample,
  webhookExample,
  withSecretExample,
} from './webhook.docs';
import { sampleData } from './webhook-events';
import { eventCallbacks } from './webhook-messages';
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
} from './webhook.responses';
import { createWebhookSchema, deliveriesQuerySchema, testWebhookSchema, updateWebhookSchema } from './webhook.schemas';
import { presentPagination } from './enrollment.presenters';

const tag = 'Webhooks';

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
