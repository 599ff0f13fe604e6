// The response schemas of every campaign route: the presenters return their types, the OpenAPI document shows them.
// Over ~300 lines: declarative zod with descriptions, mostly a campaign's details, which extend the summary and reuse
// the credential and send-count shapes; split, the shapes one document is built from would be scattered.
import { z } from 'zod';
import {
  CAMPAIGN_STATUSES,
  FANOUT_ACTIONS,
  IMAP_SECURITIES,
  IMAP_STATUSES,
  MAILBOX_STATUSES,
  SKIP_KINDS,
  SMTP_SECURITIES,
  STOP_ON,
  WINNER_METRICS,
} from '../domain/campaigns/campaign-model';
import type { TestSendStatus } from '../domain/campaigns/campaign-content.service';
import { MATCH_CONFIDENCES } from '../domain/enrollments/enrollment-model';
import type { EnrollmentLiveState } from '../domain/enrollments/enrollment-workflows.port';
import { enrollmentResponse } from './enrollment.responses';
import { timestamp } from './response-fields';

/** The last pause, resume or delete, as the campaign's background job carries it to the running enrollments. */
export const campaignFanoutResponse = z
  .object({
    action: z.enum(FANOUT_ACTIONS),
    total: z.number().int().meta({ description: 'Running enrollments when it was asked for.' }),
    done: z.number().int().meta({ description: 'Of those, how many have been told so far.' }),
    started_at: timestamp,
    finished_at: timestamp.nullable().meta({
      description: 'Null while in progress. A deleted campaign answers 404 once its deletion is done.',
    }),
  })
  .meta({
    id: 'CampaignFanout',
    description:
      "The campaign's status applies to every send at once; this shows the background job waking its sleeping " +
      'enrollments to tell them (and, for `delete`, deleting the campaign afterwards; for `sequence`, an edit of ' +
      "the steps' timing they read again). Null before any pause, resume, stop, delete or sequence edit.",
  });
export type CampaignFanoutView = z.output<typeof campaignFanoutResponse>;

/** The shapes the campaign routes answer with: the presenters return these types, the OpenAPI document shows them. */
export const campaignSummaryResponse = z
  .object({
    id: z.uuid(),
    name: z.string(),
    status: z.enum(CAMPAIGN_STATUSES).meta({
      description:
        '`pending` (drafted, never dispatched) → `active` ⇄ `paused`; `completed` once every enrollment of a campaign ' +
        'that is not evergreen has finished and none waits for dispatch (dispatching more makes it active again); ' +
        '`stopped` for good (POST …/stop); `archived`, put away.',
    }),
    created_at: timestamp,
    fanout: campaignFanoutResponse.nullable(),
  })
  .meta({ id: 'CampaignSummary' });
export type CampaignSummaryView = z.output<typeof campaignSummaryResponse>;

/*
 * The test send's outcome and the workflow's live status are types only: `satisfies` keeps each list within its type,
 * and the answers' types keep the type within the list, so a value added on either side does not compile until both
 * agree.
 */
const TEST_SEND_STATUSES = ['sent', 'rejected', 'failed'] as const satisfies readonly TestSendStatus[];
const WORKFLOW_STATUSES = [
  'active',
  'paused',
  'sending',
  'completed',
  'stopped',
  'bounced',
  'unsubscribed',
  'replied',
  'failed',
  'skipped',
] as const satisfies readonly EnrollmentLiveState['status'][];

const count = z.number().int();

