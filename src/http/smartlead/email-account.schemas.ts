// Smartlead's email-account bodies, and their translation to the native mailbox bodies: the native schemas then
// validate them (hosts, addresses, signature templates, the warm-up ramp), their errors named as Smartlead names
// the fields.
import { z } from 'zod';
import type { MailboxEntity } from '../../domain/mailboxes/mailbox.service';
import { createMailboxSchema, updateMailboxSchema } from '../mailbox.schemas';
import { lenientBoolean, lenientBody, lenientId, lenientInt, lenientQuery } from './lenient';

const port = () => lenientInt().pipe(z.number().int().min(1).max(65535));
const count = () => lenientInt().pipe(z.number().int().min(0).max(100_000));

export const PORT_TYPES = { TLS: 'starttls', STARTTLS: 'starttls', SSL: 'tls', NONE: 'none' } as const;

export const emailAccountBodySchema = lenientBody({
  id: lenientId('save only: the account to update (null or left out: matched by from_email, else created).').nullish(),
  from_name: z.string().nullish(),
  from_email: z.string().trim().nullish(),
  username: z.string().nullish().meta({ description: 'The SMTP login (default: from_email).' }),
  user_name: z.string().nullish().meta({ description: 'The same as username.' }),
  password: z.string().nullish().meta({ description: 'The SMTP password (never answered).' }),
  smtp_host: z.string().trim().nullish(),
  smtp_port: port().nullish(),
  smtp_port_type: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(['TLS', 'STARTTLS', 'SSL', 'NONE']))
    .nullish()
    .meta({ description: 'TLS (STARTTLS, 587) or SSL (implicit TLS, 465); NONE for a local capture server.' }),
  imap_host: z.string().trim().nullish(),
  imap_port: port().nullish().meta({ description: 'Default 993.' }),
  imap_port_type: z
    .string()
    .trim()
    .toUpperCase()
    .pipe(z.enum(['TLS', 'STARTTLS', 'SSL', 'NONE']))
    .nullish()
    .meta({
      description:
        'A Sequencer addition, as smtp_port_type: SSL (implicit TLS) or TLS (STARTTLS); NONE for a local test ' +
        'server. Left out: SSL on 993, STARTTLS on any other port.',
    }),
  imap_username: z.string().nullish().meta({ description: 'Default: the SMTP login.' }),
  imap_user_name: z.string().nullish().meta({ description: 'The same as imap_username.' }),
  imap_password: z.string().nullish().meta({ description: 'Default: the SMTP password.' }),
  max_email_per_day: count().nullish().meta({ description: 'New conversations a day (daily_limit).' }),
  message_per_day: count().nullish().meta({ description: 'The same as max_email_per_day.' }),
  signature: z.string().nullish().meta({ description: 'HTML appended to every step; "" or null removes it.' }),
  custom_tracking_url: z.string().nullish().meta({ description: 'Accepted, not kept by Sequencer.' }),
  bcc: z.string().nullish().meta({ description: 'Accepted, not kept by Sequencer.' }),
  client_id: lenientId('Accepted, not kept by Sequencer (no agency clients).').nullish(),
  warmup_enabled: lenientBoolean().nullish(),
  total_warmup_per_day: count().nullish(),
  daily_rampup: count().nullish(),
  reply_rate_percentage: count().nullish().meta({ description: 'Accepted, not kept by Sequencer.' }),
});
export type EmailAccountBody = z.output<typeof emailAccountBodySchema>;

export const warmupBodySchema = lenientBody({
  warmup_enabled: lenientBoolean().meta({ description: 'Turn the warm-up ramp on or off (off keeps its settings).' }),
  total_warmup_per_day: count().nullish().meta({ description: 'Where the ramp stops rising (target_limit).' }),
  daily_rampup: count().nullish().meta({ description: 'Added to the daily limit each day (daily_increment).' }),
  reply_rate_percentage: count()
    .nullish()
    .meta({ description: 'Accepted, not kept by Sequencer (no peer warm-up network replies).' }),
});
export type WarmupBody = z.output<typeof warmupBodySchema>;

export const listQuerySchema = lenientQuery({
  offset: lenientInt().pipe(z.number().int().min(0)).optional().meta({ description: 'Default 0.' }),
  limit: lenientInt().pipe(z.number().int().min(1)).optional().meta({ description: 'Default 100, at most 100.' }),
  client_id: lenientId('Accepted and ignored (no agency clients).').optional(),
});

