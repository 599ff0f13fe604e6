// A native webhook endpoint in Smartlead's shape, and Smartlead's request fields read into the native ones. How the
// fields map (the "Migrating from Smartlead" table, for webhooks):
//
// | Smartlead                    | Sequencer                                                                     |
// |------------------------------|-------------------------------------------------------------------------------|
// | id                           | the endpoint's integer alias                                                  |
// | name                         | description                                                                   |
// | webhook_url (or url)         | url (vetted by the outbound host policy as on the native API)                 |
// | event_types (or event_type_map {NAME: true}) | event_types, through the table of src/domain/webhooks/smartlead-payload.ts; |
// |                              | names with no Sequencer event are accepted and never fire (not kept)          |
// | campaign_id (email_campaign_id) | campaign_id: only that campaign's events; null: the whole organization's   |
// | categories                   | not kept: accepted, answered [] (LEAD_CATEGORY_UPDATED fires for every category) |
// | association_type             | accepted and ignored (campaign_id decides)                                    |
// | payloads                     | endpoints created here get Smartlead's event names and fields (`format` smartlead), |
// |                              | signed as every Sequencer webhook (Standard Webhooks: webhook-id/-timestamp/-signature) |
import { z } from 'zod';
import { AppError, notFound } from '../../domain/errors';
import { nativeEventType, smartleadEventType, type SmartleadEventType } from '../../domain/webhooks/smartlead-payload';
import type { EventType, WebhookEntity } from '../../domain/webhooks/webhook.service';
import { webhookUrlSchema } from '../webhook.schemas';
import { lenientId } from './lenient';
import type { SmartleadDeps } from './operation';

export const smartleadWebhookSchema = z
  .object({
    id: z.number().int().meta({ description: 'The webhook id.' }),
    user_id: z.number().int().meta({ description: 'Your organization’s id.' }),
    campaign_id: z.number().int().nullable().meta({ description: 'Its campaign; null: every campaign.' }),
    name: z.string().nullable(),
    webhook_url: z.string(),
    event_types: z.array(z.string()).meta({ description: 'Smartlead event names (EMAIL_SENT, EMAIL_REPLY…).' }),
    categories: z.array(z.string()).meta({ description: 'Not kept by Sequencer: always [].' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'SmartleadWebhook' });

export type SmartleadWebhook = z.input<typeof smartleadWebhookSchema>;

export const WEBHOOK_EXAMPLE: SmartleadWebhook = {
  id: 217,
  user_id: 67890,
  campaign_id: 12345,
  name: 'Replies to the CRM',
  webhook_url: 'https://crm.example.com/hooks/smartlead',
  event_types: ['EMAIL_REPLY', 'LEAD_CATEGORY_UPDATED'],
  categories: [],
  created_at: '2024-01-15T10:30:00.000Z',
  updated_at: '2024-01-15T10:30:00.000Z',
};

/** The webhook fields a create or update body may carry (each optional: an update keeps what is left out). */
export const webhookFieldsShape = {
  name: z.string().trim().max(500).nullish(),
  webhook_url: webhookUrlSchema.optional(),
  url: webhookUrlSchema.optional().meta({ description: 'Accepted for webhook_url.' }),
  event_types: z
    .array(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z_]+$/, 'must be an event name such as EMAIL_REPLY'),
    )
    .max(50)
    .optional(),
  event_type_map: z
    .record(z.string(), z.union([z.boolean(), z.string()]))
    .optional()
    .meta({ description: 'Accepted for event_types: {"EMAIL_SENT": true, …}.' }),
  categories: z.array(z.string()).max(100).nullish().meta({ description: 'Not kept by Sequencer (accepted).' }),
  campaign_id: lenientId('Only this campaign’s events (null: all).').nullish(),
  email_campaign_id: lenientId('Accepted for campaign_id.').nullish(),
  association_type: z.string().nullish().meta({ description: 'Accepted and ignored.' }),
};

interface WebhookFields {
  name?: string | null | undefined;
  webhook_url?: string | undefined;
  url?: string | undefined;
  event_types?: string[] | undefined;
  event_type_map?: Record<string, boolean | string> | undefined;
}

/** The native event types of the Smartlead names given (event_types, else event_type_map); undefined: none given. */
export function eventTypesOf(body: WebhookFields): EventType[] | undefined {
  const names =
    body.event_types ??
    (body.event_type_map
      ? Object.entries(body.event_type_map)
          .filter(([, on]) => on === true || (typeof on === 'string' && /^(true|1)$/i.test(on)))
          .map(([name]) => name)
      : undefined);
  if (names === undefined) return undefined;
  return [...new Set(names.map(nativeEventType).filter((type): type is EventType => type !== null))];
}

/** The webhook URL of a body (webhook_url, else url). */
export const urlOf = (body: WebhookFields): string | undefined => body.webhook_url ?? body.url;

/** A create without a URL or event types is refused, naming the field. */
export function requireField<T>(value: T | undefined, field: string): T {
  if (value === undefined) {
    throw new AppError('validation_failed', `Validation failed: ${field}: required`, {
      errors: [`${field}: required`],
    });
  }
  return value;
}

/** The uuid of a campaign alias of the organization (null stays null); unknown: 404 Campaign not found. */
export async function campaignUuid(
  deps: SmartleadDeps,
  organizationId: string,
  alias: number | null | undefined,
): Promise<string | null | undefined> {
  if (alias === undefined || alias === null) return alias;
  const id = await deps.smartleadAliases.resolve(organizationId, 'campaign', alias);
  if (!id) throw notFound('campaign_not_found', 'Campaign');
  return id;
}

/** The uuid of a webhook alias of the organization; unknown: 404 Webhook not found. */
export async function webhookUuid(deps: SmartleadDeps, organizationId: string, alias: number): Promise<string> {
  const id = await deps.smartleadAliases.resolve(organizationId, 'webhook', alias);
  if (!id) throw notFound('webhook_not_found', 'Webhook');
  return id;
}

/** The endpoints in Smartlead's shape (their campaigns' aliases read in one query). */
export async function presentWebhooks(
  deps: SmartleadDeps,
  organizationId: string,
  webhooks: WebhookEntity[],
): Promise<SmartleadWebhook[]> {
  const campaignIds = webhooks.flatMap((webhook) => (webhook.campaignId ? [webhook.campaignId] : []));
  const [campaigns, userId] = await Promise.all([
    deps.smartleadAliases.aliasesOf(organizationId, 'campaign', campaignIds),
    deps.smartleadAliases.organizationAlias(organizationId),
  ]);
  return webhooks.map((webhook) => ({
    id: webhook.alias,
    user_id: userId,
    campaign_id: webhook.campaignId ? (campaigns.get(webhook.campaignId) ?? null) : null,
    name: webhook.description,
    webhook_url: webhook.url,
    event_types: webhook.eventTypes.map(smartleadEventType).filter((name): name is SmartleadEventType => name !== null),
    categories: [],
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
  }));
}
