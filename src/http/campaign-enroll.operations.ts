// `/campaigns/{id}/enroll`, `/enroll_contact`, `/dispatch`, `/schedule_contacts` and `/enrollments/{eid}`: putting
// contacts into a campaign and starting their sequences.
import type { CampaignControlService } from '../domain/campaigns/campaign-control.service';
import type { EnrollmentService } from '../domain/enrollments/enrollment.service';
import { operationsUsing } from './api-operation';
import { presentEnrollment, presentEnrollmentDetails } from './campaign.presenters';
import {
  dispatchResponse,
  enrollListResponse,
  enrollmentDetailsResponse,
  scheduleContactsResponse,
  type EnrollmentDetailsView,
} from './campaign.responses';
import {
  dispatchSchema,
  enrollContactSchema,
  enrollListSchema,
  scheduleContactsQuerySchema,
  scheduleContactsSchema,
} from './campaign.schemas';
import { toImportEntry } from './contact.schemas';
import { enrollmentResponse, type EnrollmentView } from './enrollment.responses';
import { presentImportCounts } from './list.presenters';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Campaigns';
const campaignPath = { id: PATH_IDS.campaign };

const enrollment: EnrollmentView = {
  id: EXAMPLE_IDS.enrollment,
  campaign_id: EXAMPLE_IDS.campaign,
  contact_id: EXAMPLE_IDS.contact,
  batch_number: 2,
  priority: 0,
  status: 'pending',
  current_step: 0,
  next_send_at: null,
  mailbox_id: null,
  workflow_id: `enrollment-${EXAMPLE_IDS.campaign}-${EXAMPLE_IDS.contact}`,
  started_at: null,
  finished_at: null,
  last_error: null,
  category: null,
  category_source: null,
  removed_at: null,
  created_at: '2026-11-22T09:30:00.000Z',
};

const enrollmentDetails: EnrollmentDetailsView = {
  ...enrollment,
  batch_number: 1,
  status: 'active',
  current_step: 1,
  next_send_at: '2026-11-23T10:04:12.000Z',
  mailbox_id: EXAMPLE_IDS.mailbox,
  started_at: '2026-11-20T10:03:05.000Z',
  created_at: '2026-11-20T10:01:00.000Z',
  contact_email: 'ada@example.com',
  workflow: {
    status: 'active',
    current_step: 1,
    total_steps: 2,
    next_step: 2,
    next_send_at: '2026-11-23T10:04:12.000Z',
    paused: false,
    campaign_paused: false,
    last_error: null,
  },
};

/** What the enrolling operations use: the enrollments, and the campaign control that schedules contacts. */
export interface CampaignEnrollDeps {
  enrollments: EnrollmentService;
  campaignControl: CampaignControlService;
}
const operation = operationsUsing<CampaignEnrollDeps>();

export const enrollList = operation({
  method: 'post',
  path: '/campaigns/{id}/enroll',
  tag,
  summary: 'Enroll a list',
  description:
    'Enrolls every contact of one of your lists into a batch, pending until dispatched; contacts already in the ' +
    'campaign are left as they are. `contact_import_id` is accepted as another name for `list_uuid`. Within a ' +
    'batch, a higher `priority` dispatches first.',
  params: campaignPath,
  body: { schema: enrollListSchema, example: { list_uuid: EXAMPLE_IDS.list, batch_number: 1 } },
  errors: ['campaign_not_found', 'contact_import_not_found'],
  response: {
    status: 201,
    description: 'How many contacts were enrolled.',
    data: enrollListResponse,
    example: { list_uuid: EXAMPLE_IDS.list, batch_number: 1, enrolled: 2, already_enrolled: 0 },
    message: '2 contact(s) enrolled in batch 1; dispatch to start.',
  },
  handle: async ({ deps: { enrollments }, organizationId, params, body }) => {
    const listUuid = (body.list_uuid ?? body.contact_import_id)!;
    const result = await enrollments.enrollList(organizationId, params.id, listUuid, body.batch_number, body.priority);
    return {
      data: {
        list_uuid: listUuid,
        batch_number: body.batch_number,
        enrolled: result.enrolled,
        already_enrolled: result.alreadyEnrolled,
      },
      message: `${result.enrolled} contact(s) enrolled in batch ${body.batch_number}; dispatch to start.`,
    };
  },
});

