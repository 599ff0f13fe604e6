// Smartlead's campaign setup over the native services: schedule and settings (CampaignService.update), sequences
// (CampaignSequenceService), and the campaign's email accounts (campaign-setup.accounts.ts).
import { z } from 'zod';
import type { CampaignSettings } from '../../domain/campaigns/campaign.service';
import { STOP_LEAD_SETTINGS } from './campaign.presenter';
import { campaignAccountOperations, validationFailed, visibleCampaign } from './campaign-setup.accounts';
import { scheduleBodySchema, settingsBodySchema } from './campaign-setup.schemas';
import {
  presentSequences,
  saveSequencesSchema,
  smartleadSequenceSchema,
  stepsFromSmartlead,
} from './campaign-setup.sequences';
import { aliasParam, smartleadOperation, type SmartleadOperation } from './operation';

const tag = 'Campaigns';
const campaignPath = { campaign_id: aliasParam('campaign', 'Campaign') };
const okSchema = z.object({ ok: z.boolean() });

const updateSchedule = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/schedule',
  tag,
  summary: 'Update campaign schedule',
  description:
    'The campaign’s sending window, wait and daily cap (the native settings): `timezone`, `days_of_the_week`, ' +
    '`start_hour`, `end_hour` → `schedule` (whole hours: minutes of start_hour round up, of end_hour down, but ' +
    '23:59 and 00:00 end the day at midnight; fields ' +
    'left out keep their value, a campaign without a schedule needs all four); `min_time_btw_emails` (minutes) → ' +
    '`min_wait_seconds` (`max_wait_seconds` raised to it when lower); `max_leads_per_day` or ' +
    '`max_new_leads_per_day` → `max_new_per_day` (0 or null: no cap). `schedule_start_time` is accepted, not kept ' +
    'by Sequencer (a campaign starts when its status is set to START).',
  params: campaignPath,
  body: {
    schema: scheduleBodySchema,
    example: {
      timezone: 'America/New_York',
      days_of_the_week: [1, 2, 3, 4, 5],
      start_hour: '09:00',
      end_hour: '19:00',
      min_time_btw_emails: 24,
      max_leads_per_day: 100,
    },
  },
  response: { description: 'The schedule was saved.', schema: okSchema, example: { ok: true } },
  handle: async ({ deps, organizationId, params, body }) => {
    const campaign = await visibleCampaign(deps, organizationId, params.campaign_id);
    const settings: Partial<CampaignSettings> = {};
    const windowGiven = [body.timezone, body.days_of_the_week, body.start_hour, body.end_hour].some(
      (value) => value !== undefined,
    );
    if (windowGiven) {
      const current = campaign.schedule;
      const start = body.start_hour ? body.start_hour.hours + (body.start_hour.minutes > 0 ? 1 : 0) : undefined;
      const end = body.end_hour ? endHourOf(body.end_hour) : undefined;
      const schedule = {
        timezone: body.timezone ?? current?.timezone,
        days: body.days_of_the_week ? [...new Set(body.days_of_the_week)].sort((a, b) => a - b) : current?.days,
        startHour: start ?? current?.startHour,
        endHour: end ?? current?.endHour,
      };
      const missing = Object.entries({
        timezone: schedule.timezone,
        days_of_the_week: schedule.days,
        start_hour: schedule.startHour,
        end_hour: schedule.endHour,
      }).filter(([, value]) => value === undefined);
      if (missing.length > 0) {
        throw validationFailed(missing.map(([field]) => `${field}: required (the campaign has no schedule yet)`));
      }
      if (schedule.startHour! >= schedule.endHour! || schedule.startHour! > 23) {
        throw validationFailed(['end_hour: must be at least a whole hour after start_hour']);
      }
      settings.schedule = {
        timezone: schedule.timezone!,
        days: schedule.days!,
        startHour: schedule.startHour!,
        endHour: schedule.endHour!,
      };
    }
    if (body.min_time_btw_emails !== undefined) {
      settings.minWaitSeconds = body.min_time_btw_emails * 60;
      settings.maxWaitSeconds = Math.max(campaign.maxWaitSeconds, settings.minWaitSeconds);
    }
    const cap = body.max_new_leads_per_day !== undefined ? body.max_new_leads_per_day : body.max_leads_per_day;
    if (cap !== undefined) settings.maxNewPerDay = cap || null;
    if (Object.keys(settings).length > 0) await deps.campaigns.update(organizationId, campaign.id, settings);
    return { ok: true };
  },
});

