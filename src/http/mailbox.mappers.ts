import type { MailboxInput, MailboxPatch } from '../domain/mailboxes/mailbox.service';
import type { WarmupInput } from '../domain/mailboxes/mailbox-warmup';
import type { SmtpCredentialBody } from './campaign.schemas';
import type { CreateMailboxBody, UpdateMailboxBody } from './mailbox.schemas';

/** A validated `POST /mailboxes` body → the domain's mailbox settings, signature and warm-up ramp included. */
export function newMailboxFromBody(body: CreateMailboxBody): MailboxInput {
  return {
    ...mailboxInputFromBody(body),
    signature: body.signature,
    warmup: body.warmup && warmupFromBody(body.warmup),
  };
}

/** A validated credential body → the domain's mailbox settings. */
export function mailboxInputFromBody(body: SmtpCredentialBody): MailboxInput {
  return {
    ...accountFromBody(body),
    label: body.label,
    fromName: body.from_name,
    imap:
      body.imap_host && body.imap_port && body.imap_username && body.imap_password
        ? {
            host: body.imap_host,
            port: body.imap_port,
            username: body.imap_username,
            password: body.imap_password,
            security: body.imap_security,
          }
        : undefined,
    dkim: dkimFromBody(body),
  };
}

/** A validated `PATCH /mailboxes/{id}` body → the domain's change; null on imap_host or dkim_domain removes them. */
export function mailboxPatchFromBody(body: UpdateMailboxBody): MailboxPatch {
  const imap = {
    host: body.imap_host ?? undefined,
    port: body.imap_port,
    username: body.imap_username,
    password: body.imap_password,
    security: body.imap_security,
  };
  const imapGiven = Object.values(imap).some((value) => value !== undefined);
  return {
    ...accountFromBody(body),
    label: body.label,
    fromName: body.from_name,
    imap: body.imap_host === null ? null : imapGiven ? imap : undefined,
    dkim: body.dkim_domain === null ? null : dkimFromBody(body),
    status: body.status,
    signature: body.signature,
    warmup: body.warmup && warmupFromBody(body.warmup),
  };
}

function warmupFromBody(warmup: NonNullable<UpdateMailboxBody['warmup']>): WarmupInput {
  return {
    enabled: warmup.enabled,
    startLimit: warmup.start_limit,
    dailyIncrement: warmup.daily_increment,
    targetLimit: warmup.target_limit,
    startedAt: warmup.started_at === undefined ? undefined : new Date(warmup.started_at),
  };
}

type AccountField =
  'smtp_host' | 'smtp_port' | 'smtp_security' | 'smtp_username' | 'smtp_password' | 'from_email' | 'daily_limit';

/** The SMTP account fields, named as the domain names them (required or optional as the body has them). */
function accountFromBody<Body extends Partial<Pick<SmtpCredentialBody, AccountField>>>(body: Body) {
  return {
    smtpHost: body.smtp_host as Body['smtp_host'],
    smtpPort: body.smtp_port as Body['smtp_port'],
    smtpSecurity: body.smtp_security,
    smtpUsername: body.smtp_username as Body['smtp_username'],
    smtpPassword: body.smtp_password as Body['smtp_password'],
    fromEmail: body.from_email,
    dailyLimit: body.daily_limit,
  };
}

function dkimFromBody(body: { dkim_domain?: string | null; dkim_selector?: string; dkim_private_key?: string }) {
  return body.dkim_domain && body.dkim_selector && body.dkim_private_key
    ? { domain: body.dkim_domain, selector: body.dkim_selector, privateKey: body.dkim_private_key }
    : undefined;
}
