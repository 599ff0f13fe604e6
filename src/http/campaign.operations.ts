// `/campaigns`: the campaign itself (create, list, read, change, delete, pause, resume, re-enable a mailbox) and the
// table of every campaign operation; enrolling is in campaign-enroll.operations.ts, the reports in
// campaign-report.operations.ts. Over 300 lines: a declarative table whose examples are a campaign's whole details.
// Its operations share one worked example (the create body, the summary, the details); split further, that example
// would be copied or exported across files.
import { z } from 'zod';
import type { CampaignControlService } from '../domain/campaigns/campaign-control.service';
import type { CampaignService } from '../domain/campaigns/campaign.service';
import { operationsUsing, type ApiOperation } from './api-operation';
import {
  dispatchBatch,
  enrollContact,
  enrollList,
  readEnrollment,
  scheduleContacts,
} from './campaign-enroll.operations';
import type { CampaignEnrollDeps } from './campaign-enroll.operations';
import { listReplies, listSkips, sendForecast } from './campaign-report.operations';
import type { CampaignReportDeps } from './campaign-report.operations';
import { createInputFromBody, settingsFromBody } from './campaign.mappers';
import { presentCampaignDetails, presentCampaignSummary, presentCredential } from './campaign.presenters';
import {
  campaignDetailsResponse,
  campaignSummaryResponse,
  credentialResponse,
  type CampaignDetailsView,
  type CampaignSummaryView,
  type CredentialView,
} from './campaign.responses';
import { createCampaignSchema, updateCampaignSchema } from './campaign.schemas';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Campaigns';
const campaignPath = { id: PATH_IDS.campaign };

/** Ids of the examples' other contact and enrollment (EXAMPLE_IDS names the first of each). */
const LIN = { contact: '4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8', enrollment: 'c5d6e7f8-091a-4b2c-8d3e-4f5a6b7c8d9e' };

/** The examples' mailbox address (the test send's example sends from it too). */
export const EXAMPLE_SENDER = 'grace@founders.example.com';
const STEP_1_SUBJECT = 'Quick question, {{ first_name | default: "there" }}';
const STEP_1_HTML = '<p>Hi {{ first_name | default: "there" }},</p><p>Do you still run outbound by hand?</p>';
const STEP_2_HTML = '<p>Bumping this up, {{ first_name | default: "there" }}: worth a quick call?</p>';

const createBody: z.input<typeof createCampaignSchema> = {
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
        smtp_username: EXAMPLE_SENDER,
        smtp_password: 'app-password',
        from_name: 'Grace Hopper',
        daily_limit: 50,
        imap_host: 'imap.example.com',
        imap_port: 993,
        imap_username: EXAMPLE_SENDER,
        imap_password: 'app-password',
      },
    ],
    sequence_steps: [
      { position: 1, delay_minutes: 0, subject: STEP_1_SUBJECT, body_html: STEP_1_HTML },
      { position: 2, delay_minutes: 4320, body_html: STEP_2_HTML },
    ],
  },
};

const summary: CampaignSummaryView = {
  id: EXAMPLE_IDS.campaign,
  name: 'Founders, Q4',
  status: 'active',
  created_at: '2026-11-20T10:00:00.000Z',
  fanout: null,
};

/** A pause, resume or delete just asked for: the running enrollments are told in the background. */
const fanoutStarted = (action: 'pause' | 'resume' | 'stop' | 'delete'): CampaignSummaryView['fanout'] => ({
  action,
  total: 1840,
  done: 0,
  started_at: '2026-11-22T09:30:00.000Z',
  finished_at: null,
});

export const credentialExample: CredentialView = {
  id: EXAMPLE_IDS.mailbox,
  label: 'Grace at Founders',
  smtp_host: 'smtp.example.com',
  smtp_port: 587,
  smtp_security: 'starttls',
  smtp_username: EXAMPLE_SENDER,
  from_email: EXAMPLE_SENDER,
  from_name: 'Grace Hopper',
  imap_host: 'imap.example.com',
  imap_port: 993,
  imap_security: 'tls',
  imap_username: EXAMPLE_SENDER,
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
  credentials: [credentialExample],
};