/** A campaign's sending account as the API shows it: never its passwords nor its DKIM key. */
export const credentialResponse = z
  .object({
    id: z.uuid(),
    label: z.string().nullable(),
    smtp_host: z.string(),
    smtp_port: z.number().int(),
    smtp_security: z.enum(SMTP_SECURITIES).meta({
      description: 'tls = implicit TLS (465); starttls = upgrade required (587); none = plain.',
    }),
    smtp_username: z.string(),
    from_email: z.string(),
    from_name: z.string().nullable(),
    imap_host: z.string().nullable().meta({ description: 'Null when replies are not read from this mailbox.' }),
    imap_port: z.number().int().nullable(),
    imap_security: z.enum(IMAP_SECURITIES).nullable().meta({
      description: 'Null without IMAP settings, or when the port decides (993 is implicit TLS, any other STARTTLS).',
    }),
    imap_username: z.string().nullable(),
    imap_status: z.enum(IMAP_STATUSES).nullable().meta({
      description:
        "How the reply monitor's last IMAP session went: connected, error (see imap_error), or null before it tried.",
    }),
    imap_error: z
      .string()
      .nullable()
      .meta({ description: 'The last IMAP failure (login refused, unreachable…), kept until a session succeeds.' }),
    imap_checked_at: timestamp.nullable(),
    dkim: z.object({ domain: z.string(), selector: z.string() }).nullable().meta({
      description: 'The DKIM signing domain and selector; the key is never shown. Null: messages are not signed.',
    }),
    daily_limit: count.meta({ description: 'New conversations (first steps) this mailbox may start a day.' }),
    sent_today: count.meta({
      description:
        "New conversations it started today (in the campaign's time zone), across every campaign that uses it.",
    }),
    status: z.enum(MAILBOX_STATUSES).meta({
      description:
        "disabled: it sends no first steps, for instance after its bounce rate crossed the campaign's " +
        'bounce_rate_threshold (see disabled_reason); error: its SMTP server refused the account itself (a login, ' +
        'TLS or sender failure, or a host the outbound policy refuses; see smtp_error), it sends nothing and its ' +
        'follow-ups wait. Fix its settings (create a campaign with the same host and username and the corrected ' +
        'ones) or re-enable it with POST …/smtp_credentials/{credentialId}/reenable.',
    }),
    disabled_at: timestamp.nullable(),
    disabled_reason: z.string().nullable(),
    smtp_error: z.string().nullable().meta({
      description: "The SMTP server's reply (one line) that put the mailbox in error; null when none.",
    }),
    smtp_error_at: timestamp.nullable(),
  })
  .meta({ id: 'SmtpCredential' });
export type CredentialView = z.output<typeof credentialResponse>;

const sendCountsShape = {
  sent: count,
  opened: count,
  clicked: count,
  replied: count,
  bounced: count,
  unsubscribed: count,
};
export const sendCountsResponse = z.object(sendCountsShape);
export type SendCountsView = z.output<typeof sendCountsResponse>;

/** A campaign with its settings, steps, mailboxes and statistics. */
/** One step of a campaign's sequence, with its A/B variants. */
export const sequenceStepResponse = z.object({
  position: count,
  delay_minutes: z.number().meta({ description: 'Minutes after the previous step (or the dispatch).' }),
  subject: z
    .string()
    .nullable()
    .meta({ description: "Null on a follow-up: it answers under step 1's subject as `Re: …`." }),
  body_html: z.string(),
  body_text: z.string().nullable().meta({ description: 'Null: generated from the HTML when sent.' }),
  variants: z.array(
    z.object({
      label: z.string(),
      subject: z.string().nullable(),
      body_html: z.string(),
      body_text: z.string().nullable(),
      weight: count,
    }),
  ),
  winner_label: z.string().nullable().meta({ description: 'The A/B variant every later send uses, once decided.' }),
});

