// `/campaigns/{id}/enrollments`: paging through a campaign's enrollments, resending (or recording as delivered) a
// message whose outcome is unknown, and pausing, resuming, stopping or unsubscribing one (the conversation itself:
// conversation.operations.ts). Over ~300 lines, and declarative: each operation with its long OpenAPI description
// and its examples, which share the example enrollment and messages.
import type { EnrollmentChange, EnrollmentControlService } from '../domain/enrollments/enrollment-control.service';
import type { EnrollmentHistoryService } from '../domain/enrollments/enrollment-history.service';
import type { LeadService } from '../domain/enrollments/lead.service';
import type { UnknownSendService } from '../domain/enrollments/unknown-sends.service';
import { operationsUsing } from './api-operation';
import { presentEnrollment } from './campaign.presenters';
import { presentEnrollmentChange, presentMessage, presentPagination } from './enrollment.presenters';
import {
  enrollmentChangeResponse,
  enrollmentsPageResponse,
  enrollmentUnsubscribeResponse,
  messageResponse,
  type EnrollmentChangeView,
  type EnrollmentsPageView,
  type EnrollmentView,
  type MessageView,
} from './enrollment.responses';
import { enrollmentsQuerySchema, resumeBodySchema } from './enrollment.schemas';
import { unsubscribeBodySchema } from './lead.schemas';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Enrollments';
const campaignPath = { id: PATH_IDS.campaign };
const enrollmentPath = { id: PATH_IDS.campaign, eid: PATH_IDS.enrollment };
const messagePath = { id: PATH_IDS.campaign, eid: PATH_IDS.enrollment, step: PATH_IDS.step };
/** Every route of one enrollment looks it up in the campaign first. */
const notFound = ['campaign_not_found', 'enrollment_not_found'] as const;

/** The enrollment every example shows (the lead operations' too). */
export const enrollmentExample: EnrollmentView = {
  id: EXAMPLE_IDS.enrollment,
  campaign_id: EXAMPLE_IDS.campaign,
  contact_id: EXAMPLE_IDS.contact,
  batch_number: 1,
  priority: 0,
  status: 'active',
  current_step: 1,
  next_send_at: '2026-11-25T09:30:00.000Z',
  mailbox_id: EXAMPLE_IDS.mailbox,
  workflow_id: `enrollment-${EXAMPLE_IDS.campaign}-${EXAMPLE_IDS.contact}`,
  started_at: '2026-11-22T09:30:00.000Z',
  finished_at: null,
  last_error: null,
  category: null,
  category_source: null,
  removed_at: null,
  created_at: '2026-11-21T14:02:11.000Z',
};
/** A control call's answer: the enrollment as it left it. */
const changed = (fields: Partial<EnrollmentView>, change = true): EnrollmentChangeView => ({
  ...enrollmentExample,
  ...fields,
  changed: change,
});
const enrollmentsPage: EnrollmentsPageView = {
  enrollments: [{ ...enrollmentExample, contact_email: 'ada@example.com' }],
  pagination: { current_page: 1, per_page: 100, total_pages: 1, total: 1 },
};
const messages: MessageView[] = [
  {
    step: 1,
    variant_label: 'A',
    message_id: '<p7H0w2kQ9cR1sV4xY8zB3nD6fJ5mL0aT@mail.example.com>',
    status: 'sent',
    subject: 'A question about Analytical Engines',
    to_email: 'ada@example.com',
    sent_at: '2026-11-22T09:30:04.000Z',
    opened_at: '2026-11-22T10:12:40.000Z',
    clicked_at: null,
    replied_at: null,
    bounced_at: null,
    smtp_response: '250 2.0.0 Ok: queued as 4F2A81C0D3',
    replies: [
      {
        kind: 'auto_reply',
        match_confidence: 'high',
        from_email: 'ada@example.com',
        subject: 'Out of office: A question about Analytical Engines',
        snippet: 'I am away until 1 December, with limited access to email.',
        folder: 'INBOX',
        received_at: '2026-11-22T09:31:10.000Z',
      },
    ],
  },
];
const unknownMessage: MessageView = {
  ...messages[0]!,
  step: 2,
  variant_label: null,
  status: 'unknown',
  subject: 'Re: A question about Analytical Engines',
  sent_at: null,
  opened_at: null,
  smtp_response: 'Connection closed unexpectedly',
  replies: [],
};

