import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { errorResponses, operation } from './operation';
import { contactIdParam, EXAMPLE_IDS, listUuidParam } from './params';
import {
  contactPatchSchema,
  importBodySchema,
  importQuerySchema,
  listBodySchema,
  pageQuerySchema,
  removeQuerySchema,
} from '../list.schemas';
import {
  contactResponse,
  contactsPageResponse,
  createdListResponse,
  importResultResponse,
  listResponse,
  type ContactView,
  type ListView,
} from '../list.responses';

const tag = 'Lists';
const listPath = { path: z.object({ uuid: listUuidParam }) };
const contactPath = { path: z.object({ uuid: listUuidParam, id: contactIdParam }) };

const list: ListView = {
  id: 12,
  uuid: EXAMPLE_IDS.list,
  name: 'Q4 founders',
  contacts_count: 2,
  created_at: '2026-11-20T09:30:00.000Z',
  updated_at: '2026-11-21T14:02:11.000Z',
  has_campaign: true,
  campaign_id: EXAMPLE_IDS.campaign,
  campaign_name: 'Founders, Q4',
};
const contact: ContactView = {
  id: EXAMPLE_IDS.contact,
  email: 'ada@example.com',
  email_valid: true,
  status: 'active',
  timezone: 'Europe/London',
  created_at: '2026-11-20T09:31:00.000Z',
  updated_at: '2026-11-20T09:31:00.000Z',
  fields: { first_name: 'Ada', company: 'Analytical Engines', plan: 'pro' },
};
const importCounts = {
  total_submitted: 3,
  total_added: 2,
  new_contacts: 1,
  existing_contacts_added: 1,
  duplicates_removed: 0,
  invalid_emails: ['not-an-email'],
  list_uuid: EXAMPLE_IDS.list,
  contacts_count: 2,
};

export const listPaths: ZodOpenApiPathsObject = {
  '/api/v1/lists': {
    get: operation({
      tag,
      summary: 'List the lists',
      errors: [],
      response: {
        description: 'Every list of your organization, newest first.',
        data: z.array(listResponse),
        example: [list],
        extra: { shape: { total: z.number().int() }, example: { total: 1 } },
      },
    }),
    post: operation({
      tag,
      summary: 'Create a list',
      body: { schema: listBodySchema, example: { list: { name: 'Q4 founders' } } },
      errors: [],
      response: {
        status: 201,
        description: 'The new, empty list.',
        data: createdListResponse,
        example: { id: 12, uuid: EXAMPLE_IDS.list, name: 'Q4 founders', contacts_count: 0 },
        message: 'List created successfully',
      },
    }),
  },
  '/api/v1/lists/{uuid}': {
    get: operation({
      tag,
      summary: 'Read a list',
      params: listPath,
      errors: ['list_not_found'],
      response: { description: 'The list.', data: listResponse, example: list },
    }),
    patch: operation({
      tag,
      summary: 'Rename a list',
      params: listPath,
      body: { schema: listBodySchema, example: { list: { name: 'Q4 founders (EU)' } } },
      errors: ['list_not_found'],
      response: {
        description: 'The renamed list.',
        data: listResponse,
        example: { ...list, name: 'Q4 founders (EU)' },
        message: 'List updated successfully',
      },
    }),
    delete: operation({
      tag,
      summary: 'Delete a list',
      description: 'Its contacts stay in your organization and in the campaigns they are enrolled in.',
      params: listPath,
      errors: ['list_not_found'],
      response: {
        description: 'The list is gone.',
        data: z.object({ uuid: z.uuid() }),
        example: { uuid: EXAMPLE_IDS.list },
        message: 'List deleted successfully; its contacts remain in your organization',
      },
    }),
  },
  '/api/v1/lists/{uuid}/contacts': {
    get: operation({
      tag,
      summary: "Page through a list's contacts",
      params: { ...listPath, query: pageQuerySchema },
      errors: ['list_not_found'],
      response: {
        description: 'One page of contacts, in the order they were added.',
        data: contactsPageResponse,
        example: {
          contacts: [contact],
          pagination: { current_page: 1, per_page: 100, total_pages: 1, total_contacts: 1 },
        },
      },
    }),
    post: {
      ...operation({
        tag,
        summary: 'Import contacts into a list',
        description:
          'Adds contacts by email: a contact your organization already has is reused (its fields updated), a new ' +
          'one is created. Send JSON as below, or a CSV file (`Content-Type: text/csv`, up to 200 MB, streamed) whose ' +
          'header row names the columns: `email` plus any fields. A bulk import counts as one request for the rate limit.',
        params: { ...listPath, query: importQuerySchema },
        body: {
          schema: importBodySchema,
          example: {
            contacts: [
              {
                email: 'ada@example.com',
                first_name: 'Ada',
                company: 'Analytical Engines',
                timezone: 'Europe/London',
                custom_fields: { plan: 'pro' },
              },
              { email: 'grace@example.com', first_name: 'Grace' },
              { email: 'not-an-email' },
            ],
          },
        },
        errors: ['list_not_found'],
        response: {
          description: 'How many contacts were added, reused, removed as duplicates or found invalid.',
          data: importResultResponse,
          example: importCounts,
          message: 'Successfully processed contacts',
        },
      }),
    },
  },
  '/api/v1/lists/{uuid}/contacts.csv': {
    get: {
      tags: [tag],
      summary: "Export a list's contacts as CSV",
      description:
        'Streams every contact: `email`, `email_valid`, `status`, `timezone`, `created_at`, then one column per field. ' +
        "A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` so that spreadsheets " +
        'show it as text rather than run it as a formula.',
      requestParams: listPath,
      responses: {
        '200': {
          description: 'The CSV file, as an attachment.',
          content: {
            'text/csv': {
              schema: z.string(),
              example:
                'email,email_valid,status,timezone,created_at,first_name,company\n' +
                'ada@example.com,true,active,Europe/London,2026-11-20T09:31:00.000Z,Ada,Analytical Engines\n',
            },
          },
        },
        ...errorResponses(['list_not_found', 'unauthorized', 'rate_limited', 'service_unavailable', 'internal_error']),
      },
    },
  },
  '/api/v1/lists/{uuid}/contacts/{id}': {
    patch: operation({
      tag,
      summary: 'Edit a contact of a list',
      description: 'Fields set to null are removed. The contact is shared by every list and campaign it is in.',
      params: contactPath,
      body: {
        schema: contactPatchSchema,
        example: { first_name: 'Ada', company: null, custom_fields: { plan: 'enterprise' } },
      },
      errors: ['list_not_found', 'contact_not_found', 'conflict'],
      response: {
        description: 'The contact as it is now.',
        data: contactResponse,
        example: { ...contact, fields: { first_name: 'Ada', plan: 'enterprise' } },
        message: 'Contact updated successfully',
      },
    }),
    delete: operation({
      tag,
      summary: 'Remove a contact from a list, or delete it',
      params: { ...contactPath, query: removeQuerySchema },
      errors: ['list_not_found', 'contact_not_found'],
      response: {
        description: '`scope=list` (default) removes it from this list; `scope=organization` deletes the contact.',
        data: z.object({ id: z.uuid(), scope: z.enum(['list', 'organization']) }),
        example: { id: EXAMPLE_IDS.contact, scope: 'list' },
        message: 'Contact removed from the list; it remains in your organization',
      },
    }),
  },
};
