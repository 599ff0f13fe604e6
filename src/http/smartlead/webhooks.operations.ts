// Smartlead's webhook endpoints over the native WebhookService: endpoints created here are delivered in Smartlead's
// event names and payload shapes (format `smartlead`; see src/domain/webhooks/smartlead-payload.ts).
import { z } from 'zod';
import { notFound } from '../../domain/errors';
import type { WebhookEntity } from '../../domain/webhooks/webhook.service';
import { lenientBody, lenientId, lenientQuery } from './lenient';
import { aliasParam, smartleadOperation, type SmartleadDeps } from './operation';
import {
  campaignUuid,
  eventTypesOf,
  presentWebhooks,
  requireField,
  smartleadWebhookSchema,
  urlOf,
  WEBHOOK_EXAMPLE,
  webhookFieldsShape,
  webhookUuid,
  type SmartleadWebhook,
} from './webhook.presenter';

const tag = 'Webhooks';
const campaignPath = { campaign_id: aliasParam('campaign', 'Campaign') };
const webhookPath = { webhook_id: aliasParam('webhook', 'Webhook') };

const FIELDS =
  'Fields: `name`, `webhook_url` (or `url`), `event_types` in Smartlead’s names (EMAIL_SENT, EMAIL_OPEN, ' +
  'EMAIL_LINK_CLICK, EMAIL_REPLY, EMAIL_BOUNCE, LEAD_UNSUBSCRIBED, LEAD_CATEGORY_UPDATED, CAMPAIGN_STATUS_CHANGED; ' +
  'or `event_type_map` {"EMAIL_SENT": true}); names Sequencer has no event for (MANUAL_STEP_REACHED…) are accepted ' +
  'and never fire. `categories` is not kept by Sequencer (accepted, answered []). Deliveries carry Smartlead’s ' +
  'payload (`event_type`, `event_timestamp`, `campaign_id`, `sl_email_lead_id`…, plus `sequencer`: our event), ' +
  'signed as Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).';

const okSchema = z.object({ ok: z.boolean() });
const savedSchema = smartleadWebhookSchema.extend({ ok: z.boolean() });
const SAVED_EXAMPLE = { ok: true, ...WEBHOOK_EXAMPLE };

const createBody = lenientBody(webhookFieldsShape);
type Fields = z.output<typeof createBody>;

/** Creates a Smartlead-format endpoint of the organization (of `campaignId` when given). */
async function create(
  deps: SmartleadDeps,
  organizationId: string,
  body: Fields,
  campaignId: string | null | undefined,
): Promise<WebhookEntity> {
  const { webhook } = await deps.webhooks.create(organizationId, {
    url: requireField(urlOf(body), 'webhook_url'),
    eventTypes: requireField(eventTypesOf(body), 'event_types'),
    campaignId: campaignId ?? null,
    description: body.name ?? null,
    format: 'smartlead',
  });
  return webhook;
}

/** Changes the fields given; the rest is kept. */
function update(
  deps: SmartleadDeps,
  organizationId: string,
  id: string,
  body: Fields,
  campaignId: string | null | undefined,
): Promise<WebhookEntity> {
  return deps.webhooks.update(organizationId, id, {
    url: urlOf(body),
    eventTypes: eventTypesOf(body),
    campaignId,
    description: body.name,
  });
}

async function saved(deps: SmartleadDeps, organizationId: string, webhook: WebhookEntity) {
  const [presented] = await presentWebhooks(deps, organizationId, [webhook]);
  return { ok: true, ...(presented as SmartleadWebhook) };
}

/** The organization's endpoint, refused (404) unless it belongs to the campaign. */
async function campaignWebhook(deps: SmartleadDeps, organizationId: string, campaignId: string, alias: number) {
  const webhook = await deps.webhooks.get(organizationId, await webhookUuid(deps, organizationId, alias));
  if (webhook.campaignId !== campaignId) throw notFound('webhook_not_found', 'Webhook');
  return webhook;
}

const listWebhooks = smartleadOperation({
  method: 'get',
  path: '/webhooks',
  tag,
  summary: 'List all webhooks',
  description:
    'Every webhook of your organization, oldest first (those made through the native API too: their event types ' +
    'without a Smartlead name are left out).',
  response: { description: 'The webhooks.', schema: z.array(smartleadWebhookSchema), example: [WEBHOOK_EXAMPLE] },
  handle: async ({ deps, organizationId }) =>
    presentWebhooks(deps, organizationId, await deps.webhooks.list(organizationId)),
});

const createWebhook = smartleadOperation({
  method: 'post',
  path: '/webhooks',
  tag,
  summary: 'Create a webhook',
  description: `A webhook for the whole organization, or for one campaign with \`campaign_id\`. ${FIELDS}`,
  body: {
    schema: createBody,
    example: {
      name: 'Replies to the CRM',
      webhook_url: 'https://crm.example.com/hooks/smartlead',
      event_types: ['EMAIL_REPLY', 'LEAD_CATEGORY_UPDATED'],
      categories: ['Interested'],
      campaign_id: 12345,
    },
  },
  otherStatuses: [404],
  response: { description: 'The webhook was created.', schema: savedSchema, example: SAVED_EXAMPLE },
  handle: async ({ deps, organizationId, body }) => {
    const campaignId = await campaignUuid(deps, organizationId, body.campaign_id ?? body.email_campaign_id);
    return saved(deps, organizationId, await create(deps, organizationId, body, campaignId));
  },
});