export const enrollContact = operation({
  method: 'post',
  path: '/campaigns/{id}/enroll_contact',
  tag,
  summary: 'Enroll one contact',
  description:
    'Give `contact_id` for one of your contacts, or `contact` to create one by email (or reuse the one with ' +
    'that email, its fields updated). The enrollment is pending until its batch is dispatched.',
  params: campaignPath,
  body: {
    schema: enrollContactSchema,
    example: {
      contact: {
        email: 'ada@example.com',
        first_name: 'Ada',
        company: 'Analytical Engines',
        timezone: 'Europe/London',
        custom_fields: { plan: 'pro' },
      },
      batch_number: 2,
    },
  },
  errors: ['campaign_not_found', 'contact_not_found', 'contact_already_enrolled'],
  response: {
    status: 201,
    description: 'The new enrollment.',
    data: enrollmentResponse,
    example: enrollment,
    message: 'Contact enrolled; dispatch to start.',
  },
  handle: async ({ deps: { enrollments }, organizationId, params, body }) => {
    const enrolled = await enrollments.enrollContact(organizationId, params.id, {
      contactId: body.contact_id,
      contact: body.contact && toImportEntry(body.contact),
      batchNumber: body.batch_number,
      priority: body.priority,
    });
    return { data: presentEnrollment(enrolled) };
  },
});

export const dispatchBatch = operation({
  method: 'post',
  path: '/campaigns/{id}/dispatch',
  tag,
  summary: 'Dispatch a batch',
  description:
    "Starts the workflows of one batch's pending enrollments (the lowest pending batch without " +
    '`batch_number`) and makes a pending campaign active; the body may be left out. Contacts that must not ' +
    'be emailed (unsubscribed, blocked, invalid, already in a sibling campaign of a `unique_contacts` ' +
    'outreach, or without mail server with `verify_email_mx`) are skipped and listed by GET …/skips. ' +
    'Refused, with nothing started, when the campaign is paused or finished or ' +
    'lacks steps or mailboxes, when the monthly plan limit is used up, when every mailbox is disabled or at ' +
    'its daily limit, or when a contact lacks a merge field a step uses without a fallback. The first 50 ' +
    'workflows start before the answer, the others in the background (the totals show them move from pending ' +
    'to active); a paused campaign holds them back until it resumes. Repeating an interrupted dispatch is safe.',
  params: campaignPath,
  body: { schema: dispatchSchema, example: { batch_number: 1 }, optional: true },
  errors: [
    'campaign_not_found',
    'campaign_not_dispatchable',
    'plan_limit_reached',
    'all_credentials_at_limit',
    'no_pending_enrollments',
    'missing_merge_field',
    'invalid_merge_field',
    'invalid_template',
  ],
  response: {
    status: 202,
    description: 'The batch was dispatched: its sequences run from now on.',
    data: dispatchResponse,
    example: { batch_number: 1, dispatched: 96, skipped: 4 },
    message: 'Dispatched 96 enrollment(s) of batch 1; 4 skipped (see GET /campaigns/:id/skips).',
  },
  handle: async ({ deps: { enrollments }, organizationId, params, body }) => {
    const result = await enrollments.dispatch(organizationId, params.id, body.batch_number);
    return {
      data: { batch_number: result.batchNumber, dispatched: result.dispatched, skipped: result.skipped },
      message:
        `Dispatched ${result.dispatched} enrollment(s) of batch ${result.batchNumber}` +
        (result.skipped > 0 ? `; ${result.skipped} skipped (see GET /campaigns/:id/skips).` : '.'),
    };
  },
});

