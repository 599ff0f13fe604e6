import { z } from 'zod';
import { CONTACT_STATUSES } from '../domain/contacts/contact-model';
import { timestamp } from './response-fields';

/** The shapes the list routes answer with: the presenters return these types, the OpenAPI document shows them. */
export const listResponse = z
  .object({
    id: z.number().int().meta({ description: 'The numeric id of the reference API; use `uuid` in paths.' }),
    uuid: z.uuid(),
    name: z.string(),
    contacts_count: z.number().int(),
    created_at: timestamp,
    updated_at: timestamp,
    has_campaign: z.boolean(),
    campaign_id: z.uuid().nullable().meta({ description: 'The campaign that sends to this list, if any.' }),
    campaign_name: z.string().nullable(),
  })
  .meta({ id: 'List' });
export type ListView = z.output<typeof listResponse>;

export const contactResponse = z
  .object({
    id: z.uuid(),
    email: z.string(),
    email_valid: z.boolean().nullable().meta({
      description:
        'False when the address is malformed or has no mail server: kept, never sent to. Null until checked.',
    }),
    status: z.enum(CONTACT_STATUSES),
    timezone: z.string().nullable().meta({ description: 'IANA time zone; sending windows use it when set.' }),
    created_at: timestamp,
    updated_at: timestamp,
    fields: z
      .record(z.string(), z.string())
      .meta({ description: 'Standard and custom fields in one map; each is a merge tag such as {{ first_name }}.' }),
  })
  .meta({ id: 'Contact' });
export type ContactView = z.output<typeof contactResponse>;

export const importCountsResponse = z.object({
  total_submitted: z.number().int(),
  total_added: z.number().int().meta({ description: 'new_contacts + existing_contacts_added' }),
  new_contacts: z.number().int(),
  existing_contacts_added: z.number().int().meta({ description: 'Contacts of your organization added to this list.' }),
  duplicates_removed: z.number().int(),
  invalid_emails: z
    .array(z.string())
    .meta({ description: 'The submitted addresses that are not valid emails, as submitted: stored, never sent to.' }),
});
export type ImportCountsView = z.output<typeof importCountsResponse>;

export const importResultResponse = importCountsResponse
  .extend({
    invalid_emails_count: z
      .number()
      .int()
      .optional()
      .meta({ description: 'CSV uploads only: how many rows had an invalid email.' }),
    list_uuid: z.uuid(),
    contacts_count: z.number().int(),
  })
  .meta({ id: 'ImportResult' });
export type ImportResultView = z.output<typeof importResultResponse>;

export const createdListResponse = listResponse.pick({ id: true, uuid: true, name: true, contacts_count: true });
export type CreatedListView = z.output<typeof createdListResponse>;

export const contactsPageResponse = z.object({
  contacts: z.array(contactResponse),
  pagination: z.object({
    current_page: z.number().int(),
    per_page: z.number().int(),
    total_pages: z.number().int(),
    total_contacts: z.number().int(),
  }),
});
export type ContactsPageView = z.output<typeof contactsPageResponse>;
