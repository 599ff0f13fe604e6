// Smartlead's campaign leads over the native services: listing them, and adding them (imported as contacts into the
// campaign's list, enrolled, and started at once in an active campaign).
import { z } from 'zod';
import { normalizeEmail } from '../../domain/contacts/email';
import { AppError } from '../../domain/errors';
import type { ListSummary } from '../../domain/lists/list.service';
import { leadActionOperations } from './lead-actions';
import { leadDirectoryOperations } from './lead-directory';
import { leadMessageOperations } from './lead-messages';
import {
  campaignLeadSchema,
  EXAMPLE_LEAD,
  importEntryOf,
  leadInputSchema,
  leadStatusOf,
  presentCampaignLead,
} from './lead.presenter';
import { campaignPath, requireCampaign, tag } from './lead-support';
import { lenientBoolean, lenientBody, lenientInt, lenientQuery } from './lenient';
import { smartleadOperation, type SmartleadDeps, type SmartleadOperation } from './operation';

/** Smartlead's limit of one upload. */
export const MAX_LEADS_PER_REQUEST = 400;
/** The batch leads added through this surface are enrolled in. */
const LEAD_BATCH = 1;

const listCampaignLeads = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/leads',
  tag,
  summary: 'List leads by campaign',
  description:
    'The campaign’s leads in the order they were added (`offset`, `limit` up to 100), leads removed from it left ' +
    'out. `status` maps the native enrollment status (see the migration guide); `lead_category_id` is the ' +
    'built-in category’s id (see GET /leads/fetch-categories), null for none or a label of your own.',
  params: campaignPath,
  query: lenientQuery({
    offset: lenientInt().pipe(z.number().int().min(0)).optional().meta({ description: 'Default 0.' }),
    limit: lenientInt().pipe(z.number().int().min(1).max(100)).optional().meta({ description: 'Default 100.' }),
  }),
  response: {
    description: 'One page of the campaign’s leads.',
    schema: z.object({
      total_leads: z.number().int(),
      offset: z.number().int(),
      limit: z.number().int(),
      data: z.array(campaignLeadSchema),
    }),
    example: {
      total_leads: 1,
      offset: 0,
      limit: 100,
      data: [
        {
          campaign_lead_map_id: 4567,
          status: 'INPROGRESS',
          created_at: '2024-01-15T10:30:00.000Z',
          lead_category_id: null,
          lead: EXAMPLE_LEAD,
        },
      ],
    },
  },
  handle: async ({ deps, organizationId, params, query }) => {
    await requireCampaign(deps, organizationId, params.campaign_id);
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 100;
    const { enrollments, total } = await deps.enrollmentHistory.slice(
      organizationId,
      params.campaign_id,
      { removed: 'exclude' },
      offset,
      limit,
    );
    return {
      total_leads: total,
      offset,
      limit,
      data: enrollments.flatMap((enrollment) =>
        enrollment.contact ? [presentCampaignLead(enrollment, enrollment.contact)] : [],
      ),
    };
  },
});

const leadStatistics = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/leads-statistics',
  tag,
  summary: 'Lead counts by status',
  description: 'How many of the campaign’s leads (removed ones left out) are in each Smartlead status.',
  params: campaignPath,
  response: {
    description: 'The counts.',
    schema: z.object({
      total_leads: z.number().int(),
      started: z.number().int(),
      inprogress: z.number().int(),
      completed: z.number().int(),
      paused: z.number().int(),
      stopped: z.number().int(),
      blocked: z.number().int(),
    }),
    example: { total_leads: 3, started: 1, inprogress: 1, completed: 1, paused: 0, stopped: 0, blocked: 0 },
  },
  handle: async ({ deps, organizationId, params }) => {
    await requireCampaign(deps, organizationId, params.campaign_id);
    const counts = { started: 0, inprogress: 0, completed: 0, paused: 0, stopped: 0, blocked: 0 };
    let total = 0;
    // Read in pages, as the export does: any campaign size in constant memory.
    for (let offset = 0; ; offset += 1000) {
      const page = await deps.enrollmentHistory.slice(
        organizationId,
        params.campaign_id,
        { removed: 'exclude' },
        offset,
        1000,
      );
      for (const enrollment of page.enrollments)
        counts[leadStatusOf(enrollment).toLowerCase() as keyof typeof counts] += 1;
      total = page.total;
      if (page.enrollments.length < 1000) break;
    }
    return { total_leads: total, ...counts };
  },
});

