import { z } from 'zod';
import { EVENT_TYPES, WEBHOOK_DELIVERY_STATUSES } from '../domain/webhooks/webhook.service';
import { eventTypeSchema } from './webhook-events';

/** The longest endpoint URL, in characters. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
const MAX_DESCRIPTION_LENGTH = 500;
/** More than every type once, so a list with repeats is still read (repeats are dropped). */
const MAX_EVENT_TYPES = 100;

const URL_EXAMPLE = 'https://crm.example.com/hooks/sequencer';

/**
 * The endpoint: an absolute http(s) URL without credentials (put a token in the path or query instead: the URL is
 * shown by the API). Its host is vetted by the outbound host policy when it is saved and at each delivery.
 */
export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, `give the URL of your endpoint, such as ${URL_EXAMPLE}`)
  .max(MAX_WEBHOOK_URL_LENGTH, `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`)
  .superRefine((value, context) => {
    const problem = urlProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  })
  .meta({
    description:
      'Where events are POSTed: an http:// or https:// URL without user name or password. Webhooks are never sent ' +
      'to cloud metadata or link-local addresses (nor, under OUTBOUND_HOSTS=public-only, to private networks).',
    example: URL_EXAMPLE,
  });

function urlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an absolute http:// or https:// URL, such as ${URL_EXAMPLE}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must be an http:// or https:// URL (not ${url.protocol.slice(0, 20)}), such as ${URL_EXAMPLE}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not carry a user name or password: authenticate deliveries by their signature, or put a token in the path or query';
  }
  if (url.hostname === '') return `must name a host, such as ${URL_EXAMPLE}`;
  return null;
}

const eventTypes = z
  .array(eventTypeSchema)
  .min(1, `give at least one event type: ${EVENT_TYPES.join(', ')}`)
  .max(MAX_EVENT_TYPES)
  .meta({ description: 'The events to receive (repeats are dropped); see the list above.' });
const description = z
  .string()
  .trim()
  .max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`)
  .nullable()
  .meta({ description: 'A note for you: what the endpoint is for.' });

/** `POST /webhooks`. */
export const createWebhookSchema = z.object({
  url: webhookUrlSchema,
  event_types: eventTypes,
  campaign_id: z.uuid().nullable().optional().meta({
    description: "Only this campaign's events (one of yours); left out or null: every event of the organization.",
  }),
  enabled: z.boolean().optional().meta({ description: 'Left out: true. A disabled endpoint is sent nothing.' }),
  description: description.optional(),
});
export type CreateWebhookBody = z.output<typeof createWebhookSchema>;

/** `PATCH /webhooks/{id}`: each field left out keeps its value. */
export const updateWebhookSchema = z
  .object({
    url: webhookUrlSchema.optional(),
    event_types: eventTypes.optional(),
    campaign_id: z.uuid().nullable().optional().meta({ description: 'null: every event of the organization.' }),
    enabled: z.boolean().optional().meta({
      description:
        'true re-enables an endpoint (one the server disabled after a 410 too) and sends what waited in its queue.',
    }),
    description: description.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'give at least one field to change: url, event_types, campaign_id, enabled or description',
  });
export type UpdateWebhookBody = z.output<typeof updateWebhookSchema>;

/** `GET /webhooks/{id}/deliveries`. */
export const deliveriesQuerySchema = z.object({
  status: z
    .enum(WEBHOOK_DELIVERY_STATUSES, { message: `must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}` })
    .optional()
    .meta({ description: 'Only the deliveries of this status.' }),
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(100),
});

/** `POST /webhooks/{id}/test`. */
export const testWebhookSchema = z.object({
  event_type: eventTypeSchema.optional().meta({
    description: "The sample's event type; left out: the endpoint's first subscribed type.",
  }),
});