export const scheduleContacts = operation({
  method: 'post',
  path: '/campaigns/{id}/schedule_contacts',
  tag,
  summary: 'Schedule contacts into an evergreen campaign',
  description:
    "Adds up to 1000 contacts to the campaign's first list (created, or reused by email with their fields " +
    'updated) and enrolls those not yet in the campaign in batch 1, in one transaction. ' +
    'A pending or active campaign starts their ' +
    'sequences at once (a pending one becomes active); a paused one keeps them until it is resumed. With ' +
    '`remove_duplicates` (in the body, or else the query), contacts already in the list or repeated are dropped.',
  params: campaignPath,
  query: scheduleContactsQuerySchema,
  body: {
    schema: scheduleContactsSchema,
    // This route has always validated its body before its query.
    beforeQuery: true,
    example: {
      contacts: [
        { email: 'ada@example.com', first_name: 'Ada', company: 'Analytical Engines' },
        { email: 'grace@example.net', first_name: 'Grace', custom_fields: { plan: 'pro' } },
        { email: 'not-an-email' },
      ],
      remove_duplicates: true,
    },
  },
  errors: ['campaign_not_found', 'campaign_not_evergreen', 'campaign_not_schedulable', 'campaign_has_no_list'],
  response: {
    description: 'What was added and enrolled, and whether the sequences started.',
    data: scheduleContactsResponse,
    example: {
      campaign: { uuid: EXAMPLE_IDS.campaign, name: 'Founders, evergreen', status: 'active', evergreen: true },
      list: { uuid: EXAMPLE_IDS.list, name: 'Q4 founders', total_contacts: 14 },
      contacts_processed: {
        total_submitted: 3,
        new_contacts_added: 1,
        duplicates_skipped: 1,
        invalid_emails: ['not-an-email'],
      },
      scheduled: true,
    },
    message: '1 new contacts added and will be scheduled shortly',
  },
  handle: async ({ deps: { campaignControl }, organizationId, params, query, body }) => {
    const result = await campaignControl.scheduleContacts(
      organizationId,
      params.id,
      body.contacts.map(toImportEntry),
      // `remove_duplicates` may come in the body (as the reference shows) or the query string.
      body.remove_duplicates ?? query.remove_duplicates,
    );
    const counts = presentImportCounts(result.counts);
    return {
      data: {
        campaign: {
          uuid: result.campaign.id,
          name: result.campaign.name,
          status: result.campaign.status,
          evergreen: result.campaign.evergreen,
        },
        list: { uuid: result.list.uuid, name: result.list.name, total_contacts: result.listContacts },
        contacts_processed: {
          total_submitted: counts.total_submitted,
          new_contacts_added: result.enrolled,
          duplicates_skipped: counts.total_submitted - counts.invalid_emails.length - result.enrolled,
          invalid_emails: counts.invalid_emails,
        },
        scheduled: result.scheduled,
      },
      message: result.scheduled
        ? `${result.enrolled} new contacts added and will be scheduled shortly`
        : `${result.enrolled} new contacts added to paused campaign. Resume campaign to schedule emails.`,
    };
  },
});

export const readEnrollment = operation({
  method: 'get',
  path: '/campaigns/{id}/enrollments/{eid}',
  tag,
  summary: 'Read an enrollment',
  description: "One enrollment of the campaign, with its contact's email and the live state of its workflow.",
  params: { id: PATH_IDS.campaign, eid: PATH_IDS.enrollment },
  errors: ['campaign_not_found', 'enrollment_not_found'],
  response: { description: 'The enrollment.', data: enrollmentDetailsResponse, example: enrollmentDetails },
  handle: async ({ deps: { enrollments }, organizationId, params }) => ({
    data: presentEnrollmentDetails(await enrollments.details(organizationId, params.id, params.eid)),
  }),
});
