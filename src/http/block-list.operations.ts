import type { BlockListService } from '../domain/block-list/block-list.service';
import { operationsUsing } from './api-operation';
import { presentPagination } from './enrollment.presenters';
import { EXAMPLE_IDS } from './openapi/params';
import {
  blockListAddResponse,
  blockListEntryResponse,
  blockListPageResponse,
  type BlockListAddView,
  type BlockListEntryView,
  type BlockListPageView,
} from './organization.responses';
import { blockBodySchema, blockListPageQuerySchema } from './organization.schemas';
import { PATH_IDS } from './path-ids';

const tag = 'Block list';

const blockedDomain: BlockListEntryView = {
  id: EXAMPLE_IDS.blockListEntry,
  kind: 'domain',
  value: 'example.com',
  created_at: '2026-11-23T16:45:00.000Z',
};
const blockListPage: BlockListPageView = {
  entries: [blockedDomain],
  pagination: { current_page: 1, per_page: 100, total_pages: 1, total: 1 },
};
const blockAdded: BlockListAddView = {
  ...blockedDomain,
  enrollments_stopped: [
    {
      id: EXAMPLE_IDS.enrollment,
      campaign_id: EXAMPLE_IDS.campaign,
      contact_id: EXAMPLE_IDS.contact,
      status: 'stopped',
    },
  ],
};

/** An entry as the block list gives it. */
type BlockedAddress = Awaited<ReturnType<BlockListService['add']>>['entry'];

function presentEntry(entry: BlockedAddress): BlockListEntryView {
  return { id: entry.id, kind: entry.kind, value: entry.value, created_at: entry.createdAt.toISOString() };
}

/** What the block-list operations use: the block list. */
export interface BlockListDeps {
  blockList: BlockListService;
}
const operation = operationsUsing<BlockListDeps>();

/** `/block_list`: addresses and domains never emailed; adding one stops the enrollments it covers. */
export const blockListOperations = [
  operation({
    method: 'get',
    path: '/block_list',
    tag,
    summary: 'Page through the block list',
    query: blockListPageQuerySchema,
    errors: [],
    response: {
      description: 'One page of entries, oldest first; `per_page` is at most 500.',
      data: blockListPageResponse,
      example: blockListPage,
    },
    handle: async ({ deps: { blockList }, organizationId, query }) => {
      const { entries, total } = await blockList.page(organizationId, query.page, query.per_page);
      return {
        data: {
          entries: entries.map(presentEntry),
          pagination: presentPagination(query.page, query.per_page, total),
        },
      };
    },
  }),
  operation({
    method: 'post',
    path: '/block_list',
    tag,
    summary: 'Block an address or a domain',
    description:
      'Adds an address (normalized as contacts are) or a whole domain (lower-cased, in punycode, without a ' +
      'leading `@`; its subdomains included). Every active or paused enrollment of a contact it covers is stopped ' +
      'at once, with the reason in `last_error`; pending ones are skipped by their dispatch (skip kind ' +
      '`blocked`), and every send checks the block list too. Adding an entry that exists answers it ' +
      'with 200 and still stops what it covers.',
    body: { schema: blockBodySchema, example: { domain: 'example.com' } },
    errors: [],
    response: {
      status: 201,
      description: 'Added; `enrollments_stopped` lists the enrollments it stopped.',
      data: blockListAddResponse,
      example: blockAdded,
      message: 'Added to the block list; 1 running enrollment(s) stopped.',
      otherStatuses: [
        {
          status: 200,
          description: 'It was already on the block list: the existing entry.',
          example: { ...blockAdded, enrollments_stopped: [] },
          message: 'Already on the block list; 0 running enrollment(s) stopped.',
        },
      ],
    },
    handle: async ({ deps: { blockList }, organizationId, body }) => {
      const input = body.email !== undefined ? { email: body.email } : { domain: body.domain! };
      const { entry, created, stopped } = await blockList.add(organizationId, input);
      return {
        data: {
          ...presentEntry(entry),
          enrollments_stopped: stopped.map(({ enrollment }) => ({
            id: enrollment.id,
            campaign_id: enrollment.campaignId,
            contact_id: enrollment.contactId,
            status: enrollment.status,
          })),
        },
        status: created ? 201 : 200,
        message:
          `${created ? 'Added to the block list' : 'Already on the block list'}; ` +
          `${stopped.length} running enrollment(s) stopped.`,
      };
    },
  }),
  operation({
    method: 'delete',
    path: '/block_list/{id}',
    tag,
    summary: 'Unblock an address or a domain',
    description: 'Sending to it is allowed again from now on; the enrollments it stopped stay stopped.',
    params: { id: PATH_IDS.blockListEntry },
    errors: ['block_list_entry_not_found'],
    response: {
      description: 'The entry is gone.',
      data: blockListEntryResponse.pick({ id: true }),
      example: { id: EXAMPLE_IDS.blockListEntry },
      message: 'Removed from the block list; enrollments it stopped stay stopped.',
    },
    handle: async ({ deps: { blockList }, organizationId, params }) => {
      await blockList.remove(organizationId, params.id);
      return { data: { id: params.id } };
    },
  }),
];