/** What the campaign's own operations use: the campaigns, and the control that pauses, resumes and deletes them. */
export interface CampaignOwnDeps {
  campaigns: CampaignService;
  campaignControl: CampaignControlService;
}
const operation = operationsUsing<CampaignOwnDeps>();

const createCampaign = operation({
  method: 'post',
  path: '/campaigns',
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
  handle: async ({ deps: { campaigns }, organizationId, body }) => ({
    data: presentCampaignSummary(await campaigns.create(organizationId, createInputFromBody(body.campaign))),
  }),
});

const updateCampaign = operation({
  method: 'patch',
  path: '/campaigns/{id}',
  tag,
  summary: 'Change the settings of a campaign',
  description:
    'Changes only the settings given (at least one); the steps, mailboxes and lists have routes of their own ' +
    '(`…/steps`, `…/mailboxes`, `…/lists`). `outreach_id` must name one of your outreaches, and `max_wait_seconds` may not end below ' +
    '`min_wait_seconds` (the stored one when only one is given). An empty `unsubscribe_text` removes the footer.',
  params: campaignPath,
  body: {
    schema: updateCampaignSchema,
    example: { campaign: { name: 'Founders, Q4 (EU)', max_new_per_day: 40, track_clicks: true } },
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
    },
    message: 'Campaign updated.',
  },
  handle: async ({ deps: { campaigns }, organizationId, params, body }) => {
    await campaigns.update(organizationId, params.id, settingsFromBody(body.campaign));
    return { data: presentCampaignDetails(await campaigns.details(organizationId, params.id)) };
  },
});

const deleteCampaign = operation({
  method: 'delete',
  path: '/campaigns/{id}',
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
    example: { ...summary, status: 'stopped', fanout: fanoutStarted('delete') },
    message:
      'Campaign stopped: nothing more is sent. Its running enrollments are being stopped, then it is deleted ' +
      'with its steps, enrollments and statistics; GET /campaigns/:id shows the progress (fanout), then answers 404.',
  },
  handle: async ({ deps: { campaignControl }, organizationId, params }) => ({
    data: presentCampaignSummary(await campaignControl.delete(organizationId, params.id)),
  }),
});

const listCampaigns = operation({
  method: 'get',
  path: '/campaigns',
  tag,
  summary: 'List the campaigns',
  errors: [],
  response: {
    description: 'Every campaign of your organization, newest first.',
    data: z.array(campaignSummaryResponse),
    example: [summary],
    extra: { shape: { total: z.number().int() }, example: { total: 1 } },
  },
  handle: async ({ deps: { campaigns }, organizationId }) => {
    const all = await campaigns.list(organizationId);
    return { data: all.map(presentCampaignSummary), extra: { total: all.length } };
  },
});

const readCampaign = operation({
  method: 'get',
  path: '/campaigns/{id}',
  tag,
  summary: 'Read a campaign',
  description:
    'Its settings, steps (with their A/B variants), SMTP credentials with today’s usage, and statistics: totals ' +
    'and rates, per batch, per step and variant, the latest bounces and the skips by reason.',
  params: campaignPath,
  errors: ['campaign_not_found'],
  response: { description: 'The campaign with its statistics.', data: campaignDetailsResponse, example: details },
  handle: async ({ deps: { campaigns }, organizationId, params }) => ({
    data: presentCampaignDetails(await campaigns.details(organizationId, params.id)),
  }),
});

const reenableCredential = operation({
  method: 'post',
  path: '/campaigns/{id}/smtp_credentials/{credentialId}/reenable',
  tag,
  summary: 'Re-enable an SMTP credential',
  description:
    "Clears the disable of one of the campaign's mailboxes (set when its bounce rate crossed a campaign's " +
    '`bounce_rate_threshold`) and starts its bounce-rate window afresh. The mailbox is shared by every campaign ' +
    'that uses it.',
  params: { id: PATH_IDS.campaign, credentialId: PATH_IDS.mailbox },
  errors: ['campaign_not_found', 'credential_not_found'],
  response: {
    description: 'The credential, active again.',
    data: credentialResponse,
    example: credentialExample,
    message: 'Credential re-enabled.',
  },
  handle: async ({ deps: { campaigns }, organizationId, params }) => {
    const { mailbox, sentToday } = await campaigns.reenableMailbox(organizationId, params.id, params.credentialId);
    return { data: presentCredential(mailbox, sentToday) };
  },
});

