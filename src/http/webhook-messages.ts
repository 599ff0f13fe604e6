// The messages an endpoint receives, as the document of POST /webhooks describes them: one OpenAPI callback per
// event type (headers, body schema, example), the events' list, and an example delivery signed for real.
import { z } from 'zod';
import type { ZodOpenApiCallbacksObject } from 'zod-openapi';
import { EVENT_TYPES, type EventType } from '../domain/webhooks/webhook.service';
import { webhookSignature } from '../domain/webhooks/webhook-signature';
import { WEBHOOK_EVENTS } from './webhook-events';

/** A delivered message of a type: what the endpoint receives. */
function messageSchema(type: EventType) {
  return z.object({
    type: z.literal(type),
    timestamp: z.iso.datetime().meta({ description: 'When the event happened.', example: '2026-11-22T09:30:00.000Z' }),
    data: WEBHOOK_EVENTS[type].data,
  });
}

/** An example message, as an endpoint receives it. */
export function exampleMessage(type: EventType) {
  return { type, timestamp: '2026-11-22T09:30:00.000Z', data: WEBHOOK_EVENTS[type].example };
}

/** A secret for the documentation's example: the headers below are its real signature of the example body. */
export const EXAMPLE_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** The example delivery's body, byte for byte as signed. */
export const EXAMPLE_BODY = JSON.stringify(exampleMessage('email.replied'));
const EXAMPLE_ID = 'evt_48213';
const EXAMPLE_TIMESTAMP = Math.floor(Date.parse('2026-11-22T09:30:02.000Z') / 1000);
export const EXAMPLE_HEADERS = {
  'webhook-id': EXAMPLE_ID,
  'webhook-timestamp': String(EXAMPLE_TIMESTAMP),
  'webhook-signature': webhookSignature(EXAMPLE_SECRET, EXAMPLE_ID, EXAMPLE_TIMESTAMP, EXAMPLE_BODY),
};

const signedHeaders = z.object({
  'webhook-id': z.string().meta({
    description: 'The message id: the same on every retry of the event; receivers dedupe on it.',
    example: EXAMPLE_HEADERS['webhook-id'],
  }),
  'webhook-timestamp': z.string().meta({
    description: 'Unix seconds when this attempt was signed; refuse messages more than 5 minutes away from now.',
    example: EXAMPLE_HEADERS['webhook-timestamp'],
  }),
  'webhook-signature': z.string().meta({
    description:
      '`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded ' +
      'secret after `whsec_` (Standard Webhooks).',
    example: EXAMPLE_HEADERS['webhook-signature'],
  }),
});

/** The OpenAPI callbacks of POST /webhooks: one per event type, a signed POST to the endpoint's url. */
export function eventCallbacks(): ZodOpenApiCallbacksObject {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        '{$request.body#/url}': {
          post: {
            summary: type,
            description: WEBHOOK_EVENTS[type].description,
            requestParams: { header: signedHeaders },
            requestBody: {
              required: true,
              content: { 'application/json': { schema: messageSchema(type), example: exampleMessage(type) } },
            },
            responses: {
              '200': { description: 'Any 2xx: delivered. Answer within 10 s; do the work after answering.' },
              '410': { description: 'Gone: the endpoint is disabled and nothing more is sent to it.' },
              default: { description: 'Anything else, or no answer in 10 s: retried with backoff for 26 hours.' },
            },
          },
        },
      },
    ]),
  );
}

/** The events, one line each with their `data` fields, for the description of POST /webhooks. */
export function eventsMarkdown(): string {
  return EVENT_TYPES.map((type) => {
    const { description, data: schema } = WEBHOOK_EVENTS[type];
    const fields = Object.keys((schema as z.ZodObject).shape).join(', ');
    return `- \`${type}\`: ${description} \`data\`: ${fields}.`;
  }).join('\n');
}
