import { z } from 'zod';
import type { OutreachService } from '../domain/campaigns/outreach.service';
import { operationsUsing } from './api-operation';
import { presentCampaignSummary } from './campaign.presenters';
import { EXAMPLE_IDS } from './openapi/params';
import {
  outreachDetailsResponse,
  outreachResponse,
  type OutreachDetailsView,
  type OutreachView,
} from './organization.responses';
import { createOutreachSchema } from './organization.schemas';
import { PATH_IDS } from './path-ids';

const tag = 'Outreaches';

const outreach: OutreachView = {
  id: EXAMPLE_IDS.outreach,
  name: 'Founders 2026',
  unique_contacts: true,
  created_at: '2026-11-20T09:00:00.000Z',
};
const outreachDetails: OutreachDetailsView = {
  ...outreach,
  campaigns: [
    {
      id: EXAMPLE_IDS.campaign,
      name: 'Founders, Q4',
      status: 'active',
      created_at: '2026-11-21T10:00:00.000Z',
      fanout: null,
    },
    {
      id: EXAMPLE_IDS.secondCampaign,
      name: 'Founders, Q1',
      status: 'pending',
      created_at: '2026-11-21T11:30:00.000Z',
      fanout: null,
    },
  ],
};

/** An outreach as the service gives it. */
type Outreach = Awaited<ReturnType<OutreachService['create']>>;

function presentOutreach(outreach: Outreach): OutreachView {
  return {
    id: outreach.id,
    name: outreach.name,
    unique_contacts: outreach.uniqueContacts,
    created_at: outreach.createdAt.toISOString(),
  };
}

/** What the outreach operations use: the outreaches. */
export interface OutreachDeps {
  outreaches: OutreachService;
}
const operation = operationsUsing<OutreachDeps>();

/** `/outreaches`: groups of campaigns; `unique_contacts` sends each contact from one campaign of the group only. */
export const outreachOperations = [
  operation({
    method: 'get',
    path: '/outreaches',
    tag,
    summary: 'List the outreaches',
    errors: [],
    response: {
      description: 'Every outreach of your organization, newest first.',
      data: z.array(outreachResponse),
      example: [outreach],
      extra: { shape: { total: z.number().int() }, example: { total: 1 } },
    },
    handle: async ({ deps: { outreaches }, organizationId }) => {
      const found = await outreaches.list(organizationId);
      return { data: found.map(presentOutreach), extra: { total: found.length } };
    },
  }),
  operation({
    method: 'post',
    path: '/outreaches',
    tag,
    summary: 'Create an outreach',
    description:
      'A group of campaigns: a campaign joins it with its `outreach_id`. With `unique_contacts` (default false), ' +
      'dispatch skips a contact already enrolled in another campaign of the outreach (skip kind ' +
      '`cross_campaign_duplicate`), so each contact hears from one campaign of it only.',
    body: { schema: createOutreachSchema, example: { outreach: { name: 'Founders 2026', unique_contacts: true } } },
    errors: [],
    response: {
      status: 201,
      description: 'The new outreach.',
      data: outreachResponse,
      example: outreach,
      message: 'Outreach created.',
    },
    handle: async ({ deps: { outreaches }, organizationId, body: { outreach } }) => ({
      data: presentOutreach(await outreaches.create(organizationId, outreach.name, outreach.unique_contacts)),
    }),
  }),
  operation({
    method: 'get',
    path: '/outreaches/{id}',
    tag,
    summary: 'Read an outreach',
    params: { id: PATH_IDS.outreach },
    errors: ['outreach_not_found'],
    response: {
      description: 'The outreach and its campaigns, oldest first.',
      data: outreachDetailsResponse,
      example: outreachDetails,
    },
    handle: async ({ deps: { outreaches }, organizationId, params }) => {
      const { outreach, campaigns } = await outreaches.get(organizationId, params.id);
      return { data: { ...presentOutreach(outreach), campaigns: campaigns.map(presentCampaignSummary) } };
    },
  }),
];
