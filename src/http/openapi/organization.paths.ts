import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { operation, type OperationSpec } from './operation';
import { blockListEntryIdParam, contactIdParam, EXAMPLE_IDS, outreachIdParam } from './params';
import { contactChangeResponse } from '../enrollment.responses';
import { contactUnsubscribed } from './examples';
import { blockBodySchema, blockListPageQuerySchema, createOutreachSchema } from '../organization.schemas';
import {
  blockListAddResponse,
  blockListEntryResponse,
  blockListPageResponse,
  outreachDetailsResponse,
  outreachResponse,
  type BlockListAddView,
  type BlockListEntryView,
  type BlockListPageView,
  type OutreachDetailsView,
  type OutreachView,
} from '../organization.responses';

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
/** `POST /block_list` answers 201 for a new entry and 200 for one already there: the same shape. */
const addToBlockList = (response: Pick<OperationSpec['response'], 'status' | 'description' | 'example' | 'message'>) =>
  operation({
    tag: 'Block list',
    summary: 'Block an address or a domain',
    description:
      'Adds an address (normalized as contacts are) or a whole domain (lower-cased, in punycode, without a ' +
      'leading `@`; its subdomains included). Every active or paused enrollment of a contact it covers is stopped ' +
      'at once, with the reason in `last_error`; pending ones are skipped by their dispatch (skip kind ' +
      '`blocked`), and every send checks the block list too. Adding an entry that exists answers it ' +
      'with 200 and still stops what it covers.',
    body: { schema: blockBodySchema, example: { domain: 'example.com' } },
    errors: [],
    response: { ...response, data: blockListAddResponse },
  });
const blockAddedNew = addToBlockList({
  status: 201,
  description: 'Added; `enrollments_stopped` lists the enrollments it stopped.',
  example: blockAdded,
  message: 'Added to the block list; 1 running enrollment(s) stopped.',
});
const blockAddedAgain = addToBlockList({
  status: 200,
  description: 'It was already on the block list: the existing entry.',
  example: { ...blockAdded, enrollments_stopped: [] } satisfies BlockListAddView,
  message: 'Already on the block list; 0 running enrollment(s) stopped.',
});

export const organizationPaths: ZodOpenApiPathsObject = {
  '/api/v1/contacts/{id}/unsubscribe': {
    post: operation({
      tag: 'Contacts',
      summary: 'Unsubscribe a contact everywhere',
      description:
        'The contact becomes `unsubscribed` (one that `complained` stays so) and its pending, active and paused ' +
        'enrollments, in every campaign, end `unsubscribed`; running workflows are signalled after the change is ' +
        'saved. Repeating it changes nothing (`contact_changed: false`, `affected: 0`).',
      params: { path: z.object({ id: contactIdParam }) },
      errors: ['contact_not_found'],
      response: {
        description: 'The contact and every enrollment of it, as the unsubscribe left them.',
        data: contactChangeResponse,
        example: contactUnsubscribed,
        message: 'Contact unsubscribed from every campaign; 2 enrollment(s) ended.',
      },
    }),
  },
  '/api/v1/outreaches': {
    get: operation({
      tag: 'Outreaches',
      summary: 'List the outreaches',
      errors: [],
      response: {
        description: 'Every outreach of your organization, newest first.',
        data: z.array(outreachResponse),
        example: [outreach],
        extra: { shape: { total: z.number().int() }, example: { total: 1 } },
      },
    }),
    post: operation({
      tag: 'Outreaches',
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
    }),
  },
  '/api/v1/outreaches/{id}': {
    get: operation({
      tag: 'Outreaches',
      summary: 'Read an outreach',
      params: { path: z.object({ id: outreachIdParam }) },
      errors: ['outreach_not_found'],
      response: {
        description: 'The outreach and its campaigns, oldest first.',
        data: outreachDetailsResponse,
        example: outreachDetails,
      },
    }),
  },
  '/api/v1/block_list': {
    get: operation({
      tag: 'Block list',
      summary: 'Page through the block list',
      params: { query: blockListPageQuerySchema },
      errors: [],
      response: {
        description: 'One page of entries, oldest first; `per_page` is at most 500.',
        data: blockListPageResponse,
        example: blockListPage,
      },
    }),
    post: {
      ...blockAddedNew,
      responses: { '200': blockAddedAgain.responses['200']!, ...blockAddedNew.responses },
    },
  },
  '/api/v1/block_list/{id}': {
    delete: operation({
      tag: 'Block list',
      summary: 'Unblock an address or a domain',
      description: 'Sending to it is allowed again from now on; the enrollments it stopped stay stopped.',
      params: { path: z.object({ id: blockListEntryIdParam }) },
      errors: ['block_list_entry_not_found'],
      response: {
        description: 'The entry is gone.',
        data: blockListEntryResponse.pick({ id: true }),
        example: { id: EXAMPLE_IDS.blockListEntry },
        message: 'Removed from the block list; enrollments it stopped stay stopped.',
      },
    }),
  },
};
