import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import { operation } from './operation';
import { campaignIdParam, EXAMPLE_IDS, enrollmentIdParam, mailboxIdParam } from './params';
import {
  auditQuerySchema,
  repliesQuerySchema,
  createCampaignSchema,
  dispatchSchema,
  enrollContactSchema,
  enrollListSchema,
  forecastQuerySchema,
  previewQuerySchema,
  scheduleContactsQuerySchema,
  scheduleContactsSchema,
  testSendSchema,
  updateCampaignSchema,
} from '../campaign.schemas';
import {
  campaignDetailsResponse,
  campaignSummaryResponse,
  credentialResponse,
  dispatchResponse,
  enrollListResponse,
  enrollmentDetailsResponse,
  previewResponse,
  repliedEnrollmentResponse,
  scheduleContactsResponse,
  sendForecastResponse,
  skipResponse,
  testSendResponse,
  type CampaignDetailsView,
  type CampaignSummaryView,
  type CredentialView,
  type EnrollmentDetailsView,
} from '../campaign.responses';
import { enrollmentResponse, type EnrollmentView } from '../enrollment.responses';

const tag = 'Campaigns';
const campaignPath = { path: z.object({ id: campaignIdParam }) };

/** Ids of the examples' other contacts and enrollments (EXAMPLE_IDS names the first of each). */
const GRACE = { contact: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', enrollment: '8b9c0d1e-2f3a-4b4c-9d5e-6f708192a3b4' };
const LIN = { contact: '4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8', enrollment: 'c5d6e7f8-091a-4b2c-8d3e-4f5a6b7c8d9e' };

const SENDER = 'grace@founders.example.com';
const STEP_1_SUBJECT = 'Quick question, {{ first_name | default: "there" }}';
const STEP_1_HTML = '<p>Hi {{ first_name | default: "there" }},</p><p>Do you still run outbound by hand?</p>';
const STEP_2_HTML = '<p>Bumping this up, {{ first_name | default: "there" }}: worth a quick call?</p>';

const createBody = {
  campaign: {
    name: 'Founders, Q4',
    list_uuids: [EXAMPLE_IDS.list],
    schedule: { timezone: 'Europe/London', days: [1, 2, 3, 4, 5], start_hour: 9, end_hour: 17 },
    track_opens: true,
    unsubscribe_text: 'Unsubscribe',
    smtp_credentials: [
      {
        label: 'Grace at Founders',
        smtp_host: 'smtp.example.com',
        smtp_port: 587,
        smtp_username: SENDER,
        smtp_password: 'app-password',
        from_name: 'Grace Hopper',
        daily_limit: 50,
        imap_host: 'imap.example.com',
        imap_port: 993,
        imap_username: SENDER,
        imap_password: 'app-password',
      },
    ],
    sequence_steps: [
      { position: 1, delay_minutes: 0, subject: STEP_1_SUBJECT, body_html: STEP_1_HTML },
      { position: 2, delay_minutes: 4320, body_html: STEP_2_HTML },
    ],
  },
} satisfies z.input<typeof createCampaignSchema>;

const summary: CampaignSummaryView = {
  id: EXAMPLE_IDS.campaign,
  name: 'Founders, Q4',
  status: 'active',
  created_at: '2026-11-20T10:00:00.000Z',
  fanout: null,
};

/** A pause, resume or delete just asked for: the running enrollments are told in the background. */
const fanoutStarted = (action: 'pause' | 'resume' | 'delete'): CampaignSummaryView['fanout'] => ({
  action,
  total: 1840,
  done: 0,
  started_at: '2026-11-22T09:30:00.000Z',
  finished_at: null,
});

const credential: CredentialView = {
  id: EXAMPLE_IDS.mailbox,
  label: 'Grace at Founders',
  smtp_host: 'smtp.example.com',
  smtp_port: 587,
  smtp_security: 'starttls',
  smtp_username: SENDER,
  from_email: SENDER,
  from_name: 'Grace Hopper',
  imap_host: 'imap.example.com',
  imap_port: 993,
  imap_security: 'tls',
  imap_username: SENDER,
  imap_status: 'connected',
  imap_error: null,
  imap_checked_at: '2026-11-22T09:28:00.000Z',
  dkim: null,
  daily_limit: 50,
  sent_today: 37,
  status: 'active',
  disabled_at: null,
  disabled_reason: null,
  smtp_error: null,
  smtp_error_at: null,
};

const details: CampaignDetailsView = {
  ...summary,
  updated_at: '2026-11-21T08:15:00.000Z',
  evergreen: false,
  list_uuids: [EXAMPLE_IDS.list],
  outreach_id: null,
  min_wait_seconds: 120,
  max_wait_seconds: 420,
  verify_email_mx: false,
  bounce_rate_threshold: 8,
  schedule: { timezone: 'Europe/London', days: [1, 2, 3, 4, 5], start_hour: 9, end_hour: 17 },
  max_new_per_day: null,
  stop_on: 'reply',
  track_opens: true,
  track_clicks: false,
  unsubscribe_text: 'Unsubscribe',
  send_as_plain_text: false,
  ab_winner: null,
  sequence_steps: [
    {
      position: 1,
      delay_minutes: 0,
      subject: STEP_1_SUBJECT,
      body_html: STEP_1_HTML,
      body_text: null,
      variants: [],
      winner_label: null,
    },
    {
      position: 2,
      delay_minutes: 4320,
      subject: null,
      body_html: STEP_2_HTML,
      body_text: null,
      variants: [],
      winner_label: null,
    },
  ],
  totals: {
    pending: 20,
    active: 64,
    completed: 18,
    sent: 176,
    opened: 87,
    clicked: 0,
    replied: 9,
    bounced: 3,
    unsubscribed: 2,
    unknown_outcome: 0,
  },
  rates: { bounce_rate: 1.7, open_rate: 49.4, reply_rate: 5.1 },
  per_batch: [
    {
      batch_number: 1,
      enrollments: 100,
      pending: 0,
      active: 64,
      completed: 18,
      replied: 9,
      bounced: 3,
      skipped: 4,
      stopped: 2,
      sent: 176,
    },
    {
      batch_number: 2,
      enrollments: 20,
      pending: 20,
      active: 0,
      completed: 0,
      replied: 0,
      bounced: 0,
      skipped: 0,
      stopped: 0,
      sent: 0,
    },
  ],
  per_step: [
    { position: 1, sent: 96, opened: 52, clicked: 0, replied: 6, bounced: 3, unsubscribed: 1, variants: [] },
    { position: 2, sent: 80, opened: 35, clicked: 0, replied: 3, bounced: 0, unsubscribed: 1, variants: [] },
  ],
  recent_bounces: [
    {
      enrollment_id: LIN.enrollment,
      contact_id: LIN.contact,
      email: 'lin@example.org',
      step: 1,
      bounced_at: '2026-11-20T10:09:41.000Z',
      smtp_response: '550 5.1.1 <lin@example.org>: Recipient address rejected: User unknown',
    },
  ],
  skipped: { mx_invalid: 0, cross_campaign_duplicate: 0, blocked: 1, unsubscribed: 1, invalid_email: 2 },
  credentials: [credential],
};

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

export const campaignPaths: ZodOpenApiPathsObject = {
  '/api/v1/campaigns': {
    get: operation({
      tag,
      summary: 'List the campaigns',
      errors: [],
      response: {
        description: 'Every campaign of your organization, newest first.',
        data: z.array(campaignSummaryResponse),
        example: [summary],
        extra: { shape: { total: z.number().int() }, example: { total: 1 } },
      },
    }),
    post: operation({
      tag,
      summary: 'Create a campaign',
      description:
        'Creates a `pending` campaign with its sequence steps and SMTP credentials, and associates the lists ' +
        '`list_uuids` names (each must be one of yours). A follow-up step without a subject answers under the first ' +
        'step\'s as "Re: …"; the first step needs one. An SMTP credential becomes one of your organization\'s ' +
        'mailboxes, or updates the one with the same host and username (shared by every campaign that uses it); ' +
        '`from_email` defaults to `smtp_username` when that is an email address. Give all four IMAP settings to have ' +
        'replies read, and all three DKIM settings to sign messages. Updating an existing mailbox, the optional ' +
        'settings you leave out (label, from_email, from_name, daily_limit, the IMAP group, the DKIM group) keep their ' +
        'values. An `smtp_host` or `imap_host` that is an IP address in a range the outbound host policy refuses ' +
        '(link-local, cloud metadata…) or a cloud metadata host name is a 422; other names are checked when ' +
        'connecting. Enroll contacts, then dispatch, to send.',
      body: { schema: createCampaignSchema, example: createBody },
      errors: [],
      response: {
        status: 201,
        description: 'The new campaign; GET it for its steps, credentials and settings.',
        data: campaignSummaryResponse,
        example: { ...summary, status: 'pending' },
        message: 'Campaign created.',
      },
    }),
  },
  '/api/v1/campaigns/{id}': {
    get: operation({
      tag,
      summary: 'Read a campaign',
      description:
        'Its settings, steps (with their A/B variants), SMTP credentials with today’s usage, and statistics: totals ' +
        'and rates, per batch, per step and variant, the latest bounces and the skips by reason.',
      params: campaignPath,
      errors: ['campaign_not_found'],
      response: { description: 'The campaign with its statistics.', data: campaignDetailsResponse, example: details },
    }),
    patch: operation({
      tag,
      summary: 'Change the settings of a campaign',
      description:
        'Changes only the settings given (at least one); sequence steps, SMTP credentials and lists are not edited ' +
        'here. `outreach_id` must name one of your outreaches, and `max_wait_seconds` may not end below ' +
        '`min_wait_seconds` (the stored one when only one is given). An empty `unsubscribe_text` removes the footer.',
      params: campaignPath,
      body: {
        schema: updateCampaignSchema,
        example: { campaign: { name: 'Founders, Q4 (EU)', max_new_per_day: 40, track_clicks: true } } satisfies z.input<
          typeof updateCampaignSchema
        >,
      },
      errors: ['campaign_not_found'],
      response: {
        description: 'The campaign as it is now, with its statistics.',
        data: campaignDetailsResponse,
        example: {
          ...details,
          name: 'Founders, Q4 (EU)',
          updated_at: '2026-11-22T09:30:00.000Z',
          max_new_per_day: 40,
          track_clicks: true,
        } satisfies CampaignDetailsView,
        message: 'Campaign updated.',
      },
    }),
    delete: operation({
      tag,
      summary: 'Delete a campaign',
      description:
        'Stops the campaign at once (nothing more is sent) and answers; in the background, its running enrollments ' +
        'are told to stop, then it is deleted with its steps, enrollments, messages and statistics. Meanwhile the ' +
        'campaign reads as `stopped` with a `delete` fanout showing the progress, and asking again changes nothing; ' +
        'once done, it answers 404. Its lists, contacts and mailboxes remain.',
      params: campaignPath,
      errors: ['campaign_not_found'],
      response: {
        status: 202,
        description: 'The campaign is stopped and being deleted.',
        data: campaignSummaryResponse,
        example: { ...summary, status: 'stopped', fanout: fanoutStarted('delete') } satisfies CampaignSummaryView,
        message:
          'Campaign stopped: nothing more is sent. Its running enrollments are being stopped, then it is deleted ' +
          'with its steps, enrollments and statistics; GET /campaigns/:id shows the progress (fanout), then answers 404.',
      },
    }),
  },
  '/api/v1/campaigns/{id}/enroll': {
    post: operation({
      tag,
      summary: 'Enroll a list',
      description:
        'Enrolls every contact of one of your lists into a batch, pending until dispatched; contacts already in the ' +
        'campaign are left as they are. `contact_import_id` is accepted as another name for `list_uuid`. Within a ' +
        'batch, a higher `priority` dispatches first.',
      params: campaignPath,
      body: {
        schema: enrollListSchema,
        example: { list_uuid: EXAMPLE_IDS.list, batch_number: 1 } satisfies z.input<typeof enrollListSchema>,
      },
      errors: ['campaign_not_found', 'contact_import_not_found'],
      response: {
        status: 201,
        description: 'How many contacts were enrolled.',
        data: enrollListResponse,
        example: { list_uuid: EXAMPLE_IDS.list, batch_number: 1, enrolled: 2, already_enrolled: 0 } satisfies z.output<
          typeof enrollListResponse
        >,
        message: '2 contact(s) enrolled in batch 1; dispatch to start.',
      },
    }),
  },
  '/api/v1/campaigns/{id}/send_forecast': {
    get: operation({
      tag,
      summary: 'Forecast the sends of the coming days',
      description:
        "Replays the sender's rules over the running enrollments' due steps: a first step takes the active mailbox " +
        'with the most room left that day (its `daily_limit`) or waits for the next day; follow-ups keep their ' +
        "mailbox and do not count against its limit. Days are counted in the schedule's time zone (UTC without " +
        'one), today first; sending windows, pending enrollments and paused enrollments are not forecast.',
      params: { ...campaignPath, query: forecastQuerySchema },
      errors: ['campaign_not_found'],
      response: {
        description: 'Sends per day and step.',
        data: sendForecastResponse,
        example: {
          days: [
            { date: '2026-11-22', total: 22, by_step: { '1': 13, '2': 9 } },
            { date: '2026-11-23', total: 29, by_step: { '1': 20, '2': 9 } },
            { date: '2026-11-24', total: 31, by_step: { '1': 18, '2': 13 } },
            { date: '2026-11-25', total: 14, by_step: { '2': 14 } },
            { date: '2026-11-26', total: 0, by_step: {} },
            { date: '2026-11-27', total: 0, by_step: {} },
            { date: '2026-11-28', total: 0, by_step: {} },
          ],
          beyond_horizon: 0,
          held_enrollments: 2,
        } satisfies z.output<typeof sendForecastResponse>,
      },
    }),
  },
  '/api/v1/campaigns/{id}/skips': {
    get: operation({
      tag,
      summary: 'List the skipped enrollments',
      description:
        'The enrollments dispatch skipped instead of starting, newest first, optionally of one `kind`: unsubscribed ' +
        'or complained contacts, blocked addresses or deactivated contacts, invalid or hard-bounced addresses, ' +
        'domains without mail servers (`verify_email_mx`), and contacts already in a sibling campaign of a ' +
        '`unique_contacts` outreach.',
      params: { ...campaignPath, query: auditQuerySchema },
      errors: ['campaign_not_found'],
      response: {
        description: 'The latest skips.',
        data: z.array(skipResponse),
        example: [
          {
            enrollment_id: GRACE.enrollment,
            contact_id: GRACE.contact,
            email: 'grace@example.net',
            kind: 'invalid_email',
            detail: 'an earlier message to this address hard-bounced',
            skipped_at: '2026-11-20T10:03:01.000Z',
          },
        ] satisfies z.output<typeof skipResponse>[],
        extra: { shape: { total: z.number().int() }, example: { total: 1 } },
      },
    }),
  },
  '/api/v1/campaigns/{id}/replies': {
    get: operation({
      tag,
      summary: 'List the replied enrollments',
      description:
        'Enrollments whose contact replied, latest reply first, with the time from the first send to the reply and ' +
        'the first reply read over IMAP.',
      params: { ...campaignPath, query: repliesQuerySchema },
      errors: ['campaign_not_found'],
      response: {
        description: 'The latest replies.',
        data: z.array(repliedEnrollmentResponse),
        example: [
          {
            enrollment_id: EXAMPLE_IDS.enrollment,
            contact_id: EXAMPLE_IDS.contact,
            email: 'ada@example.com',
            first_sent_at: '2026-11-20T10:04:12.000Z',
            replied_at: '2026-11-21T08:40:00.000Z',
            hours_to_reply: 22.6,
            from_email: 'ada@example.com',
            subject: 'Re: Quick question, Ada',
            snippet: 'Happy to talk. Does Thursday at 3pm work?',
            match_confidence: 'high',
          },
        ] satisfies z.output<typeof repliedEnrollmentResponse>[],
        extra: { shape: { total: z.number().int() }, example: { total: 1 } },
      },
    }),
  },
  '/api/v1/campaigns/{id}/smtp_credentials/{credentialId}/reenable': {
    post: operation({
      tag,
      summary: 'Re-enable an SMTP credential',
      description:
        "Clears the disable of one of the campaign's mailboxes (set when its bounce rate crossed a campaign's " +
        '`bounce_rate_threshold`) and starts its bounce-rate window afresh. The mailbox is shared by every campaign ' +
        'that uses it.',
      params: { path: z.object({ id: campaignIdParam, credentialId: mailboxIdParam }) },
      errors: ['campaign_not_found', 'credential_not_found'],
      response: {
        description: 'The credential, active again.',
        data: credentialResponse,
        example: credential,
        message: 'Credential re-enabled.',
      },
    }),
  },
  '/api/v1/campaigns/{id}/enroll_contact': {
    post: operation({
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
        } satisfies z.input<typeof enrollContactSchema>,
      },
      errors: ['campaign_not_found', 'contact_not_found', 'contact_already_enrolled'],
      response: {
        status: 201,
        description: 'The new enrollment.',
        data: enrollmentResponse,
        example: enrollment,
        message: 'Contact enrolled; dispatch to start.',
      },
    }),
  },
  '/api/v1/campaigns/{id}/dispatch': {
    post: operation({
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
      body: {
        schema: dispatchSchema,
        example: { batch_number: 1 } satisfies z.input<typeof dispatchSchema>,
        optional: true,
      },
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
        example: { batch_number: 1, dispatched: 96, skipped: 4 } satisfies z.output<typeof dispatchResponse>,
        message: 'Dispatched 96 enrollment(s) of batch 1; 4 skipped (see GET /campaigns/:id/skips).',
      },
    }),
  },
  '/api/v1/campaigns/{id}/pause': {
    post: operation({
      tag,
      summary: 'Pause a campaign',
      description:
        'Only an active campaign: no step is sent from the moment it answers. Its running enrollments are told to ' +
        'hold before their next step in the background (`fanout` shows the progress) until it is resumed.',
      params: campaignPath,
      errors: ['campaign_not_found', 'campaign_not_active'],
      response: {
        description: 'The paused campaign, its enrollments being told.',
        data: campaignSummaryResponse,
        example: { ...summary, status: 'paused', fanout: fanoutStarted('pause') } satisfies CampaignSummaryView,
        message:
          'Campaign paused: no step is sent from now on, and its running enrollments are being told to hold in the ' +
          'background (see fanout).',
      },
    }),
  },
  '/api/v1/campaigns/{id}/resume': {
    post: operation({
      tag,
      summary: 'Resume a campaign',
      description:
        'Only a paused campaign: its held enrollments are told to continue in the background (`fanout` shows the ' +
        'progress), and an evergreen campaign starts its pending enrollments, such as the contacts scheduled while ' +
        'it was paused. A pause followed at once by a resume ends with every enrollment running.',
      params: campaignPath,
      errors: ['campaign_not_found', 'campaign_not_paused'],
      response: {
        description: 'The active campaign, its enrollments being told.',
        data: campaignSummaryResponse,
        example: { ...summary, fanout: fanoutStarted('resume') } satisfies CampaignSummaryView,
        message: 'Campaign resumed: its held enrollments are being told to continue in the background (see fanout).',
      },
    }),
  },
  '/api/v1/campaigns/{id}/schedule_contacts': {
    post: operation({
      tag,
      summary: 'Schedule contacts into an evergreen campaign',
      description:
        "Adds up to 1000 contacts to the campaign's first list (created, or reused by email with their fields " +
        'updated) and enrolls those not yet in the campaign in batch 1, in one transaction. ' +
        'A pending or active campaign starts their ' +
        'sequences at once (a pending one becomes active); a paused one keeps them until it is resumed. With ' +
        '`remove_duplicates` (in the body, or else the query), contacts already in the list or repeated are dropped.',
      params: { ...campaignPath, query: scheduleContactsQuerySchema },
      body: {
        schema: scheduleContactsSchema,
        example: {
          contacts: [
            { email: 'ada@example.com', first_name: 'Ada', company: 'Analytical Engines' },
            { email: 'grace@example.net', first_name: 'Grace', custom_fields: { plan: 'pro' } },
            { email: 'not-an-email' },
          ],
          remove_duplicates: true,
        } satisfies z.input<typeof scheduleContactsSchema>,
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
        } satisfies z.output<typeof scheduleContactsResponse>,
        message: '1 new contacts added and will be scheduled shortly',
      },
    }),
  },
  '/api/v1/campaigns/{id}/enrollments/{eid}': {
    get: operation({
      tag,
      summary: 'Read an enrollment',
      description: "One enrollment of the campaign, with its contact's email and the live state of its workflow.",
      params: { path: z.object({ id: campaignIdParam, eid: enrollmentIdParam }) },
      errors: ['campaign_not_found', 'enrollment_not_found'],
      response: { description: 'The enrollment.', data: enrollmentDetailsResponse, example: enrollmentDetails },
    }),
  },
  '/api/v1/campaigns/{id}/preview': {
    get: operation({
      tag,
      summary: 'Preview the steps for a contact',
      description:
        'Every step rendered for one of your contacts as it would be sent (without the unsubscribe footer and ' +
        "tracking): the contact's enrollment in the campaign seeds variants and spintax, or the contact id when it " +
        'is not enrolled (a later enrollment may then get other variants). A merge field the contact lacks without a ' +
        'fallback is an error naming it.',
      params: { ...campaignPath, query: previewQuerySchema },
      errors: [
        'campaign_not_found',
        'contact_not_found',
        'missing_merge_field',
        'invalid_merge_field',
        'invalid_template',
      ],
      response: {
        description: 'The rendered steps.',
        data: previewResponse,
        example: {
          contact_id: EXAMPLE_IDS.contact,
          enrollment_id: EXAMPLE_IDS.enrollment,
          steps: [
            {
              position: 1,
              variant_label: null,
              subject: 'Quick question, Ada',
              body_html: '<p>Hi Ada,</p><p>Do you still run outbound by hand?</p>',
              body_text: null,
            },
            {
              position: 2,
              variant_label: null,
              subject: 'Re: Quick question, Ada',
              body_html: '<p>Bumping this up, Ada: worth a quick call?</p>',
              body_text: null,
            },
          ],
        } satisfies z.output<typeof previewResponse>,
      },
    }),
  },
  '/api/v1/campaigns/{id}/test_send': {
    post: operation({
      tag,
      summary: 'Send the steps to test addresses',
      description:
        "Sends every step at once to each address (at most 10), from the campaign's first active mailbox, subjects " +
        'prefixed `[TEST] ` and follow-ups threaded under the earlier test messages. Merge fields come from ' +
        '`contact_id` when given; otherwise a field with a fallback shows it and any other shows as `[field]`. Test ' +
        "messages never count in the campaign's statistics or the mailboxes' daily limits; an SMTP refusal is " +
        'reported per step, not as an error.',
      params: campaignPath,
      body: {
        schema: testSendSchema,
        example: { emails: ['me@founders.example.com'], contact_id: EXAMPLE_IDS.contact } satisfies z.input<
          typeof testSendSchema
        >,
      },
      errors: [
        'campaign_not_found',
        'contact_not_found',
        'campaign_not_dispatchable',
        'missing_merge_field',
        'invalid_merge_field',
        'invalid_template',
      ],
      response: {
        description: 'What each address was sent, step by step.',
        data: testSendResponse,
        example: {
          from_email: SENDER,
          credential_id: EXAMPLE_IDS.mailbox,
          contact_id: EXAMPLE_IDS.contact,
          enrollment_id: EXAMPLE_IDS.enrollment,
          sent: 2,
          not_sent: 0,
          results: [
            {
              email: 'me@founders.example.com',
              steps: [
                {
                  position: 1,
                  variant_label: null,
                  subject: '[TEST] Quick question, Ada',
                  status: 'sent',
                  smtp_response: '250 2.0.0 Ok: queued as 4F2A1C3B9D',
                },
                {
                  position: 2,
                  variant_label: null,
                  subject: '[TEST] Re: Quick question, Ada',
                  status: 'sent',
                  smtp_response: '250 2.0.0 Ok: queued as 7C1E5A0F2B',
                },
              ],
            },
          ],
        } satisfies z.output<typeof testSendResponse>,
        message:
          'Sent 2 of 2 test message(s) to 1 address(es); ' +
          "test messages never count in the campaign's statistics or daily limits.",
      },
    }),
  },
};
