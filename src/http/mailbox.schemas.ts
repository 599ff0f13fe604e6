import { z } from 'zod';
import { liquidTemplate, smtpCredentialSchema } from './campaign.schemas';
import { booleanQuery } from './path-params';

/** The longest signature, in characters. */
export const MAX_SIGNATURE_LENGTH = 10_000;

/** HTML, a Liquid template checked as a step's body is; it cannot place itself. */
const signatureSchema = z
  .string()
  .min(1)
  .max(MAX_SIGNATURE_LENGTH, `must be at most ${MAX_SIGNATURE_LENGTH} characters`)
  .pipe(liquidTemplate)
  .refine((source) => !/\{[{%][^}]*\bsender\b/.test(source), {
    message: 'a signature cannot use {{ sender }}: it is the signature',
  })
  .describe(
    "HTML, a Liquid template as a step's body (merge fields such as {{ first_name }} with a default, no file " +
      'tags), appended to every step sent from this mailbox, or placed where a step writes {{ sender.signature }}',
  );

const rampLimit = z.number().int().min(1).max(100_000);
const warmupShape = {
  enabled: z.boolean().optional().describe('Left out: true. false keeps the ramp but no longer applies it'),
  start_limit: rampLimit.optional().describe("New conversations on the ramp's first day"),
  daily_increment: z.number().int().min(0).max(100_000).optional().describe('Added to the limit each day after'),
  target_limit: rampLimit
    .nullable()
    .optional()
    .describe('Where the ramp stops rising and stays; null or left out: daily_limit'),
  started_at: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("The ramp's first day (days count in the mailbox's time zone); left out: now, when it is enabled"),
};

/**
 * A warm-up ramp: while enabled, the mailbox starts at most min(daily_limit, target_limit, start_limit +
 * daily_increment × days since started_at) new conversations a day. No peer-to-peer warm-up network is involved.
 */
const warmupSchema = z
  .object(warmupShape)
  .refine(
    (warmup) => warmup.enabled === false || (warmup.start_limit !== undefined && warmup.daily_increment !== undefined),
    { message: 'start_limit and daily_increment are required to enable the warm-up', path: ['start_limit'] },
  )
  .describe(
    'A warm-up ramp: while enabled, new conversations a day are min(daily_limit, target_limit, start_limit + ' +
      'daily_increment × days since started_at). We run no peer-to-peer warm-up network: this only limits sends.',
  );

/** `POST /mailboxes`: the settings of a campaign's SMTP credential, and the signature and warm-up ramp. */
export const createMailboxSchema = smtpCredentialSchema.safeExtend({
  signature: signatureSchema.optional(),
  warmup: warmupSchema.optional(),
});
export type CreateMailboxBody = z.output<typeof createMailboxSchema>;

const field = smtpCredentialSchema.shape;

/**
 * `PATCH /mailboxes/{id}`: each field left out keeps its value. `imap_host: null` removes the IMAP settings and
 * `dkim_domain: null` the DKIM ones; other IMAP fields merge into the stored ones.
 */
export const updateMailboxSchema = z
  .object({
    label: field.label.unwrap().nullable().optional(),
    smtp_host: field.smtp_host.optional(),
    smtp_port: field.smtp_port.optional(),
    smtp_security: field.smtp_security,
    smtp_username: field.smtp_username.optional(),
    smtp_password: field.smtp_password.optional(),
    from_email: field.from_email,
    from_name: field.from_name.unwrap().nullable().optional(),
    daily_limit: field.daily_limit.unwrap().optional().describe('New conversations a day.'),
    imap_host: field.imap_host
      .unwrap()
      .nullable()
      .optional()
      .describe('null removes the IMAP settings: replies are then no longer read from this mailbox'),
    imap_port: field.imap_port,
    imap_username: field.imap_username,
    imap_password: field.imap_password,
    imap_security: field.imap_security,
    dkim_domain: field.dkim_domain
      .unwrap()
      .nullable()
      .optional()
      .describe('null removes the DKIM settings: messages are then not signed'),
    dkim_selector: field.dkim_selector,
    dkim_private_key: field.dkim_private_key,
    status: z
      .enum(['active', 'disabled'])
      .optional()
      .describe('disabled: it sends nothing, its conversations wait; active: re-enable it (from disabled or error)'),
    signature: signatureSchema.nullable().optional().describe('null removes the signature'),
    warmup: z
      .object(warmupShape)
      .nullable()
      .optional()
      .describe(
        'Merged into the stored ramp (giving it turns the ramp on unless enabled: false; turning it on starts it ' +
          'today unless started_at says when); null turns it off and forgets it',
      ),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'give at least one field to change',
  })
  .refine(
    (body) =>
      body.imap_host !== null ||
      [body.imap_port, body.imap_username, body.imap_password, body.imap_security].every(
        (value) => value === undefined,
      ),
    { message: 'imap_host: null removes the IMAP settings: give no other IMAP field with it', path: ['imap_host'] },
  )
  .refine(
    (body) => {
      const rest = [body.dkim_selector, body.dkim_private_key];
      if (body.dkim_domain === null) return rest.every((value) => value === undefined);
      const dkim = [body.dkim_domain, ...rest];
      return dkim.every((value) => value === undefined) || dkim.every((value) => value !== undefined);
    },
    {
      message:
        'dkim_domain, dkim_selector and dkim_private_key go together: give all three, or dkim_domain: null alone to remove them',
      path: ['dkim_domain'],
    },
  );
export type UpdateMailboxBody = z.output<typeof updateMailboxSchema>;

/** `DELETE /mailboxes/{id}`. */
export const deleteMailboxQuerySchema = z.object({ force: booleanQuery(false) });

/** `POST /campaigns/{id}/mailboxes`. */
export const attachMailboxSchema = z.object({ mailbox_id: z.uuid() });

/** `DELETE /campaigns/{id}/mailboxes/{mailbox_id}`. */
export const detachMailboxQuerySchema = z.object({ reassign: booleanQuery(false) });
