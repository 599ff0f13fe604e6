// `/lists`: the lists (list, create, read, rename, delete) and their contacts (paged, imported as JSON or CSV, exported
// as CSV, edited, removed). Over ~300 lines, and declarative: ten operations, each with its OpenAPI description and
// examples, sharing the example list, contact and import counts.
import { z } from 'zod';
import type { ListService } from '../domain/lists/list.service';
import { operationsUsing } from './api-operation';
import { contactPatchFromBody, toImportEntry } from './contact.schemas';
import { csvRows, isCsvUpload, sendCsv } from './list-csv';
import { presentContact, presentImportCounts, presentList } from './list.presenters';
import {
  contactResponse,
  contactsPageResponse,
  createdListResponse,
  importResultResponse,
  listResponse,
  type ContactView,
  type ListView,
} from './list.responses';
import {
  contactPatchSchema,
  importBodySchema,
  importQuerySchema,
  listBodySchema,
  pageQuerySchema,
  removeQuerySchema,
} from './list.schemas';
import { errorResponses } from './openapi/operation';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Lists';
const listPath = { uuid: PATH_IDS.list };
const contactPath = { uuid: PATH_IDS.list, id: PATH_IDS.contact };

export const listExample: ListView = {
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
export const contactExample: ContactView = {
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

/** What the list operations use: the lists, and the largest CSV upload (200 MB when omitted). */
export interface ListDeps {
  lists: ListService;
  maxCsvBytes?: number;
}
const operation = operationsUsing<ListDeps>();

/** `/lists`: the reference API's lists and their contacts. */
export const listOperations = [
  operation({
    method: 'get',
    path: '/lists',
    tag,
    summary: 'List the lists',
    errors: [],
    response: {
      description: 'Every list of your organization, newest first.',
      data: z.array(listResponse),
      example: [listExample],
      extra: { shape: { total: z.number().int() }, example: { total: 1 } },
    },
    handle: async ({ deps: { lists }, organizationId }) => {
      const summaries = await lists.list(organizationId);
      return { data: summaries.map(presentList), extra: { total: summaries.length } };
    },
  }),
  operation({
    method: 'post',
    path: '/lists',
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
    handle: async ({ deps: { lists }, organizationId, body }) => {
      const created = await lists.create(organizationId, body.list.name);
      return {
        data: { id: Number(created.id), uuid: created.uuid, name: created.name, contacts_count: 0 },
      };
    },
  }),
  operation({
    method: 'get',
    path: '/lists/{uuid}',
    tag,
    summary: 'Read a list',
    params: listPath,
    errors: ['list_not_found'],
    response: { description: 'The list.', data: listResponse, example: listExample },
    handle: async ({ deps: { lists }, organizationId, params }) => ({
      data: presentList(await lists.get(organizationId, params.uuid)),
    }),
  }),
  operation({
    method: 'patch',
    path: '/lists/{uuid}',
    tag,
    summary: 'Rename a list',
    params: listPath,
    body: { schema: listBodySchema, example: { list: { name: 'Q4 founders (EU)' } } },
    errors: ['list_not_found'],
    response: {
      description: 'The renamed list.',
      data: listResponse,
      example: { ...listExample, name: 'Q4 founders (EU)' },
      message: 'List updated successfully',
    },
    handle: async ({ deps: { lists }, organizationId, params, body }) => ({
      data: presentList(await lists.rename(organizationId, params.uuid, body.list.name)),
    }),
  }),
  operation({
    method: 'delete',
    path: '/lists/{uuid}',
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
    handle: async ({ deps: { lists }, organizationId, params }) => {
      await lists.delete(organizationId, params.uuid);
      return {
        data: { uuid: params.uuid },
      };
    },
  }),
  operation({
    method: 'get',
    path: '/lists/{uuid}/contacts',
    tag,
    summary: "Page through a list's contacts",
    params: listPath,
    query: pageQuerySchema,
    errors: ['list_not_found'],
    response: {
      description: 'One page of contacts, in the order they were added.',
      data: contactsPageResponse,
      example: {
        contacts: [contactExample],
        pagination: { current_page: 1, per_page: 100, total_pages: 1, total_contacts: 1 },
      },
    },
    handle: async ({ deps: { lists }, organizationId, params, query }) => {
      const { contacts, total } = await lists.contactsPage(organizationId, params.uuid, query.page, query.per_page);
      return {
        data: {
          contacts: contacts.map(presentContact),
          pagination: {
            current_page: query.page,
            per_page: query.per_page,
            total_pages: Math.ceil(total / query.per_page),
            total_contacts: total,
          },
        },
      };
    },
  }),
  operation({
    method: 'post',
    path: '/lists/{uuid}/contacts',
    tag,
    summary: 'Import contacts into a list',
    description:
      'Adds contacts by email: a contact your organization already has is reused (its fields updated), a new ' +
      'one is created. Send JSON as below, or a CSV file (`Content-Type: text/csv`, up to 200 MB, streamed) whose ' +
      'header row names the columns: `email` plus any fields. A bulk import counts as one request for the rate limit.',
    params: listPath,
    query: importQuerySchema,
    body: {
      schema: importBodySchema,
      // A CSV file is streamed into the import by the handler.
      unless: isCsvUpload,
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
    handle: async ({ deps: { lists, maxCsvBytes }, organizationId, params, query, body, req }) => {
      const options = { removeDuplicates: query.remove_duplicates, autoClean: query.auto_clean };
      if (!body) {
        const rows = csvRows(req, maxCsvBytes);
        const result = await lists.importCsv(organizationId, params.uuid, rows, options);
        return {
          data: {
            ...presentImportCounts(result),
            invalid_emails_count: result.invalidEmailsCount,
            list_uuid: result.list.uuid,
            contacts_count: result.contactsCount,
          },
        };
      }
      const entries = body.contacts.map(toImportEntry);
      const result = await lists.importContacts(organizationId, params.uuid, entries, options);
      return {
        data: { ...presentImportCounts(result), list_uuid: result.list.uuid, contacts_count: result.contactsCount },
      };
    },
  }),
  operation({
    method: 'get',
    path: '/lists/{uuid}/contacts.csv',
    tag,
    summary: "Export a list's contacts as CSV",
    description:
      'Streams every contact: `email`, `email_valid`, `status`, `timezone`, `created_at`, then one column per field. ' +
      "A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` so that spreadsheets " +
      'show it as text rather than run it as a formula.',
    params: listPath,
    errors: ['list_not_found'],
    response: { description: 'The CSV file, as an attachment.', data: z.string(), example: '' },
    handle: async ({ deps: { lists }, organizationId, params, res }) => {
      // Resolve the list first, so an unknown one is a 404 in JSON rather than a broken download.
      await lists.require(organizationId, params.uuid);
      await sendCsv(res, `list-${params.uuid}.csv`, lists.exportCsv(organizationId, params.uuid));
    },
    document: ({ tags, summary, description, requestParams }) => ({
      tags,
      summary,
      description,
      requestParams,
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
    }),
  }),
  operation({
    method: 'patch',
    path: '/lists/{uuid}/contacts/{id}',
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
      example: { ...contactExample, fields: { first_name: 'Ada', plan: 'enterprise' } },
      message: 'Contact updated successfully',
    },
    handle: async ({ deps: { lists }, organizationId, params, body: patch }) => {
      const updated = await lists.updateContact(organizationId, params.uuid, params.id, contactPatchFromBody(patch));
      return { data: presentContact(updated) };
    },
  }),
  operation({
    method: 'delete',
    path: '/lists/{uuid}/contacts/{id}',
    tag,
    summary: 'Remove a contact from a list, or delete it',
    params: contactPath,
    query: removeQuerySchema,
    errors: ['list_not_found', 'contact_not_found'],
    response: {
      description: '`scope=list` (default) removes it from this list; `scope=organization` deletes the contact.',
      data: z.object({ id: z.uuid(), scope: z.enum(['list', 'organization']) }),
      example: { id: EXAMPLE_IDS.contact, scope: 'list' },
      message: 'Contact removed from the list; it remains in your organization',
    },
    handle: async ({ deps: { lists }, organizationId, params, query: { scope } }) => {
      await lists.removeContact(organizationId, params.uuid, params.id, scope);
      return {
        data: { id: params.id, scope },
        message:
          scope === 'list'
            ? 'Contact removed from the list; it remains in your organization'
            : 'Contact deleted from your organization',
      };
    },
  }),
];
