// Smartlead's email accounts over the native mailbox service: list, save (an upsert), update, get, delete; the
// warm-up ramp and its last 7 days are in email-account.warmup.ts.
import { z } from 'zod';
import type { MailboxDetails } from '../../domain/mailboxes/mailbox.service';
import { AppError, notFound } from '../../domain/errors';
import { mailboxPatchFromBody, newMailboxFromBody } from '../mailbox.mappers';
import { EMAIL_ACCOUNT_EXAMPLE, presentEmailAccount, smartleadEmailAccountSchema } from './email-account.presenter';
import {
  emailAccountBodySchema,
  listQuerySchema,
  nativeCreateBody,
  nativeUpdateBody,
  type EmailAccountBody,
} from './email-account.schemas';
import { warmupOperations } from './email-account.warmup';
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

/** Email accounts and their warm-up: `/email-accounts/save` before `/email-accounts/{email_account_id}`. */
export const emailAccountOperations: readonly SmartleadOperation[] = [
  listAccounts,
  saveAccount,
  updateAccount,
  getAccount,
  deleteAccount,
  ...warmupOperations,
];
