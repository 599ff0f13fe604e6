import type { ImapSecurity, SmtpSecurity } from '../../db/entities/mailbox.entity';
import type { MailboxSettings } from '../../db/repositories/mailbox.repository';
import type { SecretBox } from '../../crypto/secret-box';
import type { OutboundHostPolicy } from '../../mail/outbound-host-policy';
import { AppError } from '../errors';
import { warmupColumns, type WarmupInput } from './mailbox-warmup';

/** A mailbox's settings as a user gives them (a campaign's credential, or a mailbox of its own). */
export interface MailboxInput {
  label?: string | undefined;
  smtpHost: string;
  smtpPort: number;
  smtpSecurity?: SmtpSecurity | undefined;
  smtpUsername: string;
  smtpPassword: string;
  fromEmail?: string | undefined;
  fromName?: string | undefined;
  /** Left out: 50 for a new mailbox; an existing one keeps its limit. */
  dailyLimit?: number | undefined;
  imap?: ImapInput | undefined;
  /** DKIM signing: `d=` domain, `s=` selector, PEM private key (stored encrypted). */
  dkim?: DkimInput | undefined;
  /** HTML, a Liquid template appended to its steps (mailboxes created on their own only). */
  signature?: string | undefined;
  /** Its warm-up ramp (mailboxes created on their own only). */
  warmup?: WarmupInput | undefined;
}

export interface ImapInput {
  host: string;
  port: number;
  username: string;
  password: string;
  security?: ImapSecurity | undefined;
}

export interface DkimInput {
  domain: string;
  selector: string;
  privateKey: string;
}

/** New conversations a day for a new mailbox whose settings name no daily limit. */
export const DEFAULT_DAILY_LIMIT = 50;

/** The columns of a mailbox saved from these settings; secrets encrypted, defaults filled in. */
export function mailboxSettings(
  organizationId: string,
  input: MailboxInput,
  secrets: SecretBox,
  timezone: string,
): MailboxSettings {
  return {
    organizationId,
    label: input.label ?? null,
    smtpHost: input.smtpHost.toLowerCase(),
    smtpPort: input.smtpPort,
    smtpSecurity: input.smtpSecurity ?? smtpSecurityFor(input.smtpPort),
    smtpUsername: input.smtpUsername,
    smtpPasswordEncrypted: secrets.encrypt(input.smtpPassword),
    fromEmail: fromEmailOf(input.fromEmail, input.smtpUsername, input.smtpHost),
    fromName: input.fromName ?? null,
    ...imapColumns(input.imap ?? null, secrets),
    ...dkimColumns(input.dkim ?? null, secrets),
    dailyLimit: input.dailyLimit ?? DEFAULT_DAILY_LIMIT,
    timezone,
    signature: input.signature ?? null,
    ...warmupColumns(null, input.warmup ?? null, new Date()),
  };
}

/** Implicit TLS on 465, STARTTLS on any other port. */
export function smtpSecurityFor(port: number): SmtpSecurity {
  return port === 465 ? 'tls' : 'starttls';
}

/** The IMAP columns for these settings; null clears them. */
export function imapColumns(imap: ImapInput | null, secrets: SecretBox) {
  return {
    imapHost: imap?.host ?? null,
    imapPort: imap?.port ?? null,
    imapUsername: imap?.username ?? null,
    imapPasswordEncrypted: imap ? secrets.encrypt(imap.password) : null,
    imapSecurity: imap ? (imap.security ?? (imap.port === 993 ? 'tls' : 'starttls')) : null,
  } satisfies Partial<MailboxSettings>;
}

/** The DKIM columns for these settings; null clears them. */
export function dkimColumns(dkim: DkimInput | null, secrets: SecretBox) {
  return {
    dkimDomain: dkim?.domain ?? null,
    dkimSelector: dkim?.selector ?? null,
    dkimPrivateKeyEncrypted: dkim ? secrets.encrypt(dkim.privateKey) : null,
  } satisfies Partial<MailboxSettings>;
}

/**
 * The optional settings a credential left out: an existing mailbox (shared by other campaigns) keeps its values for
 * them, so left out is the way to say "not given".
 */
export function omittedSettings(mailbox: MailboxInput) {
  const omitted = {
    label: mailbox.label === undefined,
    fromName: mailbox.fromName === undefined,
    fromEmail: mailbox.fromEmail === undefined,
    dailyLimit: mailbox.dailyLimit === undefined,
    imap: mailbox.imap === undefined,
    dkim: mailbox.dkim === undefined,
  };
  return (Object.keys(omitted) as (keyof typeof omitted)[]).filter((setting) => omitted[setting]);
}

/** The sender address: the one given, else the SMTP username when it is an address. */
export function fromEmailOf(fromEmail: string | undefined, smtpUsername: string, smtpHost: string): string {
  if (fromEmail) return fromEmail;
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(smtpUsername)) return smtpUsername;
  throw new AppError('validation_failed', 'Validation failed.', {
    errors: [
      `smtp_credentials: from_email is required for ${smtpHost} because smtp_username "${smtpUsername}" is not an email address`,
    ],
  });
}

/**
 * Refuses, before anything is saved, SMTP and IMAP hosts the outbound host policy refuses whatever DNS says: IP
 * literals in refused ranges and cloud metadata host names (other names are vetted when connecting). `at` names
 * where each mailbox is in the request, for the error's field path.
 */
export function checkHosts(
  hosts: Pick<OutboundHostPolicy, 'refusalWithoutLookup'>,
  mailboxes: { at: string; smtpHost?: string | undefined; imapHost?: string | undefined }[],
): void {
  const errors = mailboxes.flatMap(({ at, smtpHost, imapHost }) =>
    (
      [
        ['smtp_host', smtpHost],
        ['imap_host', imapHost],
      ] as const
    ).flatMap(([field, host]) => {
      const refusal = host === undefined ? null : hosts.refusalWithoutLookup(host);
      return refusal ? [`${at}${field}: ${refusal}`] : [];
    }),
  );
  if (errors.length > 0) {
    throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', { errors });
  }
}
