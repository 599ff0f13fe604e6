// Smartlead's campaign endpoints over the native campaign services: list, get, create, status, delete.
import { z } from 'zod';
import { AppError, notFound } from '../../domain/errors';
import type { CampaignEntity } from '../../domain/campaigns/campaign.service';
import { isBeingDeleted, presentCampaign, smartleadCampaignSchema, type SmartleadCampaign } from './campaign.presenter';
import { lenientBoolean, lenientBody, lenientId, lenientQuery } from './lenient';
import { aliasParam, smartleadOperation, type SmartleadDeps } from './operation';

const tag = 'Campaigns';
const campaignPath = { campaign_id: aliasParam('campaign', 'Campaign') };

const EXAMPLE: SmartleadCampaign = {
  id: 12345,
  user_id: 67890,
  name: 'Q1 Outreach Campaign',
  status: 'ACTIVE',
  created_at: '2024-01-15T10:30:00.000Z',
  updated_at: '2024-02-01T08:00:00.000Z',
  track_settings: [],
  scheduler_cron_value: { tz: 'America/New_York', days: [1, 2, 3, 4, 5], startHour: '09:00', endHour: '19:00' },
  min_time_btwn_emails: 24,
  max_leads_per_day: 100,
  stop_lead_settings: 'REPLY_TO_AN_EMAIL',
  schedule_start_time: null,
  enable_ai_esp_matching: false,
  send_as_plain_text: false,
  follow_up_percentage: 100,
  unsubscribe_text: '',
  parent_campaign_id: null,
  client_id: null,
};

const okSchema = z.object({ ok: z.boolean() });

/** The organization's campaign (by uuid), unless it is being deleted. */
async function visibleCampaign(deps: SmartleadDeps, organizationId: string, id: string): Promise<CampaignEntity> {
  const campaign = await deps.campaigns.require(organizationId, id);
  if (isBeingDeleted(campaign)) throw notFound('campaign_not_found', 'Campaign');
  return campaign;
}

const listCampaigns = smartleadOperation({
  method: 'get',
  path: '/campaigns',
  tag,
  summary: 'List all campaigns',
  description:
    'Every campaign of your organization, newest first (by id, descending), as a bare array. `client_id` is ' +
    'accepted and ignored (Sequencer has no agency clients: every campaign is listed); `include_tags=true` adds ' +
    '`tags`, always empty.',
  query: lenientQuery({
    client_id: lenientId('Accepted and ignored (no agency clients).').optional(),
    include_tags: lenientBoolean().optional().meta({ description: 'Add `tags` (always []).' }),
  }),
  response: {
    description: 'The campaigns.',
    schema: z.array(smartleadCampaignSchema),
    example: [{ ...EXAMPLE, tags: [] }],
  },
  handle: async ({ deps, organizationId, query }) => {
    const [campaigns, userId] = await Promise.all([
      deps.campaigns.list(organizationId),
      deps.smartleadAliases.organizationAlias(organizationId),
    ]);
    return campaigns
      .filter((campaign) => !isBeingDeleted(campaign))
      .sort((a, b) => b.alias - a.alias)
      .map((campaign) => presentCampaign(campaign, userId, query.include_tags ?? false));
  },
});

const createCampaign = smartleadOperation({
  method: 'post',
  path: '/campaigns/create',
  tag,
  summary: 'Create campaign',
  description:
    'A new campaign, DRAFTED (pending), named "Untitled Campaign" unless `name` is given; `client_id` is accepted and ' +
    'ignored. It has Sequencer’s defaults: no schedule (any hour), no tracking, stop on reply; set them with ' +
    '…/schedule and …/settings, add a sequence, email accounts and leads, then set its status to START.',
  body: {
    schema: lenientBody({
      name: z.string().trim().max(500).nullish(),
      client_id: lenientId('Accepted and ignored (no agency clients).').nullish(),
    }),
    example: { name: 'My New Campaign', client_id: null },
    optional: true,
  },
  response: {
    description: 'The campaign was created.',
    schema: z.object({ ok: z.boolean(), id: z.number().int(), name: z.string(), created_at: z.string() }),
    example: { ok: true, id: 3023, name: 'My New Campaign', created_at: '2024-01-15T10:30:00.000Z' },
  },
  handle: async ({ deps, organizationId, body }) => {
    const created = await deps.campaigns.create(organizationId, {
      name: body.name || 'Untitled Campaign',
      // The native API's defaults (src/http/campaign.schemas.ts).
      evergreen: false,
      outreachId: null,
      minWaitSeconds: 120,
      maxWaitSeconds: 420,
      verifyEmailMx: false,
      bounceRateThreshold: 8,
      schedule: null,
      maxNewPerDay: null,
      stopOn: 'reply',
      trackOpens: false,
      trackClicks: false,
      unsubscribeText: null,
      sendAsPlainText: false,
      winnerMetric: null,
      winnerMinSends: null,
      listUuids: [],
      mailboxes: [],
      steps: [],
    });
    const campaign = await deps.campaigns.require(organizationId, created.id);
    return { ok: true, id: campaign.alias, name: campaign.name, created_at: campaign.createdAt.toISOString() };
  },
});

