import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { operation } from './operation';
import { contactUnsubscribed } from './examples';
import { campaignIdParam, EXAMPLE_IDS, enrollmentIdParam } from './params';
import { enrollmentsQuerySchema, eventSchema, resumeBodySchema } from '../enrollment.schemas';
import {
  enrollmentChangeResponse,
  enrollmentsPageResponse,
  enrollmentUnsubscribeResponse,
  eventResultResponse,
  messageResponse,
  type EnrollmentChangeView,
  type EnrollmentsPageView,
  type EnrollmentView,
  type MessageView,
} from '../enrollment.responses';

const tag = 'Enrollments';
const campaignPath = { path: z.object({ id: campaignIdParam }) };
const enrollmentPath = { path: z.object({ id: campaignIdParam, eid: enrollmentIdParam }) };
const messagePath = {
  path: z.object({
    id: campaignIdParam,
    eid: enrollmentIdParam,
    step: z.string().meta({ description: 'The step position of the message (1, 2, 3…).', example: '2' }),
  }),
};
/** Every route of one enrollment looks it up in the campaign first. */
const notFound = ['campaign_not_found', 'enrollment_not_found'] as const;

const enrollment: EnrollmentView = {
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
  created_at: '2026-11-21T14:02:11.000Z',
};
/** A control call's answer: the enrollment as it left it. */
const changed = (fields: Partial<EnrollmentView>, change = true): EnrollmentChangeView => ({
  ...enrollment,
  ...fields,
  changed: change,
});
const enrollmentsPage: EnrollmentsPageView = {
  enrollments: [{ ...enrollment, contact_email: 'ada@example.com' }],
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

export const enrollmentPaths: ZodOpenApiPathsObject = {
  '/api/v1/campaigns/{id}/enrollments': {
    get: operation({
      tag,
      summary: "Page through a campaign's enrollments",
      description:
        'In the order they were enrolled, each with its contact’s email; `status` keeps only some statuses ' +
        '(`?status=active,paused`). `per_page` is at most 500.',
      params: { ...campaignPath, query: enrollmentsQuerySchema },
      errors: ['campaign_not_found'],
      response: { description: 'One page of enrollments.', data: enrollmentsPageResponse, example: enrollmentsPage },
    }),
  },
  '/api/v1/campaigns/{id}/enrollments/{eid}/messages': {
    get: operation({
      tag,
      summary: "Read an enrollment's messages",
      description:
        'Every email of the enrollment in step order, each with the replies and auto-replies read over IMAP that ' +
        'answer it. A message is listed from the moment its send starts (`sending`), so an interrupted send shows ' +
        'as `unknown` rather than disappearing; it is never sent twice.',
      params: enrollmentPath,
      errors: [...notFound],
      response: {
        description: 'The messages, oldest step first; `total` is how many.',
        data: z.array(messageResponse),
        example: messages,
        extra: { shape: { total: z.number().int() }, example: { total: messages.length } },
      },
    }),
  },
  '/api/v1/campaigns/{id}/enrollments/{eid}/messages/{step}/resend': {
    post: operation({
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
    }),
  },
  '/api/v1/campaigns/{id}/enrollments/{eid}/messages/{step}/mark_sent': {
    post: operation({
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
    }),
  },
  '/api/v1/campaigns/{id}/enrollments/{eid}/pause': {
    post: operation({
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
    }),
  },
  '/api/v1/campaigns/{id}/enrollments/{eid}/resume': {
    post: operation({
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
    }),
  },
  '/api/v1/campaigns/{id}/enrollments/{eid}/stop': {
    post: operation({
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
    }),
  },
  '/api/v1/campaigns/{id}/enrollments/{eid}/unsubscribe': {
    post: operation({
      tag,
      summary: "Unsubscribe an enrollment's contact",
      description:
        'Unsubscribes the contact from every campaign of your organization, as its unsubscribe link would: the ' +
        'contact becomes `unsubscribed` (one that `complained` stays so) and its pending, active and paused ' +
        'enrollments, in every campaign, end `unsubscribed`. `data` is this enrollment; ' +
        '`enrollments_unsubscribed` counts every enrollment the call ended. Repeating it changes nothing.',
      params: enrollmentPath,
      errors: [...notFound],
      response: {
        description: 'This enrollment as the call left it, and what the unsubscribe did.',
        data: enrollmentUnsubscribeResponse,
        example: {
          ...changed({ status: 'unsubscribed', next_send_at: null, finished_at: '2026-11-23T16:45:00.000Z' }),
          contact_status: 'unsubscribed',
          enrollments_unsubscribed: 2,
        },
        message: 'Contact unsubscribed from every campaign; 2 enrollment(s) ended.',
      },
    }),
  },
  '/api/v1/events': {
    post: operation({
      tag: 'Events',
      summary: 'Report an event from an integration',
      description:
        'Name one enrollment by `enrollment_id`, or a contact by `email` (its enrollments, in `campaign_id` only ' +
        'when given); the event then makes the change the API would make:\n\n' +
        '- `unsubscribe`: the contact is unsubscribed from every campaign (as `POST /contacts/{id}/unsubscribe`).\n' +
        '- `bounce`: the contact becomes `bounced`; its active and paused enrollments in every campaign end ' +
        '`bounced`, and so do the named ones if completed, their last message marked bounced.\n' +
        '- `reply`: the named enrollments, running or completed, end `replied`; their last message is marked ' +
        'replied.\n' +
        '- `stop`: the named enrollments, pending or running, end `stopped`.\n' +
        '- `pause`, `resume` (with an optional `delay_minutes`): as the enrollment routes. By email, enrollments ' +
        'not dispatched yet are left as they are; by `enrollment_id`, one is refused with `enrollment_not_started`.\n\n' +
        'Repeating an event changes nothing more (`affected: 0`).',
      body: {
        schema: eventSchema,
        example: { type: 'unsubscribe', email: 'ada@example.com' },
        description: 'Exactly one of `enrollment_id` and `email`; `delay_minutes` with `resume` only.',
      },
      errors: ['campaign_not_found', 'enrollment_not_found', 'contact_not_found', 'enrollment_not_started'],
      response: {
        description: 'The contact and every enrollment the event concerns, as it left them.',
        data: eventResultResponse,
        example: { type: 'unsubscribe', ...contactUnsubscribed } satisfies z.output<typeof eventResultResponse>,
        message: 'Event applied: 2 enrollment(s) changed.',
      },
    }),
  },
};
