import { mailboxInputFromBody } from './mailbox.mappers';
import type { CampaignSettings, CreateCampaignInput } from '../domain/campaigns/campaign.service';
import type { StepInput, StepPatch } from '../domain/campaigns/campaign-sequence.service';
import type { CampaignSettingsBody, CreateCampaignBody, SequenceStepBody, StepPatchBody } from './campaign.schemas';

/** The API's snake_case settings → the domain's, keeping only those present (PATCH changes only what it names). */
export function settingsFromBody(body: CampaignSettingsBody): Partial<CampaignSettings> {
  const settings: Partial<CampaignSettings> = {
    name: body.name,
    evergreen: body.evergreen,
    outreachId: body.outreach_id,
    minWaitSeconds: body.min_wait_seconds,
    maxWaitSeconds: body.max_wait_seconds,
    verifyEmailMx: body.verify_email_mx,
    bounceRateThreshold: body.bounce_rate_threshold,
    schedule: body.schedule && {
      timezone: body.schedule.timezone,
      days: body.schedule.days,
      startHour: body.schedule.start_hour,
      endHour: body.schedule.end_hour,
    },
    maxNewPerDay: body.max_new_per_day,
    stopOn: body.stop_on,
    trackOpens: body.track_opens,
    trackClicks: body.track_clicks,
    unsubscribeText: body.unsubscribe_text,
    sendAsPlainText: body.send_as_plain_text,
    winnerMetric: body.ab_winner === undefined ? undefined : (body.ab_winner?.metric ?? null),
    winnerMinSends: body.ab_winner === undefined ? undefined : (body.ab_winner?.min_sends_per_variant ?? null),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

/** A validated create body → the domain's input (every setting has its default by now). */
export function createInputFromBody(body: CreateCampaignBody['campaign']): CreateCampaignInput {
  return {
    ...(settingsFromBody(body) as CampaignSettings),
    listUuids: body.list_uuids,
    mailboxes: body.smtp_credentials.map(mailboxInputFromBody),
    steps: body.sequence_steps.map(stepFromBody),
  };
}

/** A validated step (of a new campaign, or of a whole sequence put) → the domain's step. */
export function stepFromBody(step: SequenceStepBody): StepInput {
  return {
    position: step.position,
    delayMinutes: step.delay_minutes,
    // An empty subject is a left-out one: the follow-up answers in the thread.
    subject: step.subject || null,
    bodyHtml: step.body_html,
    bodyText: step.body_text ?? null,
    variants: variantsFromBody(step.variants ?? []),
  };
}

/** A validated step edit → the fields to change (an empty subject clears it, as on creation). */
export function stepPatchFromBody(patch: StepPatchBody): StepPatch {
  const fields: StepPatch = {
    delayMinutes: patch.delay_minutes,
    subject: patch.subject === undefined ? undefined : patch.subject || null,
    bodyHtml: patch.body_html,
    bodyText: patch.body_text,
    variants: patch.variants === undefined ? undefined : variantsFromBody(patch.variants ?? []),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function variantsFromBody(variants: NonNullable<SequenceStepBody['variants']>): StepInput['variants'] {
  return variants.map((variant) => ({
    label: variant.label,
    subject: variant.subject || null,
    bodyHtml: variant.body_html,
    bodyText: variant.body_text ?? null,
    weight: variant.weight,
  }));
}
