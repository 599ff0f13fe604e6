// What the document of the webhook operations says beyond their schemas: examples, and POST /webhooks's description.
import type { WebhookDeliveryView, WebhookView } from './webhook.responses';
import { EXAMPLE_BODY, EXAMPLE_HEADERS, EXAMPLE_SECRET, eventsMarkdown } from './webhook-messages';

export const EXAMPLE_WEBHOOK_ID = '1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a';
export const EXAMPLE_DELIVERY_ID = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';

export const webhookExample: WebhookView = {
  id: EXAMPLE_WEBHOOK_ID,
  url: 'https://crm.example.com/hooks/sequencer',
  event_types: ['email.replied', 'email.bounced', 'lead.unsubscribed'],
  campaign_id: null,
  enabled: true,
  format: 'standard',
  disabled_reason: null,
  description: 'Replies and bounces to the CRM',
  created_at: '2026-11-22T09:30:00.000Z',
  updated_at: '2026-11-22T09:30:00.000Z',
};
export const withSecretExample = { ...webhookExample, secret: EXAMPLE_SECRET };
export const deliveryExample: WebhookDeliveryView = {
  id: EXAMPLE_DELIVERY_ID,
  webhook_id: EXAMPLE_WEBHOOK_ID,
  event_id: '48213',
  event_type: 'email.replied',
  message_id: 'evt_48213',
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

export const CREATE_DESCRIPTION = `An endpoint receives the organization's events of the types it subscribes to (only one
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
