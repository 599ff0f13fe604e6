// Smartlead's email accounts over the native mailbox service: list, save (an upsert), update, get, delete, and the
// warm-up ramp with its last 7 days.
import { z } from 'zod';
import type { MailboxDetails } from '../../domain/mailboxes/mailbox.service';
import { AppError, notFound } from '../../domain/errors';
import { mailboxPatchFromBody, newMailboxFromBody } from '../mailbox.mappers';
import {
  EMAIL_ACCOUNT_EXAMPLE,
  presentEmailAccount,
  presentWarmup,
  smartleadEmailAccountSchema,
  smartleadWarmupDetailsSchema,
} from './email-account.presenter';
import {
  emailAccountBodySchema,
  listQuerySchema,
  nativeCreateBody,
  nativeUpdateBody,
  warmupBodySchema,
  type EmailAccountBody,
} from './email-account.schemas';
import { aliasParam, smartleadOperation, type SmartleadDeps, type SmartleadOperation } from './operation';

const tag = 'Email accounts';
const accountPath = { email_account_id: aliasParam('emailAccount', 'Email account') };
const MAX_LIMIT = 100;
const NOT_KEPT = 'Accepted, not kept by Sequencer (answered as null): `custom_tracking_url`, `bcc`, `client_id`.';
const FIELD_MAP =
  '`from_name`, `from_email`; `username` (or `user_name`) and `password` → the SMTP login; `smtp_host`, ' +
  '`smtp_port`, `smtp_port_type` TLS (STARTTLS) / SSL (implicit TLS) / NONE (a local capture server); ' +
  '`imap_host`, `imap_port` (default 993), logging in as `imap_username`/`imap_password` or else the SMTP login; ' +
  '`max_email_per_day` → the daily limit of new conversations; `signature` (HTML, a Liquid template); ' +
  '`warmup_enabled`, `total_warmup_per_day`, `daily_rampup` → the warm-up ramp (see …/warmup). Hosts in private ' +
  'or metadata ranges are refused (422). Passwords are never answered.';

const saveResultSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  id: z.number().int().meta({ description: 'The email account id.' }),
  emailAccountId: z.number().int().meta({ description: 'The same, as some clients read it.' }),
});

const listAccounts = smartleadOperation({
  method: 'get',
  path: '/email-accounts',
  tag,
  summary: 'List all email accounts',
  description:
    'Your organization’s mailboxes, oldest first, `offset` (default 0) and `limit` (default 100, at most 100: ' +
    `more is read as 100). \`client_id\` is accepted and ignored. ${NOT_KEPT}`,
  query: listQuerySchema,
  response: {
    description: 'The email accounts.',
    schema: z.array(smartleadEmailAccountSchema),
    example: [EMAIL_ACCOUNT_EXAMPLE],
  },
  handle: async ({ deps, organizationId, query }) => {
    const [mailboxes, userId] = await Promise.all([
      deps.mailboxes.list(organizationId),
      deps.smartleadAliases.organizationAlias(organizationId),
    ]);
    const offset = query.offset ?? 0;
    const limit = Math.min(query.limit ?? MAX_LIMIT, MAX_LIMIT);
    return mailboxes.slice(offset, offset + limit).map((details) => presentEmailAccount(details, userId));
  },
});

/** The mailbox a save names: by `id`, else by from_email, else by its SMTP account; null: a new one. */
async function savedAccount(
  deps: SmartleadDeps,
  organizationId: string,
  body: EmailAccountBody,
): Promise<MailboxDetails | null> {
  if (body.id != null) {
    const uuid = await deps.smartleadAliases.resolve(organizationId, 'emailAccount', body.id);
    if (!uuid) throw notFound('mailbox_not_found', 'Email account');
    return deps.mailboxes.get(organizationId, uuid);
  }
  const all = await deps.mailboxes.list(organizationId);
  const email = body.from_email?.toLowerCase();
  const username = body.username ?? body.user_name ?? body.from_email;
  return (
    all.find(({ mailbox }) => email && mailbox.fromEmail.toLowerCase() === email) ??
    all.find(
      ({ mailbox }) => mailbox.smtpHost === body.smtp_host?.toLowerCase() && mailbox.smtpUsername === username,
    ) ??
    null
  );
}

/**
 * Refuses an SMTP account another of the organization's mailboxes uses, in Smartlead's terms (the native conflict
 * names uuids).
 */
async function refuseTakenAccount(
  deps: SmartleadDeps,
  organizationId: string,
  body: EmailAccountBody,
  current: MailboxDetails['mailbox'] | null,
): Promise<void> {
  const host = (body.smtp_host ?? current?.smtpHost)?.toLowerCase();
  const username = body.username ?? body.user_name ?? current?.smtpUsername ?? body.from_email;
  const taken = (await deps.mailboxes.list(organizationId)).find(
    ({ mailbox }) => mailbox.smtpHost === host && mailbox.smtpUsername === username && mailbox.id !== current?.id,
  );
  if (taken) {
    throw new AppError(
      'conflict',
      `Email account ${taken.mailbox.alias} already sends as ${username} on ${host}: update that one instead.`,
      { extra: { email_account_id: taken.mailbox.alias } },
    );
  }
}