/**
 * The native window ends on a whole hour: minutes round down (never sending past the end), but "23:59", as
 * Smartlead users write "until midnight", and "00:00" end the day (24); rounded down, 23:59 would lose an hour.
 */
function endHourOf({ hours, minutes }: { hours: number; minutes: number }): number {
  if (hours === 23 && minutes === 59) return 24;
  return hours || (minutes > 0 ? 0 : 24);
}

const STOP_ON_OF = Object.fromEntries(
  Object.entries(STOP_LEAD_SETTINGS).map(([stopOn, smartlead]) => [smartlead, stopOn]),
) as Record<string, CampaignSettings['stopOn']>;

const updateSettings = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/settings',
  tag,
  summary: 'Update campaign settings',
  description:
    'The native settings, each field left out keeping its value: `track_settings` → `track_opens` (false with ' +
    'DONT_EMAIL_OPEN) and `track_clicks` (false with DONT_LINK_CLICK or DONT_TRACK_LINK_CLICK), [] tracking both; ' +
    '`stop_lead_settings` REPLY_TO_AN_EMAIL / OPENED_EMAIL / CLICKED_LINK / NEVER → `stop_on` reply / open / ' +
    'click / never; `unsubscribe_text` ("" = no footer link; the List-Unsubscribe headers stay); ' +
    '`send_as_plain_text`. Accepted, not kept by Sequencer: `follow_up_percentage` (every lead gets every step ' +
    'until it stops: answered as 100), `enable_ai_esp_matching` (mailboxes rotate by room: answered as false), ' +
    '`client_id` (no agency clients: answered as null).',
  params: campaignPath,
  body: {
    schema: settingsBodySchema,
    example: {
      track_settings: [],
      stop_lead_settings: 'REPLY_TO_AN_EMAIL',
      unsubscribe_text: 'Click here to unsubscribe',
      send_as_plain_text: false,
      follow_up_percentage: 20,
      enable_ai_esp_matching: true,
      client_id: null,
    },
  },
  response: { description: 'The settings were saved.', schema: okSchema, example: { ok: true } },
  handle: async ({ deps, organizationId, params, body }) => {
    const campaign = await visibleCampaign(deps, organizationId, params.campaign_id);
    const settings: Partial<CampaignSettings> = {};
    if (body.track_settings) {
      settings.trackOpens = !body.track_settings.includes('DONT_EMAIL_OPEN');
      settings.trackClicks = !body.track_settings.some((flag) => flag !== 'DONT_EMAIL_OPEN');
    }
    if (body.stop_lead_settings) settings.stopOn = STOP_ON_OF[body.stop_lead_settings]!;
    if (body.unsubscribe_text !== undefined) settings.unsubscribeText = body.unsubscribe_text || null;
    if (body.send_as_plain_text !== undefined && body.send_as_plain_text !== null) {
      settings.sendAsPlainText = body.send_as_plain_text;
    }
    if (Object.keys(settings).length > 0) await deps.campaigns.update(organizationId, campaign.id, settings);
    return { ok: true };
  },
});