const settingsSchema = lenientBody({
  ignore_global_block_list: lenientBoolean().optional(),
  ignore_unsubscribe_list: lenientBoolean().optional(),
  ignore_community_bounce_list: lenientBoolean().optional(),
  ignore_duplicate_leads_in_other_campaign: lenientBoolean().optional(),
});

const addLeadsResponse = z.object({
  ok: z.boolean(),
  upload_count: z.number().int().meta({ description: 'Leads added to the campaign now.' }),
  total_leads: z.number().int().meta({ description: 'Leads in the request.' }),
  already_added_to_campaign: z.number().int(),
  duplicate_count: z.number().int().meta({ description: 'Repeats of an address within the request.' }),
  invalid_email_count: z.number().int(),
  invalid_emails: z.array(z.string()),
  unsubscribed_leads: z.number().int().meta({ description: 'Added leads that are unsubscribed: never emailed.' }),
  block_count: z.number().int().meta({ description: 'Always 0: blocked leads are skipped when they start.' }),
  bounce_count: z.number().int().meta({ description: 'Added leads whose address bounced: never emailed.' }),
  is_lead_limit_exhausted: z.boolean().meta({ description: 'Always false (no lead limit).' }),
  lead_import_stopped_count: z.number().int().meta({ description: 'Always 0.' }),
});

