import { z } from 'zod';
import { CONTACT_STATUSES } from '../domain/contacts/contact-model';
import {
  ENROLLMENT_STATUSES,
  MATCH_CONFIDENCES,
  MESSAGE_STATUSES,
  REPLY_KINDS,
} from '../domain/enrollments/enrollment-model';
import { INTEGRATION_EVENT_TYPES } from '../domain/enrollments/integration-events.service';
import { CATEGORY_SOURCES } from '../domain/enrollments/lead-category';
import { UNSUBSCRIBE_SCOPES } from './lead.schemas';
import { timestamp } from './response-fields';

/** The shapes the enrollment routes answer with: the presenters return these types, the OpenAPI document shows them. */
export const enrollmentResponse = z
  .object({
    id: z.uuid(),
    campaign_id: z.uuid(),
    contact_id: z.uuid(),
    batch_number: z.number().int(),
    priority: z.number().int().meta({ description: 'Higher dispatches first within a batch.' }),
    status: z.enum(ENROLLMENT_STATUSES),
    current_step: z.number().int().meta({ description: 'Steps sent so far.' }),
    next_send_at: timestamp.nullable().meta({ description: 'When the next step is due, if one is.' }),
    mailbox_id: z.uuid().nullable().meta({ description: 'The mailbox that sends this enrollment, once chosen.' }),
    workflow_id: z.string().nullable().meta({ description: 'Its Temporal workflow id, once dispatched.' }),
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
    last_error: z.string().nullable(),
    category: z
      .string()
      .nullable()
      .meta({
        description:
          'The lead’s category: `interested`, `not_interested`, `meeting_booked`, `out_of_office`, `wrong_person`, or ' +
          'a label of your own; null when it has none.',
      }),
    category_source: z
      .enum(CATEGORY_SOURCES)
      .nullable()
      .meta({
        description:
          '`manual` (set over the API; the reply classifier never overwrites it) or `automatic` (set by the reply ' +
          'classifier, e.g. `out_of_office` from a vacation auto-reply in the thread).',
      }),
    removed_at: timestamp.nullable().meta({
      description:
        'When the lead was removed from the campaign (DELETE): it is kept with its history, and the contact is not ' +
        'enrolled in this campaign again.',
    }),
    created_at: timestamp,
  })
  .meta({ id: 'Enrollment' });
export type EnrollmentView = z.output<typeof enrollmentResponse>;

/** An enrollment after a pause, resume or stop, with whether that call changed it. */
export const enrollmentChangeResponse = enrollmentResponse
  .extend({
    changed: z.boolean().meta({
      description: 'False when the call found the enrollment already so, or finished: repeating a call is harmless.',
    }),
  })
  .meta({ id: 'EnrollmentChange' });
export type EnrollmentChangeView = z.output<typeof enrollmentChangeResponse>;

/** `POST /campaigns/{id}/enrollments/{eid}/unsubscribe`: the enrollment, and what the contact's unsubscribe did. */
export const enrollmentUnsubscribeResponse = enrollmentChangeResponse.extend({
  scope: z
    .enum(UNSUBSCRIBE_SCOPES)
    .meta({ description: '`campaign`: this campaign only; `global`: every campaign of your organization.' }),
  contact_status: z.enum(CONTACT_STATUSES).meta({
    description:
      'The contact’s status now: `unsubscribed`, or `complained` (kept); a `campaign` unsubscribe leaves it as it was.',
  }),
  enrollments_unsubscribed: z
    .number()
    .int()
    .meta({ description: 'How many of the contact’s enrollments, in every campaign, this call ended.' }),
});
export type EnrollmentUnsubscribeView = z.output<typeof enrollmentUnsubscribeResponse>;

/** The `pagination` block of paged lists. */
export const paginationResponse = z
  .object({
    current_page: z.number().int(),
    per_page: z.number().int(),
    total_pages: z.number().int().meta({ description: '0 when there is nothing to list.' }),
    total: z.number().int().meta({ description: 'How many items there are across every page.' }),
  })
  .meta({ id: 'Pagination' });
