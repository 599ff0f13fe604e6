// Smartlead's organization-wide lead endpoints: a lead by email, its campaigns, the categories, the global
// unsubscribe and the block list. Literal paths come before `/leads/{lead_id}/…`.
import { z } from 'zod';
import { normalizeBlockInput, type BlockInput } from '../../domain/block-list/block-list.service';
import { normalizeEmail } from '../../domain/contacts/email';
import { AppError, notFound } from '../../domain/errors';
import { SMARTLEAD_CAMPAIGN_STATUSES, presentCampaign } from './campaign.presenter';
import { categoryIdOf, EXAMPLE_LEAD, LEAD_CATEGORIES, presentLead, smartleadLeadSchema } from './lead.presenter';
import { leadPath, okSchema, tag } from './lead-support';
import { lenientBody, lenientInt, lenientQuery } from './lenient';
import { smartleadOperation, type SmartleadDeps } from './operation';

/** The lead's campaigns (those being deleted left out), each with its enrollment. */
async function campaignsOfLead(deps: SmartleadDeps, organizationId: string, contactId: string) {
  const [details, campaigns, userId] = await Promise.all([
    deps.contacts.get(organizationId, contactId),
    deps.campaigns.list(organizationId),
    deps.smartleadAliases.organizationAlias(organizationId),
  ]);
  const byId = new Map(campaigns.filter((c) => c.fanoutAction !== 'delete').map((c) => [c.id, c]));
  return {
    contact: details.contact,
    campaigns: details.enrollments.flatMap((enrollment) => {
      const campaign = byId.get(enrollment.campaignId);
      return campaign ? [{ campaign: presentCampaign(campaign, userId), enrollment }] : [];
    }),
  };
}

const leadByEmail = smartleadOperation({
  method: 'get',
  path: '/leads',
  tag,
  summary: 'Fetch lead by email',
  description:
    'The lead (contact) with this address, in any case, with `lead_campaign_data`: each campaign it is in. ' +
    'No such lead is a 404.',
  query: lenientQuery({ email: z.string().trim().min(1).max(320).meta({ description: 'The lead’s address.' }) }),
  otherStatuses: [404],
  response: {
    description: 'The lead.',
    schema: smartleadLeadSchema.extend({
      created_at: z.string(),
      lead_campaign_data: z.array(
        z.object({
          campaign_id: z.number().int(),
          campaign_name: z.string(),
          campaign_status: z.enum(SMARTLEAD_CAMPAIGN_STATUSES),
          campaign_lead_map_id: z.number().int(),
          lead_category_id: z.number().int().nullable(),
        }),
      ),
    }),
    example: {
      ...EXAMPLE_LEAD,
      created_at: '2024-01-15T10:30:00.000Z',
      lead_campaign_data: [
        {
          campaign_id: 12345,
          campaign_name: 'Q1 Outreach Campaign',
          campaign_status: 'ACTIVE',
          campaign_lead_map_id: 4567,
          lead_category_id: null,
        },
      ],
    },
  },
  handle: async ({ deps, organizationId, query }) => {
    const wanted = (normalizeEmail(query.email) ?? query.email).toLowerCase();
    const { contacts } = await deps.contacts.page(organizationId, { email: query.email }, 1, 500);
    const contact = contacts.find((candidate) => candidate.email.toLowerCase() === wanted);
    if (!contact) throw notFound('contact_not_found', 'Lead');
    const found = await campaignsOfLead(deps, organizationId, contact.id);
    return {
      ...presentLead(found.contact),
      created_at: found.contact.createdAt.toISOString(),
      lead_campaign_data: found.campaigns.map(({ campaign, enrollment }) => ({
        campaign_id: campaign.id,
        campaign_name: campaign.name,
        campaign_status: campaign.status,
        campaign_lead_map_id: enrollment.alias,
        lead_category_id: categoryIdOf(enrollment.category),
      })),
    };
  },
});

const categoriesSchema = z.array(
  z.object({ id: z.number().int(), name: z.string(), created_at: z.string().nullable() }),
);

const fetchCategories = smartleadOperation({
  method: 'get',
  path: '/leads/fetch-categories',
  tag,
  summary: 'Fetch lead categories',
  description:
    'The built-in categories Sequencer has, with Smartlead’s ids: Interested (interested), Meeting Request ' +
    '(meeting_booked), Not Interested (not_interested), Out Of Office (out_of_office), Wrong Person ' +
    '(wrong_person). Labels of your own (set through the native API) have no id here. `created_at` is not kept ' +
    'by Sequencer: always null.',
  response: {
    description: 'The categories.',
    schema: categoriesSchema,
    example: [{ id: 1, name: 'Interested', created_at: null }],
  },
  handle: () => Promise.resolve(LEAD_CATEGORIES.map(({ id, name }) => ({ id, name, created_at: null }))),
});

const blockEntry = z.string().trim().min(1).max(320);

