// `/campaigns/{id}/lists`: the lists a campaign's contacts come from, attached and detached while it runs.
import { z } from 'zod';
import type { CampaignListsService } from '../domain/campaigns/campaign-lists.service';
import { operationsUsing } from './api-operation';
import { attachListSchema, detachListQuerySchema } from './campaign.schemas';
import { listExample } from './list.operations';
import { presentList } from './list.presenters';
import { listResponse } from './list.responses';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Campaigns';

/** What the campaign-list operations use. */
export interface CampaignListsDeps {
  campaignLists: CampaignListsService;
}
const operation = operationsUsing<CampaignListsDeps>();

export const campaignListsOperations = [
  operation({
    method: 'get',
    path: '/campaigns/{id}/lists',
    tag,
    summary: "List a campaign's lists",
    description: 'In order: the first receives the contacts an evergreen campaign schedules (`schedule_contacts`).',
    params: { id: PATH_IDS.campaign },
    errors: ['campaign_not_found'],
    response: { description: 'Its lists.', data: z.array(listResponse), example: [listExample] },
    handle: async ({ deps: { campaignLists }, organizationId, params }) => ({
      data: (await campaignLists.lists(organizationId, params.id)).map(presentList),
    }),
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/lists',
    tag,
    summary: 'Add a list to a campaign',
    description:
      "Attaches one of your lists after the campaign's others and enrolls its contacts into `batch_number` (those " +
      'enrolled already stay as they are): they wait for the next dispatch, so adding a list to a running campaign ' +
      'takes effect at the next `POST …/dispatch`. `enroll: false` only attaches it. Adding an attached list again ' +
      'enrolls the contacts it gained since.',
    params: { id: PATH_IDS.campaign },
    body: { schema: attachListSchema, example: { list_uuid: EXAMPLE_IDS.list, batch_number: 2 } },
    errors: ['campaign_not_found', 'list_not_found'],
    response: {
      status: 201,
      description: 'The list, and how many of its contacts were enrolled now.',
      data: z.object({
        list: listResponse,
        attached: z.boolean().meta({ description: 'False when the list was attached already.' }),
        enrolled: z.number().int().meta({ description: 'Contacts enrolled now, waiting for the next dispatch.' }),
        already_enrolled: z.number().int(),
      }),
      example: { list: listExample, attached: true, enrolled: 2, already_enrolled: 0 },
      message: 'List added: dispatch to start its contacts.',
    },
    handle: async ({ deps: { campaignLists }, organizationId, params, body }) => {
      const result = await campaignLists.attach(organizationId, params.id, body.list_uuid, {
        enroll: body.enroll,
        batchNumber: body.batch_number,
        priority: body.priority,
      });
      return {
        data: {
          list: presentList(result.list),
          attached: result.attached,
          enrolled: result.enrolled,
          already_enrolled: result.alreadyEnrolled,
        },
      };
    },
  }),
  operation({
    method: 'delete',
    path: '/campaigns/{id}/lists/{uuid}',
    tag,
    summary: 'Remove a list from a campaign',
    description:
      "Detaches the list. Its contacts' enrollments stay — their sequences go on; remove leads one by one to end " +
      'them — except, with `remove_undispatched=true`, those that wait for a dispatch nobody asked for yet, which ' +
      'are deleted (nothing was sent to them).',
    params: { id: PATH_IDS.campaign, uuid: PATH_IDS.list },
    query: detachListQuerySchema,
    errors: ['campaign_not_found', 'list_not_found'],
    response: {
      description: 'How many undispatched enrollments went with it.',
      data: z.object({ removed_enrollments: z.number().int() }),
      example: { removed_enrollments: 0 },
      message: 'List removed from the campaign.',
    },
    handle: async ({ deps: { campaignLists }, organizationId, params, query }) => ({
      data: {
        removed_enrollments: (
          await campaignLists.detach(organizationId, params.id, params.uuid, query.remove_undispatched)
        ).removedEnrollments,
      },
    }),
  }),
];
