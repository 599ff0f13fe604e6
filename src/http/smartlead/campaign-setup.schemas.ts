// The request bodies of Smartlead's campaign schedule, settings and email-accounts endpoints, as lenient as the live
// service (numbers as strings, booleans as strings, unknown fields kept and ignored).
import { z } from 'zod';
import { headerText } from '../campaign.schemas';
import { timeZone } from '../contact.schemas';
import { lenientBoolean, lenientBody, lenientId, lenientInt, lenientQuery } from './lenient';

/** `"09:00"`, `"9"`, `9` or `"09:30"` → hours and minutes. */
const hourOfDay = () =>
  z
    .union([
      z.number().int().min(0).max(24),
      z
        .string()
        .trim()
        .regex(/^\d{1,2}(:\d{2})?$/, 'must be like "09:00"'),
    ])
    .transform((value) => {
      const [hours, minutes] = String(value).split(':');
      return { hours: Number(hours), minutes: Number(minutes ?? 0) };
    })
    .refine(({ hours, minutes }) => minutes < 60 && (hours < 24 || (hours === 24 && minutes === 0)), {
      message: 'must be a time of day from 00:00 to 24:00',
    });

const day = lenientInt().pipe(z.number().int().min(0).max(6));

export const scheduleBodySchema = lenientBody({
  timezone: timeZone.optional().meta({ description: 'IANA time zone, e.g. America/New_York.' }),
  days_of_the_week: z.array(day).min(1).max(7).optional().meta({ description: '0 = Sunday … 6 = Saturday.' }),
  start_hour: hourOfDay().optional().meta({ description: '"09:00"; minutes round up to the next hour.' }),
  end_hour: hourOfDay()
    .optional()
    .meta({ description: '"19:00"; minutes round down to the hour ("23:59" and "00:00": midnight).' }),
  min_time_btw_emails: lenientInt()
    .pipe(z.number().int().min(0).max(1440))
    .optional()
    .meta({ description: 'Minutes between two sends of one mailbox.' }),
  max_leads_per_day: lenientInt()
    .pipe(z.number().int().min(0).max(100_000))
    .nullish()
    .meta({ description: 'New leads a day; 0 or null: no cap.' }),
  max_new_leads_per_day: lenientInt()
    .pipe(z.number().int().min(0).max(100_000))
    .nullish()
    .meta({ description: 'The same as max_leads_per_day (either is read).' }),
  schedule_start_time: z.string().nullish().meta({ description: 'Accepted, not kept by Sequencer.' }),
});

export const TRACK_SETTINGS = ['DONT_EMAIL_OPEN', 'DONT_LINK_CLICK', 'DONT_TRACK_LINK_CLICK'] as const;
export const STOP_LEAD_REQUESTS = ['REPLY_TO_AN_EMAIL', 'OPENED_EMAIL', 'CLICKED_LINK', 'NEVER'] as const;

const upper = <Values extends readonly [string, ...string[]]>(values: Values) =>
  z.string().trim().toUpperCase().pipe(z.enum(values));

export const settingsBodySchema = lenientBody({
  track_settings: z
    .union([z.array(upper(TRACK_SETTINGS)), upper(TRACK_SETTINGS)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .nullish()
    .meta({ description: 'What not to track; [] = opens and clicks are tracked.' }),
  stop_lead_settings: upper(STOP_LEAD_REQUESTS).nullish(),
  unsubscribe_text: headerText(2000).nullish().meta({ description: 'The footer link’s text; "" = no footer.' }),
  send_as_plain_text: lenientBoolean().nullish(),
  follow_up_percentage: lenientInt()
    .pipe(z.number().int().min(0).max(100))
    .nullish()
    .meta({ description: 'Accepted, not kept by Sequencer (every lead gets every step until it stops).' }),
  enable_ai_esp_matching: lenientBoolean().nullish().meta({ description: 'Accepted, not kept by Sequencer.' }),
  client_id: lenientId('Accepted, not kept by Sequencer (no agency clients).').nullish(),
});

/** `email_account_id`, or `email_account_ids: [...]` (a single id also read from the query on DELETE). */
export const emailAccountIdsBodySchema = lenientBody({
  email_account_id: lenientId('One email account.', 456).nullish(),
  email_account_ids: z
    .union([z.array(lenientId('An email account.', 456)), lenientId('An email account.', 456)])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .nullish()
    .meta({ description: 'Several email accounts.' }),
});

export const emailAccountIdsQuerySchema = lenientQuery({
  email_account_id: lenientId('One email account (DELETE only).', 456).optional(),
  email_account_ids: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be ids separated by commas')
    .transform((value) => value.split(',').map(Number))
    .optional()
    .meta({ description: 'Ids separated by commas (DELETE only).' }),
});
