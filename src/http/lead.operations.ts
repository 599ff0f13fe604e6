// A campaign's enrollments as leads: removing one from the campaign, categorizing it, and exporting them as CSV.
import { z } from 'zod';
import type { LeadService } from '../domain/enrollments/lead.service';
import { LEAD_EXPORT_COLUMNS } from '../domain/enrollments/lead.service';
import { operationsUsing } from './api-operation';
import { enrollmentExample } from './enrollment.operations';
import { presentEnrollmentChange } from './enrollment.presenters';
import { enrollmentChangeResponse, type EnrollmentChangeView } from './enrollment.responses';
import { enrollmentPatchSchema, leadFilterQuerySchema } from './lead.schemas';
import { sendCsv } from './list-csv';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Enrollments';
const campaignPath = { id: PATH_IDS.campaign };
const enrollmentPath = { id: PATH_IDS.campaign, eid: PATH_IDS.enrollment };

const lead: EnrollmentChangeView = { ...enrollmentExample, changed: true };
const csvExample =
  `${LEAD_EXPORT_COLUMNS.join(',')}\n` +
  `ada@example.com,Ada,Lovelace,replied,2,replied,2026-11-24T10:02:00.000Z,interested,sales@example.com,,${EXAMPLE_IDS.enrollment}\n`;

/** What the lead operations use. */
export interface LeadDeps {
  leads: LeadService;
}
const operation = operationsUsing<LeadDeps>();

/** `DELETE`/`PATCH /campaigns/{id}/enrollments/{eid}` and `GET /campaigns/{id}/enrollments.csv`. */
export const leadOperations = [
  operation({
    method: 'delete',
    path: '/campaigns/{id}/enrollments/{eid}',
    tag,
    summary: 'Remove a lead from a campaign',
    description:
      'Removes the lead from this campaign only: a running or pending enrollment ends `stopped` (its workflow is ' +
      'told to stop after the change is saved, and every send re-reads the enrollment, so nothing more goes out), ' +
      'a finished one keeps its status; either way it gets `removed_at`. Its messages, replies and statistics are ' +
      'kept, and the contact stays in its lists and its other campaigns. The enrollment is kept as the record of ' +
      'what was sent, so the contact is not enrolled in this campaign again: `enroll_contact` answers ' +
      '`contact_already_enrolled`, and enrolling or dispatching a list that holds it leaves it out (a new ' +
      'enrollment would start the sequence over and re-send its first steps). Removed leads are left out of ' +
      '`GET …/enrollments` and the CSV export unless `removed=include`. Repeating it changes nothing (`changed: false`).',
    params: enrollmentPath,
    errors: ['campaign_not_found', 'enrollment_not_found'],
    response: {
      description: 'The enrollment as the removal left it.',
      data: enrollmentChangeResponse,
      example: {
        ...lead,
        status: 'stopped',
        next_send_at: null,
        finished_at: '2026-11-23T16:45:00.000Z',
        removed_at: '2026-11-23T16:45:00.000Z',
      },
      message: 'Lead removed from the campaign: nothing more is sent to it; its history is kept.',
    },
    handle: async ({ deps: { leads }, organizationId, params }) => {
      const change = await leads.remove(organizationId, params.id, params.eid);
      return {
        data: presentEnrollmentChange(change),
        message: change.changed
          ? 'Lead removed from the campaign: nothing more is sent to it; its history is kept.'
          : 'Nothing changed: the lead was already removed from the campaign.',
      };
    },
  }),
  operation({
    method: 'patch',
    path: '/campaigns/{id}/enrollments/{eid}',
    tag,
    summary: "Set a lead's category",
    description:
      'Sets the lead’s category in this campaign: `interested`, `not_interested`, `meeting_booked`, ' +
      '`out_of_office`, `wrong_person`, or a label of your own (at most 64 characters); null clears it. A ' +
      'category set here is `manual`: the reply classifier, which sets `out_of_office` by itself when an ' +
      'auto-reply in the thread is a vacation notice, never overwrites it. Removed leads can be categorized too.',
    params: enrollmentPath,
    body: { schema: enrollmentPatchSchema, example: { enrollment: { category: 'meeting_booked' } } },
    errors: ['campaign_not_found', 'enrollment_not_found'],
    response: {
      description: 'The enrollment as the call left it; `changed` is false when it had this category already.',
      data: enrollmentChangeResponse,
      example: { ...lead, category: 'meeting_booked', category_source: 'manual' },
      message: 'Category set.',
    },
    handle: async ({ deps: { leads }, organizationId, params, body }) => {
      const { category } = body.enrollment;
      const change = await leads.setCategory(organizationId, params.id, params.eid, category);
      return {
        data: presentEnrollmentChange(change),
        message: !change.changed ? 'Nothing changed.' : category === null ? 'Category cleared.' : 'Category set.',
      };
    },
  }),
  operation({
    method: 'get',
    path: '/campaigns/{id}/enrollments.csv',
    tag,
    summary: "Export a campaign's leads as CSV",
    description:
      `Streams one row per enrollment, in the order they were enrolled: ${LEAD_EXPORT_COLUMNS.map((c) => `\`${c}\``).join(', ')}. ` +
      '`last_event` is the latest of `sent`, `opened`, `clicked`, `replied`, `bounced`, `unsubscribed` recorded on ' +
      'its messages, `last_event_at` its time; `mailbox` the address it is sent from. The filters are those of ' +
      '`GET …/enrollments` (`status`, `category`, `removed`). Rows are read in batches, so any campaign size ' +
      "exports in constant memory. A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` " +
      'so that spreadsheets show it as text rather than run it as a formula.',
    params: campaignPath,
    query: leadFilterQuerySchema,
    errors: ['campaign_not_found'],
    response: { description: 'The CSV file, as an attachment.', data: z.string(), example: '' },
    handle: async ({ deps: { leads }, organizationId, params, query, res }) => {
      // Resolved before the first byte, so an unknown campaign is a 404 in JSON rather than a broken download.
      const rows = await leads.exportCsv(organizationId, params.id, {
        statuses: query.status,
        category: query.category,
        removed: query.removed,
      });
      await sendCsv(res, `campaign-${params.id}-leads.csv`, rows);
    },
    document: (generated) => ({
      ...generated,
      responses: {
        ...generated.responses,
        '200': {
          description: 'The CSV file, as an attachment.',
          content: { 'text/csv': { schema: z.string(), example: csvExample } },
        },
      },
    }),
  }),
];