const getCampaign = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}',
  tag,
  summary: 'Get campaign by ID',
  params: campaignPath,
  response: { description: 'The campaign.', schema: smartleadCampaignSchema, example: EXAMPLE },
  handle: async ({ deps, organizationId, params }) => {
    const [campaign, userId] = await Promise.all([
      visibleCampaign(deps, organizationId, params.campaign_id),
      deps.smartleadAliases.organizationAlias(organizationId),
    ]);
    return presentCampaign(campaign, userId);
  },
});

const STATUS_REQUESTS = ['START', 'ACTIVE', 'PAUSED', 'STOPPED'] as const;

const updateStatus = smartleadOperation({
  method: 'patch',
  alsoMethods: ['post'],
  path: '/campaigns/{campaign_id}/status',
  tag,
  summary: 'Update campaign status',
  description:
    '`START` or `ACTIVE`: a DRAFTED or COMPLETED campaign starts its pending leads (the native dispatch: it needs a ' +
    'sequence, an email account and leads), a PAUSED one resumes, an ACTIVE one starts leads added since. `PAUSED`: ' +
    'an ACTIVE campaign pauses (a paused one stays paused). `STOPPED`: stopped for good. A change the campaign’s ' +
    'state refuses is a 422 naming it (`current_state`).',
  params: campaignPath,
  body: {
    schema: lenientBody({
      status: z
        .string()
        .trim()
        .toUpperCase()
        .pipe(z.enum(STATUS_REQUESTS))
        .meta({ description: 'START or ACTIVE, PAUSED, STOPPED (any case).' }),
    }),
    example: { status: 'ACTIVE' },
  },
  response: { description: 'The status was changed.', schema: okSchema, example: { ok: true } },
  handle: async ({ deps, organizationId, params, body }) => {
    const id = params.campaign_id;
    const campaign = await visibleCampaign(deps, organizationId, id);
    switch (body.status) {
      case 'START':
      case 'ACTIVE':
        await start(deps, organizationId, campaign);
        break;
      case 'PAUSED':
        if (campaign.status !== 'paused') await deps.campaignControl.pause(organizationId, id);
        break;
      case 'STOPPED':
        await deps.campaignControl.stop(organizationId, id);
        break;
    }
    return { ok: true };
  },
});

/** START/ACTIVE: resume a paused campaign, else dispatch its pending leads (none left is fine once it runs). */
async function start(deps: SmartleadDeps, organizationId: string, campaign: CampaignEntity): Promise<void> {
  // A paused campaign resumes first; then, as for a running one, leads added since are started.
  const running = campaign.status === 'paused' || campaign.status === 'active';
  if (campaign.status === 'paused') await deps.campaignControl.resume(organizationId, campaign.id);
  try {
    await deps.enrollments.dispatch(organizationId, campaign.id, undefined);
  } catch (error) {
    // Starting a running campaign with no new leads changes nothing.
    if (!(running && error instanceof AppError && error.code === 'no_pending_enrollments')) throw error;
  }
}

const deleteCampaign = smartleadOperation({
  method: 'delete',
  path: '/campaigns/{campaign_id}',
  tag,
  summary: 'Delete campaign',
  description:
    'Stops the campaign at once and deletes it with its leads’ progress, messages and statistics in the background; ' +
    'from now on it is not found.',
  params: campaignPath,
  response: { description: 'The campaign is being deleted.', schema: okSchema, example: { ok: true } },
  handle: async ({ deps, organizationId, params }) => {
    await visibleCampaign(deps, organizationId, params.campaign_id);
    await deps.campaignControl.delete(organizationId, params.campaign_id);
    return { ok: true };
  },
});

/** In routing order: `/campaigns/create` before `/campaigns/{campaign_id}`. */
export const campaignOperations = [listCampaigns, createCampaign, getCampaign, updateStatus, deleteCampaign];