const pauseCampaign = operation({
  method: 'post',
  path: '/campaigns/{id}/pause',
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
    example: { ...summary, status: 'paused', fanout: fanoutStarted('pause') },
    message:
      'Campaign paused: no step is sent from now on, and its running enrollments are being told to hold in the ' +
      'background (see fanout).',
  },
  handle: async ({ deps: { campaignControl }, organizationId, params }) => ({
    data: presentCampaignSummary(await campaignControl.pause(organizationId, params.id)),
  }),
});

const resumeCampaign = operation({
  method: 'post',
  path: '/campaigns/{id}/resume',
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
    example: { ...summary, fanout: fanoutStarted('resume') },
    message: 'Campaign resumed: its held enrollments are being told to continue in the background (see fanout).',
  },
  handle: async ({ deps: { campaignControl }, organizationId, params }) => ({
    data: presentCampaignSummary(await campaignControl.resume(organizationId, params.id)),
  }),
});

const stopCampaign = operation({
  method: 'post',
  path: '/campaigns/{id}/stop',
  tag,
  summary: 'Stop a campaign for good',
  description:
    'A pending, active or paused campaign: no step is sent from the moment it answers, and it cannot be resumed ' +
    'or dispatched again. Enrollments never started end as `stopped`; running ones are told to stop in the ' +
    'background (`fanout` shows the progress). History and statistics stay. Stopping a stopped campaign changes ' +
    'nothing. To hold a campaign for a while, pause it instead.',
  params: campaignPath,
  errors: ['campaign_not_found', 'campaign_not_stoppable'],
  response: {
    description: 'The stopped campaign, its enrollments being told.',
    data: campaignSummaryResponse,
    example: { ...summary, status: 'stopped', fanout: fanoutStarted('stop') },
    message: 'Campaign stopped: nothing more is sent, and its running enrollments are being told in the background.',
  },
  handle: async ({ deps: { campaignControl }, organizationId, params }) => ({
    data: presentCampaignSummary(await campaignControl.stop(organizationId, params.id)),
  }),
});

const archiveCampaign = operation({
  method: 'post',
  path: '/campaigns/{id}/archive',
  tag,
  summary: 'Archive a campaign',
  description:
    'Puts away a campaign that no longer sends — pending (never dispatched), completed or stopped — keeping its ' +
    'history and statistics; it can no longer be dispatched. A running campaign must be stopped first. ' +
    'Archiving an archived campaign changes nothing.',
  params: campaignPath,
  errors: ['campaign_not_found', 'campaign_not_archivable'],
  response: {
    description: 'The archived campaign.',
    data: campaignSummaryResponse,
    example: { ...summary, status: 'archived' },
    message: 'Campaign archived.',
  },
  handle: async ({ deps: { campaignControl }, organizationId, params }) => ({
    data: presentCampaignSummary(await campaignControl.archive(organizationId, params.id)),
  }),
});

/** What every campaign operation uses between them. */
export type CampaignDeps = CampaignOwnDeps & CampaignEnrollDeps & CampaignReportDeps;

/** Every `/campaigns` operation (but the content ones), in the order Express tries them and the document lists them. */
export const campaignOperations: ApiOperation<CampaignDeps>[] = [
  createCampaign,
  updateCampaign,
  deleteCampaign,
  listCampaigns,
  readCampaign,
  enrollList,
  sendForecast,
  listSkips,
  listReplies,
  reenableCredential,
  enrollContact,
  dispatchBatch,
  pauseCampaign,
  resumeCampaign,
  stopCampaign,
  archiveCampaign,
  scheduleContacts,
  readEnrollment,
];