export const campaignDetailsResponse = campaignSummaryResponse
  .extend({
    updated_at: timestamp,
    evergreen: z
      .boolean()
      .meta({ description: 'Evergreen campaigns take new contacts at any time (schedule_contacts).' }),
    list_uuids: z.array(z.uuid()).meta({
      description: 'Its lists, in order; the first receives the contacts scheduled through the campaign.',
    }),
    outreach_id: z.uuid().nullable(),
    min_wait_seconds: count,
    max_wait_seconds: count.meta({ description: 'A mailbox waits a random time between these after each send.' }),
    verify_email_mx: z
      .boolean()
      .meta({ description: 'Dispatch skips contacts whose domain takes no mail (checked in DNS).' }),
    bounce_rate_threshold: z
      .number()
      .meta({ description: 'A mailbox whose bounce rate (a percentage) crosses it is disabled.' }),
    schedule: z
      .object({
        timezone: z.string(),
        days: z.array(z.number().int()).meta({ description: '0 = Sunday … 6 = Saturday.' }),
        start_hour: z.number().int(),
        end_hour: z.number().int(),
      })
      .nullable()
      .meta({
        description:
          "When it may send: these days, hours [start_hour, end_hour) in the contact's time zone if known, else " +
          'this one. Null: any time.',
      }),
    max_new_per_day: count.nullable().meta({ description: 'At most this many first steps a day; null: no cap.' }),
    stop_on: z.enum(STOP_ON).meta({ description: "The contact's engagement that ends its sequence." }),
    track_opens: z.boolean(),
    track_clicks: z.boolean(),
    unsubscribe_text: z.string().nullable().meta({
      description:
        'The footer unsubscribe link’s text; null: no footer (the List-Unsubscribe headers are always sent).',
    }),
    send_as_plain_text: z.boolean(),
    ab_winner: z
      .object({ metric: z.enum(WINNER_METRICS), min_sends_per_variant: count })
      .nullable()
      .meta({
        description:
          "Picks each step's winning variant by `metric` once every variant has this many sends; null: never.",
      }),
    sequence_steps: z.array(sequenceStepResponse),
    totals: z.object({
      pending: count.meta({ description: 'Enrollments waiting for dispatch.' }),
      active: count.meta({ description: 'Enrollments running (paused ones included).' }),
      completed: count,
      ...sendCountsShape,
      unknown_outcome: count.meta({
        description:
          'Sends interrupted by a crash, flagged for review and never retried: they may or may not have arrived.',
      }),
    }),
    rates: z
      .object({ bounce_rate: z.number(), open_rate: z.number(), reply_rate: z.number() })
      .meta({ description: 'Percentages of the messages sent, to one decimal.' }),
    per_batch: z.array(
      z.object({
        batch_number: count,
        enrollments: count,
        pending: count,
        active: count,
        completed: count,
        replied: count,
        bounced: count,
        skipped: count,
        stopped: count.meta({ description: 'Stopped, unsubscribed or failed.' }),
        sent: count,
      }),
    ),
    per_step: z.array(
      z.object({
        position: count,
        ...sendCountsShape,
        variants: z.array(z.object({ label: z.string(), ...sendCountsShape })),
      }),
    ),
    recent_bounces: z
      .array(
        z.object({
          enrollment_id: z.uuid(),
          contact_id: z.uuid(),
          email: z.string(),
          step: count,
          bounced_at: timestamp,
          smtp_response: z.string().nullable(),
        }),
      )
      .meta({ description: 'The latest 20 bounces, newest first.' }),
    skipped: z
      .record(z.enum(SKIP_KINDS), count)
      .meta({ description: 'Enrollments skipped at dispatch, by reason (GET …/skips lists them).' }),
    credentials: z.array(credentialResponse),
  })
  .meta({ id: 'CampaignDetails' });
export type CampaignDetailsView = z.output<typeof campaignDetailsResponse>;
export type SequenceStepView = z.output<typeof sequenceStepResponse>;

/** An enrollment with its contact's email and the live state of its workflow. */
export const enrollmentDetailsResponse = enrollmentResponse
  .extend({
    contact_email: z.string(),
    workflow: z
      .object({
        status: z.enum(WORKFLOW_STATUSES),
        current_step: count.meta({ description: 'Steps sent so far.' }),
        total_steps: count.nullable(),
        next_step: count.nullable(),
        next_send_at: timestamp
          .nullable()
          .meta({ description: 'When the next step becomes due, before sending-window and mailbox waits.' }),
        paused: z.boolean().meta({ description: 'The enrollment itself is paused.' }),
        campaign_paused: z.boolean().meta({ description: 'Held because the whole campaign is paused.' }),
        last_error: z.string().nullable(),
      })
      .nullable()
      .meta({
        description:
          'The live state of its workflow; null before dispatch, once it has finished, or when Temporal does not answer in time.',
      }),
  })
  .meta({ id: 'EnrollmentDetails' });
export type EnrollmentDetailsView = z.output<typeof enrollmentDetailsResponse>;

export const enrollListResponse = z.object({
  list_uuid: z.uuid(),
  batch_number: count,
  enrolled: count.meta({ description: 'Contacts of the list enrolled now, pending until dispatched.' }),
  already_enrolled: count.meta({ description: 'Contacts of the list already in the campaign, left as they are.' }),
});
export type EnrollListView = z.output<typeof enrollListResponse>;

export const sendForecastResponse = z.object({
  days: z.array(
    z.object({
      date: z.iso.date().meta({ description: "The day in the campaign's time zone." }),
      total: count,
      by_step: z
        .record(z.string().regex(/^[0-9]+$/), count)
        .meta({ description: 'Sends by step position; steps without sends that day are left out.' }),
    }),
  ),
  beyond_horizon: count.meta({ description: 'Steps of running enrollments still due after the last day shown.' }),
  held_enrollments: count.meta({ description: 'Paused enrollments: they send nothing until resumed.' }),
});
export type SendForecastView = z.output<typeof sendForecastResponse>;

