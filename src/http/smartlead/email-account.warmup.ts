// Smartlead's warm-up endpoints over the native warm-up ramp of a mailbox (MailboxService.update) and its
// analytics (AnalyticsService.mailbox). We run no peer warm-up network: placement is answered as not measured.
import { z } from 'zod';
import { mailboxPatchFromBody } from '../mailbox.mappers';
import { EMAIL_ACCOUNT_EXAMPLE, presentWarmup, smartleadWarmupDetailsSchema } from './email-account.presenter';
import { nativeUpdateBody, warmupBodySchema } from './email-account.schemas';
import { aliasParam, smartleadOperation } from './operation';

const tag = 'Email accounts';
const accountPath = { email_account_id: aliasParam('emailAccount', 'Email account') };

const configureWarmup = smartleadOperation({
  method: 'post',
  path: '/email-accounts/{email_account_id}/warmup',
  tag,
  summary: 'Configure warmup',
  description:
    'Sets the mailbox’s native warm-up ramp, which limits the new conversations it starts a day: ' +
    '`warmup_enabled` turns it on (starting today) or off (its settings kept); `daily_rampup` → the daily ' +
    'increase (and, for a new ramp, the first day’s limit); `total_warmup_per_day` → where it stops rising (at most ' +
    'the daily limit). Sequencer runs no peer warm-up network: no warm-up emails are exchanged, so ' +
    '`reply_rate_percentage` is accepted, not kept by Sequencer.',
  params: accountPath,
  body: {
    schema: warmupBodySchema,
    example: { warmup_enabled: true, total_warmup_per_day: 20, daily_rampup: 2, reply_rate_percentage: 30 },
  },
  response: {
    description: 'The ramp was saved; `warmup_details` is it now.',
    schema: z.object({ ok: z.boolean(), warmup_details: smartleadWarmupDetailsSchema }),
    example: { ok: true, warmup_details: EMAIL_ACCOUNT_EXAMPLE.warmup_details },
  },
  handle: async ({ deps, organizationId, params, body }) => {
    const current = await deps.mailboxes.get(organizationId, params.email_account_id);
    const changes = nativeUpdateBody({ warmup_enabled: body.warmup_enabled, ...rampOf(body) }, current.mailbox);
    const updated = changes
      ? await deps.mailboxes.update(organizationId, current.mailbox.id, mailboxPatchFromBody(changes))
      : current;
    return { ok: true, warmup_details: presentWarmup(updated) };
  },
});

const rampOf = (body: z.output<typeof warmupBodySchema>) => ({
  total_warmup_per_day: body.total_warmup_per_day,
  daily_rampup: body.daily_rampup,
});

const NOT_MEASURED =
  'Sequencer runs no peer warm-up network: inbox and spam placement are not measured (null). sent_count is what ' +
  'the mailbox sent to your leads; warmup_details is the ramp of its daily limit.';

const dayStatsSchema = z.object({
  date: z.string().meta({ description: 'YYYY-MM-DD in the mailbox’s time zone.' }),
  sent_count: z.number().int(),
  reply_count: z.number().int(),
  spam_count: z.null(),
  inbox_count: z.null(),
});

const warmupStatsSchema = z.object({
  id: z.number().int(),
  from_email: z.string(),
  sent_count: z.number().int().meta({ description: 'Sent over the 7 days.' }),
  spam_count: z.null().meta({ description: 'Not measured (no peer warm-up network).' }),
  inbox_count: z.null().meta({ description: 'Not measured (no peer warm-up network).' }),
  placement_measured: z.literal(false),
  note: z.string(),
  warmup_details: smartleadWarmupDetailsSchema,
  stats_by_date: z.array(dayStatsSchema),
});

const warmupStats = smartleadOperation({
  method: 'get',
  path: '/email-accounts/{email_account_id}/warmup-stats',
  tag,
  summary: 'Get warmup stats',
  description:
    'The last 7 days (today included, in the mailbox’s time zone), per day: `sent_count` (the mailbox’s sends, ' +
    `from its analytics) and \`reply_count\`; and \`warmup_details\`, the ramp today. ${NOT_MEASURED}`,
  params: accountPath,
  response: {
    description: 'The last 7 days.',
    schema: warmupStatsSchema,
    example: {
      id: 456,
      from_email: 'john@example.com',
      sent_count: 30,
      spam_count: null,
      inbox_count: null,
      placement_measured: false,
      note: NOT_MEASURED,
      warmup_details: EMAIL_ACCOUNT_EXAMPLE.warmup_details,
      stats_by_date: [{ date: '2024-02-01', sent_count: 12, reply_count: 1, spam_count: null, inbox_count: null }],
    },
  },
  handle: async ({ deps, organizationId, params, aliases }) => {
    const details = await deps.mailboxes.get(organizationId, params.email_account_id);
    const end = dayIn(details.mailbox.timezone, 0);
    const start = dayIn(details.mailbox.timezone, 6);
    const analytics = await deps.analytics.mailbox(organizationId, details.mailbox.id, {
      start_date: start,
      end_date: end,
    });
    return {
      id: aliases.email_account_id,
      from_email: details.mailbox.fromEmail,
      sent_count: analytics.totals.sent,
      spam_count: null,
      inbox_count: null,
      placement_measured: false as const,
      note: NOT_MEASURED,
      warmup_details: presentWarmup(details),
      stats_by_date: analytics.days.map((day) => ({
        date: day.date,
        sent_count: day.sent,
        reply_count: day.replied,
        spam_count: null,
        inbox_count: null,
      })),
    };
  },
});

/** The date (YYYY-MM-DD) `daysAgo` days before today, in `zone`. */
function dayIn(zone: string, daysAgo: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - daysAgo);
  return date.toISOString().slice(0, 10);
}

/** POST …/warmup and GET …/warmup-stats. */
export const warmupOperations = [configureWarmup, warmupStats];
