import { z } from 'zod';
import type { ContactDetails, ContactService } from '../domain/contacts/contact.service';
import type { EnrollmentControlService } from '../domain/enrollments/enrollment-control.service';
import { operationsUsing } from './api-operation';
import { contactDetailsResponse, contactPageResponse, type ContactDetailsView } from './contact.responses';
import { contactPageQuerySchema, contactPatchFromBody } from './contact.schemas';
import { presentContactChange, presentPagination } from './enrollment.presenters';
import { contactChangeResponse } from './enrollment.responses';
import { contactExample } from './list.operations';
import { presentContact } from './list.presenters';
import { contactResponse } from './list.responses';
import { contactPatchSchema } from './list.schemas';
import { contactUnsubscribed } from './openapi/examples';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Contacts';

const contactDetailsExample: ContactDetailsView = {
  ...contactExample,
  lists: [{ uuid: EXAMPLE_IDS.list, name: 'Founders, November' }],
  enrollments: [{ id: EXAMPLE_IDS.enrollment, campaign_id: EXAMPLE_IDS.campaign, status: 'active', current_step: 1 }],
};

function presentContactDetails({ contact, lists, enrollments }: ContactDetails): ContactDetailsView {
  return {
    ...presentContact(contact),
    lists,
    enrollments: enrollments.map((enrollment) => ({
      id: enrollment.id,
      campaign_id: enrollment.campaignId,
      status: enrollment.status,
      current_step: enrollment.currentStep,
    })),
  };
}

/** What the contact operations use: the contacts, and the enrollment control calls. */
export interface ContactDeps {
  contacts: ContactService;
  enrollmentControl: EnrollmentControlService;
}
const operation = operationsUsing<ContactDeps>();

const contactPath = { id: PATH_IDS.contact };

/** `/contacts`: the organization's contacts across lists, and organization-wide actions on one. */
export const contactOperations = [
  operation({
    method: 'get',
    path: '/contacts',
    tag,
    summary: 'Find contacts',
    description:
      "The organization's contacts across every list, oldest first: `email` matches part of the address in any " +
      'case, `status` one status. `per_page` is at most 500.',
    query: contactPageQuerySchema,
    errors: [],
    response: {
      description: 'One page of contacts.',
      data: contactPageResponse,
      example: { contacts: [contactExample], pagination: { current_page: 1, per_page: 100, total_pages: 1, total: 1 } },
    },
    handle: async ({ deps: { contacts }, organizationId, query }) => {
      const found = await contacts.page(
        organizationId,
        { email: query.email, status: query.status },
        query.page,
        query.per_page,
      );
      return {
        data: {
          contacts: found.contacts.map(presentContact),
          pagination: presentPagination(query.page, query.per_page, found.total),
        },
      };
    },
  }),
  operation({
    method: 'get',
    path: '/contacts/{id}',
    tag,
    summary: 'Get a contact',
    description: 'The contact, the lists it is in and its enrollments in every campaign.',
    params: contactPath,
    errors: ['contact_not_found'],
    response: { description: 'The contact.', data: contactDetailsResponse, example: contactDetailsExample },
    handle: async ({ deps: { contacts }, organizationId, params }) => ({
      data: presentContactDetails(await contacts.get(organizationId, params.id)),
    }),
  }),
  operation({
    method: 'patch',
    path: '/contacts/{id}',
    tag,
    summary: 'Edit a contact',
    description:
      'As `PATCH /lists/{uuid}/contacts/{id}`, without naming a list: the email (unique in the organization; a new ' +
      'one is checked again), standard and custom fields (null removes one) and the timezone. Every list and ' +
      'campaign shares the contact: its next message renders with the new values.',
    params: contactPath,
    body: {
      schema: contactPatchSchema,
      example: { company: 'Analytical Engines Ltd', custom_fields: { plan: 'pro' } },
    },
    errors: ['contact_not_found', 'conflict'],
    response: {
      description: 'The contact as it is now.',
      data: contactResponse,
      example: contactExample,
      message: 'Contact updated successfully',
    },
    handle: async ({ deps: { contacts }, organizationId, params, body }) => ({
      data: presentContact(await contacts.update(organizationId, params.id, contactPatchFromBody(body))),
    }),
  }),
  operation({
    method: 'delete',
    path: '/contacts/{id}',
    tag,
    summary: 'Delete a contact',
    description:
      'Deletes the contact with its list memberships, enrollments and message history. To stop emailing someone ' +
      'and keep the record, unsubscribe them instead (`POST /contacts/{id}/unsubscribe`).',
    params: contactPath,
    errors: ['contact_not_found'],
    response: {
      description: 'Deleted.',
      data: z.object({ id: z.uuid(), deleted: z.literal(true) }),
      example: { id: EXAMPLE_IDS.contact, deleted: true },
      message: 'Contact deleted from your organization',
    },
    handle: async ({ deps: { contacts }, organizationId, params }) => {
      await contacts.delete(organizationId, params.id);
      return { data: { id: params.id, deleted: true as const } };
    },
  }),
  operation({
    method: 'post',
    path: '/contacts/{id}/unsubscribe',
    tag,
    summary: 'Unsubscribe a contact everywhere',
    description:
      'The contact becomes `unsubscribed` (one that `complained` stays so) and its pending, active and paused ' +
      'enrollments, in every campaign, end `unsubscribed`; running workflows are signalled after the change is ' +
      'saved. Repeating it changes nothing (`contact_changed: false`, `affected: 0`). To unsubscribe it from one ' +
      'campaign only, `POST /campaigns/{id}/enrollments/{eid}/unsubscribe` with `scope: "campaign"`.',
    params: contactPath,
    errors: ['contact_not_found'],
    response: {
      description: 'The contact and every enrollment of it, as the unsubscribe left them.',
      data: contactChangeResponse,
      example: contactUnsubscribed,
      message: 'Contact unsubscribed from every campaign; 2 enrollment(s) ended.',
    },
    handle: async ({ deps: { enrollmentControl }, organizationId, params }) => {
      const change = await enrollmentControl.unsubscribeContact(organizationId, params.id);
      const presented = presentContactChange(change);
      return {
        data: presented,
        message:
          change.contactChanged || presented.affected > 0
            ? `Contact unsubscribed from every campaign; ${presented.affected} enrollment(s) ended.`
            : 'The contact was already unsubscribed; nothing changed.',
      };
    },
  }),
];