const SEQUENCE_EXAMPLE = [
  {
    id: 8494,
    email_campaign_id: 12345,
    seq_number: 1,
    seq_delay_details: { delay_in_days: 0, delayInDays: 0 },
    subject: 'Quick question, {{first_name}}',
    email_body: '<p>Hi {{first_name}},</p><p>Your email body here.</p>',
    variant_distribution_type: 'MANUAL_EQUAL' as const,
    sequence_variants: null,
  },
  {
    id: 8495,
    email_campaign_id: 12345,
    seq_number: 2,
    seq_delay_details: { delay_in_days: 3, delayInDays: 3 },
    subject: '',
    email_body: '<p>Bumping this up.</p>',
    variant_distribution_type: 'MANUAL_EQUAL' as const,
    sequence_variants: null,
  },
];

const getSequences = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/sequences',
  tag,
  summary: 'Fetch campaign sequence',
  description:
    'The native sequence, step by step: `id` (the step’s id), `seq_number` (position), `seq_delay_details` (days ' +
    'after the previous step, also as `delayInDays`), `subject` ("" on a follow-up answering in the thread), ' +
    '`email_body` (HTML) and `sequence_variants` (null without an A/B test; shares in ' +
    '`variant_distribution_percentage`).',
  params: campaignPath,
  response: {
    description: 'The sequence, in step order.',
    schema: z.array(smartleadSequenceSchema),
    example: SEQUENCE_EXAMPLE,
  },
  handle: async ({ deps, organizationId, params, aliases }) => {
    await visibleCampaign(deps, organizationId, params.campaign_id);
    return presentSequences(await deps.sequences.read(organizationId, params.campaign_id), aliases.campaign_id);
  },
});

const saveSequences = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/sequences',
  tag,
  summary: 'Save campaign sequence',
  description:
    'The sequence becomes exactly the steps posted (the native sequence PUT: a running campaign’s leads go on ' +
    'with the steps they have not sent). The body is an array of steps or `{"sequences": [...]}`. Each step: ' +
    '`seq_number` (position; default its place in the array), `seq_delay_details.delay_in_days` (or ' +
    '`delayInDays`; days after the previous step, for step 1 after the lead starts), `subject` (required on the ' +
    'first step; "" on a follow-up answers in the thread), `email_body`, and `seq_variants` or `variants` ' +
    '(`subject`, `email_body`, `variant_label`; two or more make an A/B test, a single one is the step’s own ' +
    'content; without step-level content the first variant’s is used). `variant_distribution_type` ' +
    'MANUAL_PERCENTAGE weighs variants by `variant_distribution_percentage`; other types split equally. Not kept ' +
    'by Sequencer: step and variant `id`s (steps are named by seq_number), `lead_distribution_percentage` and ' +
    '`winning_metric_property` (the winner rule is the native campaign’s `ab_winner`). Subjects and bodies are ' +
    'Liquid templates, `{{first_name}}` as in Smartlead.',
  params: campaignPath,
  body: {
    schema: saveSequencesSchema,
    example: [
      {
        seq_number: 1,
        seq_delay_details: { delay_in_days: 0 },
        variant_distribution_type: 'MANUALLY_EQUAL',
        variants: [
          {
            subject: 'Quick question, {{first_name}}',
            email_body: '<p>Hi {{first_name}},</p><p>Your email body here.</p>',
            variant_label: 'A',
          },
        ],
      },
    ],
  },
  response: {
    description: 'The sequence was saved; `data` is it as it is now.',
    schema: z.object({ ok: z.boolean(), data: z.array(smartleadSequenceSchema) }),
    example: { ok: true, data: SEQUENCE_EXAMPLE },
  },
  handle: async ({ deps, organizationId, params, aliases, body }) => {
    await visibleCampaign(deps, organizationId, params.campaign_id);
    const steps = stepsFromSmartlead(body);
    const saved = await deps.sequences.replace(organizationId, params.campaign_id, steps);
    return { ok: true, data: presentSequences(saved, aliases.campaign_id) };
  },
});

/** Campaign schedule, settings, sequences and email accounts. */
export const campaignSetupOperations: readonly SmartleadOperation[] = [
  updateSchedule,
  updateSettings,
  getSequences,
  saveSequences,
  ...campaignAccountOperations,
];