/** What the enrollment operations use: control calls, their history, leads, and the sends whose outcome is unknown. */
export interface EnrollmentDeps {
  enrollmentControl: EnrollmentControlService;
  enrollmentHistory: EnrollmentHistoryService;
  leads: LeadService;
  unknownSends: UnknownSendService;
}
const operation = operationsUsing<EnrollmentDeps>();

/**
 * `/campaigns/{id}/enrollments`: list them, read one's messages (and resolve one whose outcome is unknown), and
 * pause, resume, stop or unsubscribe one.
 */
export const enrollmentOperations = [
  operation({
    method: 'get',
    path: '/campaigns/{id}/enrollments',
    tag,
    summary: "Page through a campaign's enrollments",
    description:
      'In the order they were enrolled, each with its contact’s email; `status` keeps only some statuses ' +
      '(`?status=active,paused`), `category` one category; leads removed from the campaign are left out unless ' +
      '`removed=include` (or `only`). `per_page` is at most 500.',
    params: campaignPath,
    query: enrollmentsQuerySchema,
    errors: ['campaign_not_found'],
    response: { description: 'One page of enrollments.', data: enrollmentsPageResponse, example: enrollmentsPage },
    handle: async ({ deps: { enrollmentHistory }, organizationId, params, query }) => {
      const { enrollments, total } = await enrollmentHistory.page(
        organizationId,
        params.id,
        { statuses: query.status, category: query.category, removed: query.removed },
        { page: query.page, perPage: query.per_page },
      );
      return {
        data: {
          enrollments: enrollments.map((enrollment) => ({
            ...presentEnrollment(enrollment),
            contact_email: enrollment.contact?.email ?? null,
          })),
          pagination: presentPagination(query.page, query.per_page, total),
        },
      };
    },
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/enrollments/{eid}/messages/{step}/resend',
    tag,
    summary: 'Resend a message whose outcome is unknown',
    description:
      'A send whose outcome is `unknown` (the connection to the SMTP server broke or timed out after the message ' +
      'was transmitted, or a worker died mid-send) is never re-sent automatically: the server may have delivered ' +
      'it. When you have checked that it did not arrive (the provider’s logs, the recipient), resend it: it goes ' +
      'out once more from the same mailbox with the same Message-ID (a server that did get the first copy may ' +
      'drop the second as a duplicate), after the mailbox’s rest and within the sending window, and does not ' +
      'count again against the limits. The answer is immediate (202); read the messages again for the outcome. ' +
      'Refused when someone asked to stop since (the contact unsubscribed, replied or bounced; the enrollment or ' +
      'campaign was stopped or paused).',
    params: messagePath,
    errors: [...notFound, 'message_not_found', 'message_not_unknown', 'message_not_resendable'],
    response: {
      status: 202,
      description: 'The message as it was when the resend was queued (still `unknown`).',
      data: messageResponse,
      example: unknownMessage,
      message:
        'Resend of step 2 queued: it goes out once, from the same mailbox; read the message again for its outcome.',
    },
    handle: async ({ deps: { unknownSends }, organizationId, params: { id, eid, step } }) => {
      const message = await unknownSends.resend(organizationId, id, eid, step);
      return {
        data: presentMessage(message, []),
        message: `Resend of step ${step} queued: it goes out once, from the same mailbox; read the message again for its outcome.`,
      };
    },
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/enrollments/{eid}/messages/{step}/mark_sent',
    tag,
    summary: 'Record a message whose outcome was unknown as delivered',
    description:
      'When you have checked that a send whose outcome is `unknown` did arrive, record it: the message becomes ' +
      '`sent` (as of when it was attempted) and counts as sent in the statistics. Nothing is sent.',
    params: messagePath,
    errors: [...notFound, 'message_not_found', 'message_not_unknown'],
    response: {
      description: 'The message, now `sent`.',
      data: messageResponse,
      example: { ...unknownMessage, status: 'sent', sent_at: '2026-11-24T09:30:06.000Z' },
      message: 'Step 2 recorded as delivered.',
    },
    handle: async ({ deps: { unknownSends }, organizationId, params: { id, eid, step } }) => {
      const message = await unknownSends.markSent(organizationId, id, eid, step);
      return { data: presentMessage(message, []), message: `Step ${step} recorded as delivered.` };
    },
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/enrollments/{eid}/pause',
    tag,
    summary: 'Pause an enrollment',
    description:
      'Holds a running enrollment before its next step until it is resumed: it becomes `paused` at once, and ' +
      'its workflow is signalled after the change is saved (every send re-reads the enrollment, so nothing more ' +
      'goes out even if the signal is late). Pausing a paused or finished enrollment changes nothing ' +
      '(`changed: false`, and `message` says why). An enrollment not dispatched yet (`pending`) cannot be ' +
      'paused: stop it, or dispatch its batch first.',
    params: enrollmentPath,
    errors: [...notFound, 'enrollment_not_started'],
    response: {
      description: 'The enrollment as the call left it.',
      data: enrollmentChangeResponse,
      example: changed({ status: 'paused', next_send_at: null }),
      message: 'Enrollment paused: it holds before its next step until resumed.',
    },
    handle: async ({ deps: { enrollmentControl }, organizationId, params }) => {
      const change = await enrollmentControl.pause(organizationId, params.id, params.eid);
      return {
        data: presentEnrollmentChange(change),
        message: describe(change, 'pause', 'Enrollment paused: it holds before its next step until resumed.'),
      };
    },
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/enrollments/{eid}/resume',
    tag,
    summary: 'Resume an enrollment',
    description:
      'Lifts the enrollment’s own pause: it becomes `active` and its workflow schedules the next step again ' +
      '(`next_send_at` is filled in once it has). With `delay_minutes`, that step waits at least so long from ' +
      'now; it is never sent before its own schedule either. The body is optional. Resuming an enrollment that ' +
      'is not paused, or is finished, changes nothing, delay included (`changed: false`). While its campaign is ' +
      'paused the enrollment stays `paused`: this lifts its own pause only, and it continues once the campaign ' +
      'resumes. An enrollment not dispatched yet (`pending`) cannot be resumed.',
    params: enrollmentPath,
    body: {
      schema: resumeBodySchema,
      example: { delay_minutes: 1440 },
      description: 'Optional; without a body the next step is due on its own schedule.',
      optional: true,
    },
    errors: [...notFound, 'enrollment_not_started'],
    response: {
      description: 'The enrollment as the call left it.',
      data: enrollmentChangeResponse,
      example: changed({ next_send_at: null }),
      message: 'Enrollment resumed; its next step waits at least 1440 minute(s).',
    },
    handle: async ({ deps: { enrollmentControl }, organizationId, params, body }) => {
      const change = await enrollmentControl.resume(organizationId, params.id, params.eid, body.delay_minutes);
      return {
        data: presentEnrollmentChange(change),
        message: describe(
          change,
          'resume',
          body.delay_minutes
            ? `Enrollment resumed; its next step waits at least ${body.delay_minutes} minute(s).`
            : 'Enrollment resumed.',
        ),
      };
    },
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/enrollments/{eid}/stop',
    tag,
    summary: 'Stop an enrollment',
    description:
      'Ends the enrollment `stopped` for good: nothing more is sent, and a `pending` one never starts. Stopping ' +
      'a finished enrollment changes nothing (`changed: false`).',
    params: enrollmentPath,
    errors: [...notFound],
    response: {
      description: 'The enrollment as the call left it.',
      data: enrollmentChangeResponse,
      example: changed({ status: 'stopped', next_send_at: null, finished_at: '2026-11-23T16:45:00.000Z' }),
      message: 'Enrollment stopped: nothing more is sent.',
    },
    handle: async ({ deps: { enrollmentControl }, organizationId, params }) => {
      const change = await enrollmentControl.stop(organizationId, params.id, params.eid);
      return {
        data: presentEnrollmentChange(change),
        message: describe(change, 'stop', 'Enrollment stopped: nothing more is sent.'),
      };
    },
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/enrollments/{eid}/unsubscribe',
    tag,
    summary: "Unsubscribe an enrollment's contact, from this campaign or from every campaign",
    description:
      'With `scope: "global"` (the default, and what an empty body does) the contact is unsubscribed from every ' +
      'campaign of your organization, as its unsubscribe link would: it becomes `unsubscribed` (one that ' +
      '`complained` stays so) and its pending, active and paused enrollments, in every campaign, end ' +
      '`unsubscribed`; no campaign emails it again (the same as `POST /contacts/{id}/unsubscribe`). With ' +
      '`scope: "campaign"` only this enrollment ends `unsubscribed` (its workflow is told, nothing more is sent ' +
      'from this campaign): the contact stays `active`, in its lists and its other campaigns, which keep writing ' +
      'to it. `data` is this enrollment; `enrollments_unsubscribed` counts every enrollment the call ended. ' +
      'Repeating it changes nothing.',
    params: enrollmentPath,
    body: {
      schema: unsubscribeBodySchema,
      example: { scope: 'campaign' },
      description: 'Optional; without a body the unsubscribe is global.',
      optional: true,
    },
    errors: [...notFound],
    response: {
      description: 'This enrollment as the call left it, and what the unsubscribe did.',
      data: enrollmentUnsubscribeResponse,
      example: {
        ...changed({ status: 'unsubscribed', next_send_at: null, finished_at: '2026-11-23T16:45:00.000Z' }),
        scope: 'global',
        contact_status: 'unsubscribed',
        enrollments_unsubscribed: 2,
      },
      message: 'Contact unsubscribed from every campaign; 2 enrollment(s) ended.',
    },
    handle: async ({ deps: { enrollmentControl, leads }, organizationId, params, body }) => {
      if (body.scope === 'campaign') {
        const { enrollment, contact } = await leads.unsubscribeFromCampaign(organizationId, params.id, params.eid);
        return {
          data: {
            ...presentEnrollmentChange(enrollment),
            scope: body.scope,
            contact_status: contact.status,
            enrollments_unsubscribed: enrollment.changed ? 1 : 0,
          },
          message: enrollment.changed
            ? 'Contact unsubscribed from this campaign only; its other campaigns go on.'
            : `Nothing changed: the enrollment is ${enrollment.enrollment.status}.`,
        };
      }
      const { enrollment, contact } = await enrollmentControl.unsubscribe(organizationId, params.id, params.eid);
      const ended = contact.enrollments.filter((change) => change.changed).length;
      return {
        data: {
          ...presentEnrollmentChange(enrollment),
          scope: body.scope,
          contact_status: contact.contact.status,
          enrollments_unsubscribed: ended,
        },
        message:
          contact.contactChanged || ended > 0
            ? `Contact unsubscribed from every campaign; ${ended} enrollment(s) ended.`
            : 'The contact was already unsubscribed; nothing changed.',
      };
    },
  }),
];

/** The success message, or why nothing changed. */
function describe(change: EnrollmentChange, action: 'pause' | 'resume' | 'stop', done: string): string {
  if (change.changed) return done;
  const { status } = change.enrollment;
  if (status !== 'active' && status !== 'paused') return `Nothing changed: the enrollment is ${status}.`;
  if (action === 'pause') return 'Nothing changed: the enrollment is already paused.';
  return status === 'paused'
    ? 'Nothing changed: the enrollment is not paused itself; its campaign is paused (resume the campaign).'
    : 'Nothing changed: the enrollment is not paused.';
}