const FIELDS: Record<string, string> = {
  smtp_username: 'username',
  smtp_password: 'password',
  smtp_security: 'smtp_port_type',
  daily_limit: 'max_email_per_day',
  warmup: 'warmup',
  start_limit: 'daily_rampup',
  daily_increment: 'daily_rampup',
  target_limit: 'total_warmup_per_day',
  enabled: 'warmup_enabled',
};

/** Parses a native body, its error paths renamed to Smartlead's fields. */
function parseNative<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new z.ZodError(
    parsed.error.issues.map((issue) => ({
      ...issue,
      path: issue.path.map((part) => (typeof part === 'string' ? (FIELDS[part] ?? part) : part)),
    })),
  );
}

const given = <Value>(value: Value | null | undefined): Value | undefined => value ?? undefined;

/** The warm-up ramp of Smartlead's fields, over the stored one (null: the fields say nothing of it). */
export function nativeWarmup(
  body: Pick<EmailAccountBody, 'warmup_enabled' | 'total_warmup_per_day' | 'daily_rampup'>,
  current: Pick<MailboxEntity, 'warmupStartLimit' | 'warmupDailyIncrement'> | null,
) {
  if (body.warmup_enabled === false) return { enabled: false };
  if (body.warmup_enabled == null && body.total_warmup_per_day == null && body.daily_rampup == null) return undefined;
  const rampup = given(body.daily_rampup);
  if (rampup === undefined && current?.warmupDailyIncrement == null) {
    throw new z.ZodError([
      { code: 'custom', path: ['daily_rampup'], message: 'required to enable the warm-up', input: undefined },
    ]);
  }
  return {
    enabled: true,
    // Smartlead's ramp starts at one day's increase; a ramp already started keeps its start.
    start_limit: current?.warmupStartLimit ?? Math.max(1, rampup ?? 1),
    ...(rampup === undefined ? {} : { daily_increment: rampup }),
    ...(body.total_warmup_per_day == null ? {} : { target_limit: body.total_warmup_per_day }),
  };
}

function imapOf(body: EmailAccountBody, forCreate: boolean) {
  const username = given(body.imap_username ?? body.imap_user_name);
  const password = given(body.imap_password);
  const security = body.imap_port_type ? PORT_TYPES[body.imap_port_type] : undefined;
  if (!body.imap_host && !forCreate) {
    return {
      imap_port: given(body.imap_port),
      imap_username: username,
      imap_password: password,
      imap_security: security,
    };
  }
  if (!body.imap_host) return {};
  return {
    imap_host: body.imap_host,
    imap_port: body.imap_port ?? 993,
    imap_security: security,
    imap_username: username ?? given(body.username ?? body.user_name) ?? given(body.from_email),
    imap_password: password ?? given(body.password),
  };
}

/** A new mailbox (POST /mailboxes' body, validated as there). */
export function nativeCreateBody(body: EmailAccountBody) {
  const warmup = nativeWarmup(body, null);
  return parseNative(createMailboxSchema, {
    smtp_host: body.smtp_host ?? undefined,
    smtp_port: body.smtp_port ?? undefined,
    smtp_security: body.smtp_port_type ? PORT_TYPES[body.smtp_port_type] : undefined,
    smtp_username: given(body.username ?? body.user_name) ?? given(body.from_email),
    smtp_password: given(body.password),
    from_email: given(body.from_email),
    from_name: given(body.from_name),
    daily_limit: given(body.max_email_per_day ?? body.message_per_day),
    ...imapOf(body, true),
    signature: body.signature || undefined,
    ...(warmup && warmup.enabled !== false ? { warmup } : {}),
  });
}

/** A change to a mailbox (PATCH /mailboxes/{id}'s body, validated as there); null when it changes nothing. */
export function nativeUpdateBody(body: EmailAccountBody, current: MailboxEntity) {
  const fields = {
    smtp_host: given(body.smtp_host),
    smtp_port: given(body.smtp_port),
    smtp_security: body.smtp_port_type ? PORT_TYPES[body.smtp_port_type] : undefined,
    smtp_username: given(body.username ?? body.user_name),
    smtp_password: given(body.password),
    from_email: given(body.from_email),
    from_name: given(body.from_name),
    daily_limit: given(body.max_email_per_day ?? body.message_per_day),
    ...imapOf(body, false),
    signature: body.signature === undefined ? undefined : body.signature || null,
    warmup: nativeWarmup(body, current),
  };
  const changes = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  if (Object.keys(changes).length === 0) return null;
  return parseNative(updateMailboxSchema, changes);
}