export const skipResponse = z.object({
  enrollment_id: z.uuid(),
  contact_id: z.uuid(),
  email: z.string(),
  kind: z.enum(SKIP_KINDS),
  detail: z.string().nullable(),
  skipped_at: timestamp,
});
export type SkipView = z.output<typeof skipResponse>;

export const repliedEnrollmentResponse = z.object({
  enrollment_id: z.uuid(),
  contact_id: z.uuid(),
  email: z.string(),
  first_sent_at: timestamp.meta({ description: 'When its first step was sent.' }),
  replied_at: timestamp,
  hours_to_reply: z.number().meta({ description: 'From the first send to the reply, to one decimal.' }),
  from_email: z.string().nullable(),
  subject: z
    .string()
    .nullable()
    .meta({
      description:
        'The first reply read over IMAP; subject, snippet and match_confidence are null when the reply was reported ' +
        'another way (the events API).',
    }),
  snippet: z.string().nullable(),
  match_confidence: z.enum(MATCH_CONFIDENCES).nullable().meta({
    description: 'high: it names one of the sent Message-IDs (In-Reply-To/References); low: matched by sender only.',
  }),
});
export type RepliedEnrollmentView = z.output<typeof repliedEnrollmentResponse>;

export const dispatchResponse = z.object({
  batch_number: count,
  dispatched: count.meta({ description: 'Enrollments whose workflows started.' }),
  skipped: count.meta({ description: 'Enrollments skipped instead (see GET …/skips).' }),
});
export type DispatchView = z.output<typeof dispatchResponse>;

export const scheduleContactsResponse = z.object({
  campaign: z.object({ uuid: z.uuid(), name: z.string(), status: z.enum(CAMPAIGN_STATUSES), evergreen: z.boolean() }),
  list: z
    .object({ uuid: z.uuid(), name: z.string(), total_contacts: count })
    .meta({ description: "The campaign's first list, which the contacts were added to." }),
  contacts_processed: z.object({
    total_submitted: count,
    new_contacts_added: count.meta({ description: 'Contacts newly enrolled in the campaign.' }),
    duplicates_skipped: count.meta({ description: 'Submitted contacts that were already enrolled, or repeated.' }),
    invalid_emails: z.array(z.string()).meta({ description: 'Submitted addresses that are not valid emails.' }),
  }),
  scheduled: z.boolean().meta({
    description: 'True: their sequences started now. False: the campaign is paused; they start when it is resumed.',
  }),
});
export type ScheduleContactsView = z.output<typeof scheduleContactsResponse>;

export const previewResponse = z.object({
  contact_id: z.uuid(),
  enrollment_id: z.uuid().nullable().meta({
    description: "The contact's enrollment in the campaign, whose id seeds variants and spintax; null: not enrolled.",
  }),
  steps: z.array(
    z.object({
      position: count,
      variant_label: z.string().nullable().meta({ description: 'The A/B variant used; null when the step has none.' }),
      subject: z
        .string()
        .meta({ description: "As sent: a follow-up without its own answers under step 1's (`Re: …`)." }),
      body_html: z.string(),
      body_text: z
        .string()
        .nullable()
        .meta({ description: "The step's own plain text; null: generated from the HTML." }),
    }),
  ),
});
export type PreviewView = z.output<typeof previewResponse>;

export const testSendResponse = z.object({
  from_email: z.string(),
  credential_id: z.uuid().meta({ description: "The campaign's first active mailbox, which sent the tests." }),
  contact_id: z.uuid().nullable().meta({ description: 'Whose fields filled the merge tags; null: placeholders.' }),
  enrollment_id: z.uuid().nullable(),
  sent: count,
  not_sent: count,
  results: z.array(
    z.object({
      email: z.string(),
      steps: z.array(
        z.object({
          position: count,
          variant_label: z.string().nullable(),
          subject: z.string().meta({ description: 'Prefixed `[TEST] `.' }),
          status: z.enum(TEST_SEND_STATUSES),
          smtp_response: z.string(),
        }),
      ),
    }),
  ),
});
export type TestSendView = z.output<typeof testSendResponse>;