const saveAccount = smartleadOperation({
  method: 'post',
  path: '/email-accounts/save',
  tag,
  summary: 'Create email account',
  description:
    'Creates a mailbox, or updates the one with this `id`, else with this `from_email` (or SMTP host and login): ' +
    `an upsert, as Smartlead's save. ${FIELD_MAP} A new account needs from_email, password, smtp_host and ` +
    `smtp_port. ${NOT_KEPT}`,
  body: {
    schema: emailAccountBodySchema,
    example: {
      from_name: 'John Smith',
      from_email: 'john@example.com',
      username: 'john@example.com',
      password: 'your_app_password',
      smtp_host: 'smtp.gmail.com',
      smtp_port: 587,
      smtp_port_type: 'TLS',
      imap_host: 'imap.gmail.com',
      imap_port: 993,
      max_email_per_day: 50,
      custom_tracking_url: null,
      bcc: null,
      signature: null,
    },
  },
  otherStatuses: [404, 422],
  response: {
    description: 'The account was saved.',
    schema: saveResultSchema,
    example: { ok: true, message: 'Email account added successfully', id: 456, emailAccountId: 456 },
  },
  handle: async ({ deps, organizationId, body }) => {
    const existing = await savedAccount(deps, organizationId, body);
    await refuseTakenAccount(deps, organizationId, body, existing?.mailbox ?? null);
    if (existing) {
      const changes = nativeUpdateBody(body, existing.mailbox);
      if (changes) await deps.mailboxes.update(organizationId, existing.mailbox.id, mailboxPatchFromBody(changes));
      const id = existing.mailbox.alias;
      return { ok: true, message: 'Email account updated successfully', id, emailAccountId: id };
    }
    const created = await deps.mailboxes.create(organizationId, newMailboxFromBody(nativeCreateBody(body)));
    const id = created.mailbox.alias;
    return { ok: true, message: 'Email account added successfully', id, emailAccountId: id };
  },
});

const updateAccount = smartleadOperation({
  method: 'post',
  path: '/email-accounts/{email_account_id}',
  tag,
  summary: 'Update email account',
  description: `The fields given change, the others keep their value (the native mailbox PATCH). ${FIELD_MAP} ${NOT_KEPT}`,
  params: accountPath,
  body: { schema: emailAccountBodySchema, example: { max_email_per_day: 40, signature: '<p>John</p>' } },
  otherStatuses: [422],
  response: {
    description: 'The account was updated.',
    schema: saveResultSchema,
    example: { ok: true, message: 'Email account updated successfully', id: 456, emailAccountId: 456 },
  },
  handle: async ({ deps, organizationId, params, aliases, body }) => {
    const current = await deps.mailboxes.get(organizationId, params.email_account_id);
    await refuseTakenAccount(deps, organizationId, body, current.mailbox);
    const changes = nativeUpdateBody(body, current.mailbox);
    if (changes) await deps.mailboxes.update(organizationId, current.mailbox.id, mailboxPatchFromBody(changes));
    const id = aliases.email_account_id;
    return { ok: true, message: 'Email account updated successfully', id, emailAccountId: id };
  },
});

const getAccount = smartleadOperation({
  method: 'get',
  path: '/email-accounts/{email_account_id}',
  tag,
  summary: 'Get email account by ID',
  description: `The mailbox: its settings (never its passwords), today’s sends and its warm-up ramp. ${NOT_KEPT}`,
  params: accountPath,
  response: { description: 'The email account.', schema: smartleadEmailAccountSchema, example: EMAIL_ACCOUNT_EXAMPLE },
  handle: async ({ deps, organizationId, params }) => {
    const [details, userId] = await Promise.all([
      deps.mailboxes.get(organizationId, params.email_account_id),
      deps.smartleadAliases.organizationAlias(organizationId),
    ]);
    return presentEmailAccount(details, userId);
  },
});

const deleteAccount = smartleadOperation({
  method: 'delete',
  path: '/email-accounts/{email_account_id}',
  tag,
  summary: 'Delete email account',
  description:
    'Detaches the mailbox from its campaigns and deletes it (the native delete with force). One that has sent ' +
    'messages is kept, its conversations and history referring to it: a 422 says so (disable it instead).',
  params: accountPath,
  otherStatuses: [422],
  response: { description: 'The account was deleted.', schema: z.object({ ok: z.boolean() }), example: { ok: true } },
  handle: async ({ deps, organizationId, params }) => {
    await deps.mailboxes.delete(organizationId, params.email_account_id, true);
    return { ok: true };
  },
});

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

/** Email accounts and their warm-up: `/email-accounts/save` before `/email-accounts/{email_account_id}`. */
export const emailAccountOperations: readonly SmartleadOperation[] = [
  listAccounts,
  saveAccount,
  updateAccount,
  getAccount,
  deleteAccount,
  configureWarmup,
  warmupStats,
];