const addLeads = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/leads',
  tag,
  summary: 'Add leads to campaign',
  description:
    `Up to ${MAX_LEADS_PER_REQUEST} leads per request (more is a 422 and nothing is imported). Each becomes a ` +
    'contact of your organization (created, or found by email with its fields merged) in the campaign’s first ' +
    'list (a list named after the campaign is created and attached when it has none), and is enrolled; in an ' +
    'ACTIVE campaign they start at once (the native dispatch: should a step use a merge field a lead lacks, ' +
    'without fallback, the start is refused with a 422 naming it, and the leads stay added, waiting); in a DRAFTED ' +
    'or PAUSED one they wait for START. Fields map as in the migration guide ' +
    '(company_name → company, phone_number → phone, the others and custom_fields as fields of their names). ' +
    'Leads without a valid email are counted in `invalid_email_count`; repeats in `duplicate_count`; leads the ' +
    'campaign already has (removed ones too: never enrolled again) in `already_added_to_campaign`. `settings` are ' +
    'accepted and not kept by Sequencer: unsubscribed, bounced and blocked addresses are never emailed whatever ' +
    'they say (they are added and skipped when they start), and a lead may be in several campaigns (keep campaigns ' +
    'apart with an outreach of `unique_contacts` in the native API).',
  params: campaignPath,
  body: {
    schema: lenientBody({
      lead_list: z.array(leadInputSchema).max(MAX_LEADS_PER_REQUEST),
      settings: settingsSchema.nullish(),
    }),
    example: {
      lead_list: [
        {
          email: 'john@acme.com',
          first_name: 'John',
          last_name: 'Smith',
          company_name: 'Acme Corp',
          phone_number: '+1234567890',
          website: 'https://acme.com',
          location: 'New York, USA',
          linkedin_profile: 'https://linkedin.com/in/johnsmith',
          company_url: 'https://acme.com',
          custom_fields: { job_title: 'VP of Sales', industry: 'SaaS' },
        },
      ],
      settings: {
        ignore_global_block_list: false,
        ignore_unsubscribe_list: false,
        ignore_community_bounce_list: false,
        ignore_duplicate_leads_in_other_campaign: false,
      },
    },
  },
  response: {
    description: 'What was added.',
    schema: addLeadsResponse,
    example: {
      ok: true,
      upload_count: 1,
      total_leads: 1,
      already_added_to_campaign: 0,
      duplicate_count: 0,
      invalid_email_count: 0,
      invalid_emails: [],
      unsubscribed_leads: 0,
      block_count: 0,
      bounce_count: 0,
      is_lead_limit_exhausted: false,
      lead_import_stopped_count: 0,
    },
  },
  handle: async ({ deps, organizationId, params, body }) => {
    const campaignId = params.campaign_id;
    const campaign = await requireCampaign(deps, organizationId, campaignId);
    const entries = body.lead_list.map(importEntryOf);
    const seen = new Set<string>();
    let duplicates = 0;
    for (const entry of entries) {
      const email = normalizeEmail(entry.email);
      if (!email) continue;
      // As the import tells addresses apart: the domain in any case, the local part as written.
      if (seen.has(email)) duplicates += 1;
      seen.add(email);
    }
    const list = await leadListOf(deps, organizationId, campaignId, campaign.name);
    const imported = await deps.lists.importContacts(organizationId, list.list.uuid, entries, {
      removeDuplicates: false,
      autoClean: false,
    });
    const { enrolled } = await deps.enrollments.enrollContacts(
      organizationId,
      campaignId,
      imported.contactIds,
      LEAD_BATCH,
      0,
    );
    if (enrolled > 0) await startIfActive(deps, organizationId, campaignId);
    const contacts = [...(await deps.contacts.many(organizationId, imported.contactIds)).values()];
    return {
      ok: true,
      upload_count: enrolled,
      total_leads: body.lead_list.length,
      already_added_to_campaign: imported.contactIds.length - enrolled,
      duplicate_count: duplicates,
      invalid_email_count: imported.invalidEmails.length,
      invalid_emails: imported.invalidEmails,
      unsubscribed_leads: contacts.filter((contact) => contact.status === 'unsubscribed').length,
      block_count: 0,
      bounce_count: contacts.filter((contact) => contact.status === 'bounced').length,
      is_lead_limit_exhausted: false,
      lead_import_stopped_count: 0,
    };
  },
});

/** The campaign's first list, or a new one named after it, attached (without enrolling anything). */
async function leadListOf(
  deps: SmartleadDeps,
  organizationId: string,
  campaignId: string,
  name: string,
): Promise<ListSummary> {
  const [first] = await deps.campaignLists.lists(organizationId, campaignId);
  if (first) return first;
  const created = await deps.lists.create(organizationId, `${name} (leads)`.slice(0, 200));
  const attached = await deps.campaignLists.attach(organizationId, campaignId, created.uuid, {
    enroll: false,
    batchNumber: LEAD_BATCH,
    priority: 0,
  });
  return attached.list;
}

/** In an active campaign, new leads start now (the native dispatch); elsewhere they wait for START. */
async function startIfActive(deps: SmartleadDeps, organizationId: string, campaignId: string): Promise<void> {
  const campaign = await deps.campaigns.require(organizationId, campaignId);
  if (campaign.status !== 'active') return;
  try {
    await deps.enrollments.dispatch(organizationId, campaignId, LEAD_BATCH);
  } catch (error) {
    // Dispatched meanwhile by another request: nothing left to start.
    if (!(error instanceof AppError && error.code === 'no_pending_enrollments')) throw error;
  }
}

/** In routing order: literal paths (`/leads/fetch-categories`) before `/leads/{lead_id}`. */
export const leadOperations: readonly SmartleadOperation[] = [
  listCampaignLeads,
  leadStatistics,
  addLeads,
  ...leadDirectoryOperations,
  ...leadActionOperations,
  ...leadMessageOperations,
];