const addToBlockList = smartleadOperation({
  method: 'post',
  path: '/leads/add-domain-block-list',
  tag,
  summary: 'Add to block list',
  description:
    'Blocks an address (`email`) or a whole domain with its subdomains (`domain`), or several: ' +
    '`domain_block_list: [...]` (addresses or domains). Running leads it covers stop at once; pending ones are ' +
    'skipped when they start. An entry already there is kept. Any invalid entry is a 422 and nothing is added.',
  body: {
    schema: lenientBody({
      email: blockEntry.nullish(),
      domain: blockEntry.nullish(),
      domain_block_list: z.array(blockEntry).max(1000).nullish(),
      client_id: lenientInt().nullish().meta({ description: 'Accepted and ignored (no agency clients).' }),
    }),
    example: { domain: 'example.com' },
  },
  response: {
    description: 'The entries were added.',
    schema: okSchema.extend({ upload_count: z.number().int() }),
    example: { ok: true, data: 'Added to the block list.', upload_count: 1 },
  },
  handle: async ({ deps, organizationId, body }) => {
    const inputs: BlockInput[] = [
      ...(body.email ? [{ email: body.email }] : []),
      ...(body.domain ? [{ domain: body.domain }] : []),
      ...(body.domain_block_list ?? []).map((entry) => (entry.includes('@') ? { email: entry } : { domain: entry })),
    ];
    if (inputs.length === 0) {
      throw new AppError('validation_failed', 'Validation failed: email, domain or domain_block_list is required.', {
        errors: ['email: email, domain or domain_block_list is required'],
      });
    }
    // Every entry is checked before the first is added: a bad one changes nothing.
    inputs.forEach((input) => normalizeBlockInput(input));
    let added = 0;
    for (const input of inputs) if ((await deps.blockList.add(organizationId, input)).created) added += 1;
    return { ok: true, data: 'Added to the block list.', upload_count: added };
  },
});

const getBlockList = smartleadOperation({
  method: 'get',
  path: '/leads/get-domain-block-list',
  tag,
  summary: 'Get block list',
  description: 'The block list’s addresses and domains, oldest first (`offset`, `limit` up to 1000, default 100).',
  query: lenientQuery({
    offset: lenientInt().pipe(z.number().int().min(0)).optional(),
    limit: lenientInt().pipe(z.number().int().min(1).max(1000)).optional(),
  }),
  response: {
    description: 'The entries.',
    schema: z.object({
      ok: z.boolean(),
      total: z.number().int(),
      data: z.array(
        z.object({ email_or_domain: z.string(), type: z.enum(['EMAIL', 'DOMAIN']), created_at: z.string() }),
      ),
    }),
    example: {
      ok: true,
      total: 1,
      data: [{ email_or_domain: 'example.com', type: 'DOMAIN', created_at: '2024-01-15T10:30:00.000Z' }],
    },
  },
  handle: async ({ deps, organizationId, query }) => {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    const { entries, total } = await deps.blockList.page(organizationId, 1, offset + limit);
    return {
      ok: true,
      total,
      data: entries.slice(offset).map((entry) => ({
        email_or_domain: entry.value,
        type: entry.kind === 'email' ? ('EMAIL' as const) : ('DOMAIN' as const),
        created_at: entry.createdAt.toISOString(),
      })),
    };
  },
});

const leadCampaigns = smartleadOperation({
  method: 'get',
  path: '/leads/{lead_id}/campaigns',
  tag,
  summary: 'Fetch campaigns by lead ID',
  description: 'Every campaign the lead is in (removed from it or not), with the lead’s status there.',
  params: leadPath,
  response: {
    description: 'The campaigns.',
    schema: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        status: z.enum(SMARTLEAD_CAMPAIGN_STATUSES),
        campaign_lead_map_id: z.number().int(),
        lead_category_id: z.number().int().nullable(),
      }),
    ),
    example: [
      { id: 12345, name: 'Q1 Outreach Campaign', status: 'ACTIVE', campaign_lead_map_id: 4567, lead_category_id: 1 },
    ],
  },
  handle: async ({ deps, organizationId, params }) => {
    const found = await campaignsOfLead(deps, organizationId, params.lead_id);
    return found.campaigns.map(({ campaign, enrollment }) => ({
      id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      campaign_lead_map_id: enrollment.alias,
      lead_category_id: categoryIdOf(enrollment.category),
    }));
  },
});

const unsubscribeGlobally = smartleadOperation({
  method: 'post',
  path: '/leads/{lead_id}/unsubscribe',
  tag,
  summary: 'Unsubscribe lead globally',
  description:
    'The lead (contact) becomes unsubscribed: its pending and running leads end in every campaign, and it is never ' +
    'emailed again (added to a campaign later, it is skipped). Repeating it changes nothing.',
  params: leadPath,
  body: { schema: lenientBody({}), example: {}, optional: true },
  response: {
    description: 'The lead is unsubscribed.',
    schema: okSchema,
    example: { ok: true, data: 'Lead unsubscribed from every campaign.' },
  },
  handle: async ({ deps, organizationId, params }) => {
    await deps.enrollmentControl.unsubscribeContact(organizationId, params.lead_id);
    return { ok: true, data: 'Lead unsubscribed from every campaign.' };
  },
});

/** In routing order: the literal paths first. */
export const leadDirectoryOperations = [
  fetchCategories,
  addToBlockList,
  getBlockList,
  leadByEmail,
  leadCampaigns,
  unsubscribeGlobally,
];
