// A native campaign in Smartlead's shape. How each field maps (the "Migrating from Smartlead" table, for campaigns):
//
// | Smartlead                 | Sequencer                                                                          |
// |---------------------------|------------------------------------------------------------------------------------|
// | id                        | the campaign's integer alias (the native API's id is its uuid)                     |
// | user_id                   | the organization's integer alias                                                   |
// | name, created_at, updated_at | name, created_at, updated_at                                                    |
// | status                    | pending → DRAFTED, active → ACTIVE, paused → PAUSED, stopped → STOPPED,            |
// |                           | archived → ARCHIVED, completed → COMPLETED                                         |
// | track_settings            | DONT_EMAIL_OPEN unless track_opens, DONT_LINK_CLICK unless track_clicks            |
// |                           | (a new campaign tracks nothing, Sequencer's default: both flags are listed)        |
// | scheduler_cron_value      | schedule {timezone, days, start_hour, end_hour} as {tz, days, "HH:00"}; null when  |
// |                           | the campaign has no schedule (it sends at any hour)                                |
// | min_time_btwn_emails      | min_wait_seconds ÷ 60, rounded (minutes between a mailbox's sends)                 |
// | max_leads_per_day         | max_new_per_day (null: no cap beyond the mailboxes' daily limits)                  |
// | stop_lead_settings        | stop_on: reply → REPLY_TO_AN_EMAIL, open → OPENED_EMAIL, click → CLICKED_LINK,     |
// |                           | never → NEVER                                                                      |
// | send_as_plain_text        | send_as_plain_text                                                                 |
// | unsubscribe_text          | unsubscribe_text ("" when none)                                                    |
// | schedule_start_time       | not kept: always null (a campaign starts when its status is set to START/ACTIVE)   |
// | enable_ai_esp_matching    | not kept: always false (mailboxes rotate by room, see the README)                  |
// | follow_up_percentage      | not kept: always 100 (every lead gets every step until it stops)                   |
// | parent_campaign_id        | not kept: always null (no subsequences)                                            |
// | client_id                 | not kept: always null (no agency clients); accepted and ignored where sent         |
// | tags (include_tags=true)  | not kept: always []                                                                |
import { z } from 'zod';
import type { CampaignEntity } from '../../domain/campaigns/campaign.service';

import { SMARTLEAD_CAMPAIGN_STATUSES, smartleadCampaignStatus } from '../../domain/smartlead/smartlead-campaign-status';

export { SMARTLEAD_CAMPAIGN_STATUSES };

export const STOP_LEAD_SETTINGS = {
  reply: 'REPLY_TO_AN_EMAIL',
  open: 'OPENED_EMAIL',
  click: 'CLICKED_LINK',
  never: 'NEVER',
} as const satisfies Record<CampaignEntity['stopOn'], string>;

export const smartleadCampaignSchema = z
  .object({
    id: z.number().int().meta({ description: 'The campaign id.' }),
    user_id: z.number().int().meta({ description: 'Your organization’s id.' }),
    name: z.string(),
    status: z.enum(SMARTLEAD_CAMPAIGN_STATUSES),
    created_at: z.string().meta({ description: 'ISO 8601.' }),
    updated_at: z.string().meta({ description: 'ISO 8601.' }),
    track_settings: z
      .array(z.enum(['DONT_EMAIL_OPEN', 'DONT_LINK_CLICK']))
      .meta({ description: 'What is not tracked; empty = opens and clicks are tracked.' }),
    scheduler_cron_value: z
      .object({
        tz: z.string(),
        days: z.array(z.number().int().min(0).max(6)).meta({ description: '0 = Sunday … 6 = Saturday.' }),
        startHour: z.string().meta({ example: '09:00' }),
        endHour: z.string().meta({ example: '19:00' }),
      })
      .nullable()
      .meta({ description: 'The sending window; null = any time.' }),
    min_time_btwn_emails: z.number().int().meta({ description: 'Minutes between two sends of one mailbox.' }),
    max_leads_per_day: z.number().int().nullable().meta({ description: 'New leads per day; null = no cap.' }),
    stop_lead_settings: z.enum(Object.values(STOP_LEAD_SETTINGS) as [string, ...string[]]),
    schedule_start_time: z.string().nullable().meta({ description: 'Always null: a campaign starts when started.' }),
    enable_ai_esp_matching: z.boolean().meta({ description: 'Always false (not offered).' }),
    send_as_plain_text: z.boolean(),
    follow_up_percentage: z.number().int().meta({ description: 'Always 100: every lead gets every step.' }),
    unsubscribe_text: z.string(),
    parent_campaign_id: z.number().int().nullable().meta({ description: 'Always null (no subsequences).' }),
    client_id: z.number().int().nullable().meta({ description: 'Always null (no agency clients).' }),
    tags: z
      .array(z.object({ tag_id: z.number().int(), tag_name: z.string(), tag_color: z.string() }))
      .optional()
      .meta({ description: 'With include_tags=true: always [] (campaigns have no tags).' }),
  })
  .meta({ id: 'SmartleadCampaign' });

export type SmartleadCampaign = z.input<typeof smartleadCampaignSchema>;

const hour = (value: number): string => `${String(value).padStart(2, '0')}:00`;

/** The campaign in Smartlead's shape; `userId` is the organization's alias. */
export function presentCampaign(campaign: CampaignEntity, userId: number, includeTags = false): SmartleadCampaign {
  const schedule = campaign.schedule;
  return {
    id: campaign.alias,
    user_id: userId,
    name: campaign.name,
    status: smartleadCampaignStatus(campaign.status),
    created_at: campaign.createdAt.toISOString(),
    updated_at: campaign.updatedAt.toISOString(),
    track_settings: [
      ...(campaign.trackOpens ? [] : (['DONT_EMAIL_OPEN'] as const)),
      ...(campaign.trackClicks ? [] : (['DONT_LINK_CLICK'] as const)),
    ],
    scheduler_cron_value: schedule
      ? {
          tz: schedule.timezone,
          days: schedule.days,
          startHour: hour(schedule.startHour),
          endHour: hour(schedule.endHour),
        }
      : null,
    min_time_btwn_emails: Math.round(campaign.minWaitSeconds / 60),
    max_leads_per_day: campaign.maxNewPerDay,
    stop_lead_settings: STOP_LEAD_SETTINGS[campaign.stopOn],
    schedule_start_time: null,
    enable_ai_esp_matching: false,
    send_as_plain_text: campaign.sendAsPlainText,
    follow_up_percentage: 100,
    unsubscribe_text: campaign.unsubscribeText ?? '',
    parent_campaign_id: null,
    client_id: null,
    ...(includeTags ? { tags: [] } : {}),
  };
}

/** A campaign being deleted (its background job still at work) is gone for Smartlead clients. */
export const isBeingDeleted = (campaign: CampaignEntity): boolean => campaign.fanoutAction === 'delete';