export type PaginationView = z.output<typeof paginationResponse>;

/** `GET /campaigns/{id}/enrollments`: one page, each enrollment with its contact's email. */
export const enrollmentsPageResponse = z.object({
  enrollments: z.array(
    enrollmentResponse.extend({
      contact_email: z.string().nullable().meta({ description: 'The enrolled contact’s email.' }),
    }),
  ),
  pagination: paginationResponse,
});
export type EnrollmentsPageView = z.output<typeof enrollmentsPageResponse>;

/** A reply or auto-reply read over IMAP that answers one message. */
export const replyResponse = z
  .object({
    kind: z.enum(REPLY_KINDS).meta({
      description:
        '`reply` counts (and may end the sequence); `auto_reply` (out of office…) is only recorded; `unsubscribe` ' +
        'is a mail to the List-Unsubscribe address.',
    }),
    match_confidence: z.enum(MATCH_CONFIDENCES).meta({
      description: '`high`: it names one of our Message-IDs in In-Reply-To/References; `low`: matched by its sender.',
    }),
    from_email: z.string().nullable(),
    subject: z.string(),
    snippet: z.string().meta({ description: 'The start of its text.' }),
    folder: z.string().meta({ description: 'The IMAP folder it was read from.' }),
    received_at: timestamp,
  })
  .meta({ id: 'Reply' });

/** One step's email of an enrollment, with the replies read for it. */
export const messageResponse = z
  .object({
    step: z.number().int().meta({ description: 'The step position, from 1.' }),
    variant_label: z.string().nullable().meta({ description: 'The A/B variant sent, when the step has variants.' }),
    message_id: z.string().meta({ description: 'Its RFC 5322 Message-ID, angle brackets included.' }),
    status: z.enum(MESSAGE_STATUSES).meta({
      description:
        '`sending`: handed to SMTP, outcome not settled yet; `sent`, `bounced`, `failed`: settled; `unknown`: the ' +
        'send crashed mid-way, flagged for review and never re-sent.',
    }),
    subject: z.string(),
    to_email: z.string(),
    sent_at: timestamp.nullable(),
    opened_at: timestamp.nullable().meta({ description: 'First open, when opens are tracked.' }),
    clicked_at: timestamp.nullable().meta({ description: 'First click, when clicks are tracked.' }),
    replied_at: timestamp.nullable(),
    bounced_at: timestamp.nullable(),
    smtp_response: z.string().nullable().meta({ description: 'What the SMTP server last answered.' }),
    replies: z.array(replyResponse).meta({ description: 'Replies and auto-replies to this message, oldest first.' }),
  })
  .meta({ id: 'Message' });
export type MessageView = z.output<typeof messageResponse>;

/** A contact-level change (unsubscribe, bounce, an integration event) and every enrollment it concerns. */
export const contactChangeResponse = z
  .object({
    contact: z.object({ id: z.uuid(), email: z.string(), status: z.enum(CONTACT_STATUSES) }),
    contact_changed: z.boolean().meta({ description: 'Whether the contact’s own status changed.' }),
    enrollments: z
      .array(
        z.object({
          id: z.uuid(),
          campaign_id: z.uuid(),
          status: z.enum(ENROLLMENT_STATUSES),
          changed: z.boolean(),
        }),
      )
      .meta({ description: 'Every enrollment concerned, as the change left it.' }),
    affected: z.number().int().meta({ description: 'How many of `enrollments` changed.' }),
  })
  .meta({ id: 'ContactChange' });
export type ContactChangeView = z.output<typeof contactChangeResponse>;

/** `POST /events`: the event type, and the change it made. */
export const eventResultResponse = z
  .object({ type: z.enum(INTEGRATION_EVENT_TYPES) })
  .extend(contactChangeResponse.shape);
export type EventResultView = z.output<typeof eventResultResponse>;