const updateWebhook = smartleadOperation({
  method: 'patch',
  alsoMethods: ['post', 'put'],
  path: '/webhooks/{webhook_id}',
  tag,
  summary: 'Update a webhook',
  description: `Changes the fields given; the others are kept. ${FIELDS}`,
  params: webhookPath,
  body: { schema: createBody, example: { event_types: ['EMAIL_REPLY', 'EMAIL_BOUNCE'] } },
  response: { description: 'The webhook as changed.', schema: savedSchema, example: SAVED_EXAMPLE },
  handle: async ({ deps, organizationId, params, body }) => {
    const campaignId = await campaignUuid(deps, organizationId, body.campaign_id ?? body.email_campaign_id);
    return saved(deps, organizationId, await update(deps, organizationId, params.webhook_id, body, campaignId));
  },
});

const deleteWebhook = smartleadOperation({
  method: 'delete',
  path: '/webhooks/{webhook_id}',
  tag,
  summary: 'Delete a webhook',
  description: 'With its delivery log; what was still queued for it is not sent.',
  params: webhookPath,
  response: { description: 'Deleted.', schema: okSchema, example: { ok: true } },
  handle: async ({ deps, organizationId, params }) => {
    await deps.webhooks.delete(organizationId, params.webhook_id);
    return { ok: true };
  },
});

const listCampaignWebhooks = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/webhooks',
  tag,
  summary: 'Fetch webhooks by campaign ID',
  description: 'The webhooks of this campaign only (not the organization-wide ones).',
  params: campaignPath,
  response: { description: 'The webhooks.', schema: z.array(smartleadWebhookSchema), example: [WEBHOOK_EXAMPLE] },
  handle: async ({ deps, organizationId, params }) => {
    await deps.campaigns.require(organizationId, params.campaign_id);
    const webhooks = await deps.webhooks.list(organizationId);
    const own = webhooks.filter((webhook) => webhook.campaignId === params.campaign_id);
    return presentWebhooks(deps, organizationId, own);
  },
});

const saveCampaignWebhook = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/webhooks',
  tag,
  summary: 'Add / update campaign webhook',
  description: `\`id\` null or absent: a new webhook of the campaign; \`id\` of one of its webhooks: that one is changed. ${FIELDS}`,
  params: campaignPath,
  body: {
    schema: lenientBody({
      ...webhookFieldsShape,
      id: lenientId('The webhook to change; null to add one.').nullish(),
    }),
    example: {
      id: null,
      name: 'Replies to the CRM',
      webhook_url: 'https://crm.example.com/hooks/smartlead',
      event_types: ['EMAIL_REPLY', 'LEAD_CATEGORY_UPDATED'],
      categories: ['Interested'],
    },
  },
  response: { description: 'The webhook was saved.', schema: savedSchema, example: SAVED_EXAMPLE },
  handle: async ({ deps, organizationId, params, body }) => {
    const campaignId = params.campaign_id;
    await deps.campaigns.require(organizationId, campaignId);
    if (body.id === null || body.id === undefined) {
      return saved(deps, organizationId, await create(deps, organizationId, body, campaignId));
    }
    const webhook = await campaignWebhook(deps, organizationId, campaignId, body.id);
    return saved(deps, organizationId, await update(deps, organizationId, webhook.id, body, undefined));
  },
});

const deleteCampaignWebhook = smartleadOperation({
  method: 'delete',
  path: '/campaigns/{campaign_id}/webhooks',
  tag,
  summary: 'Delete campaign webhook',
  description: 'The campaign’s webhook named by `id` (or `webhook_id`), in the body or the query.',
  params: campaignPath,
  query: lenientQuery({
    id: lenientId('The webhook (or send it in the body).').optional(),
    webhook_id: lenientId('Accepted for id.').optional(),
  }),
  body: {
    schema: lenientBody({
      id: lenientId('The webhook.').optional(),
      webhook_id: lenientId('Accepted for id.').optional(),
    }),
    example: { id: 217 },
    optional: true,
  },
  response: { description: 'Deleted.', schema: okSchema, example: { ok: true } },
  handle: async ({ deps, organizationId, params, query, body }) => {
    await deps.campaigns.require(organizationId, params.campaign_id);
    const alias = requireField(body.id ?? body.webhook_id ?? query.id ?? query.webhook_id, 'id');
    const webhook = await campaignWebhook(deps, organizationId, params.campaign_id, alias);
    await deps.webhooks.delete(organizationId, webhook.id);
    return { ok: true };
  },
});

/** Webhooks in Smartlead's event names and shapes. */
export const webhookOperations = [
  listWebhooks,
  createWebhook,
  updateWebhook,
  deleteWebhook,
  listCampaignWebhooks,
  saveCampaignWebhook,
  deleteCampaignWebhook,
];
