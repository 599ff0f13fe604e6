// A native mailbox in Smartlead's email-account shape. How each field maps (the "Migrating from Smartlead" table):
//
// | Smartlead                        | Sequencer                                                                      |
// |----------------------------------|--------------------------------------------------------------------------------|
// | id                               | the mailbox's integer alias                                                    |
// | user_id                          | the organization's integer alias                                               |
// | from_name, from_email            | from_name, from_email                                                          |
// | username (user_name accepted)    | smtp_username                                                                  |
// | password                         | smtp_password (write only: never answered)                                     |
// | smtp_host, smtp_port             | smtp_host, smtp_port                                                           |
// | smtp_port_type TLS / SSL         | smtp_security starttls / tls ("NONE": none, for local capture servers)        |
// | imap_host, imap_port             | imap_host, imap_port (IMAP login: imap_username/imap_password, else the SMTP's)|
// | message_per_day (max_email_per_day) | daily_limit                                                                 |
// | daily_sent_count                 | new conversations started today (in the mailbox's time zone)                   |
// | signature                        | signature                                                                      |
// | warmup_details                   | the warm-up ramp of the daily limit (no peer warm-up network)                  |
// | is_smtp_success / is_imap_success | the last connection check / the monitor's IMAP status                         |
// | custom_tracking_domain, bcc_email, client_id | not kept: always null                                              |
import { z } from 'zod';
import type { MailboxDetails } from '../../domain/mailboxes/mailbox.service';
import { warmupState } from '../../domain/mailboxes/mailbox-warmup';

export const SMTP_PORT_TYPES = { starttls: 'TLS', tls: 'SSL', none: 'NONE' } as const;

export const smartleadWarmupDetailsSchema = z.object({
  status: z.enum(['ACTIVE', 'INACTIVE']).meta({ description: 'ACTIVE while the warm-up ramp is on.' }),
  total_warmup_per_day: z.number().int().nullable().meta({ description: 'The ramp’s target daily limit.' }),
  daily_rampup: z.number().int().nullable().meta({ description: 'New conversations added each day.' }),
  start_limit: z.number().int().nullable().meta({ description: 'The daily limit on the ramp’s first day.' }),
  warmup_day: z.number().int().nullable().meta({ description: 'Whole days since the ramp started (0 = first).' }),
  limit_today: z.number().int().meta({ description: 'New conversations the mailbox may start today.' }),
  complete: z.boolean().meta({ description: 'The ramp reached its target.' }),
  reply_rate_percentage: z.number().nullable().meta({ description: 'Not kept: always null (no peer network).' }),
  warmup_reputation: z.string().nullable().meta({ description: 'Not measured: always null (no peer network).' }),
});

export const smartleadEmailAccountSchema = z
  .object({
    id: z.number().int().meta({ description: 'The email account id.' }),
    user_id: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    from_name: z.string(),
    from_email: z.string(),
    username: z.string().meta({ description: 'The SMTP login.' }),
    smtp_host: z.string(),
    smtp_port: z.number().int(),
    smtp_port_type: z.enum(['TLS', 'SSL', 'NONE']),
    imap_host: z.string().nullable(),
    imap_port: z.number().int().nullable(),
    imap_username: z.string().nullable(),
    is_different_imap_account: z.boolean(),
    type: z.literal('SMTP'),
    message_per_day: z.number().int().meta({ description: 'Daily limit of new conversations.' }),
    daily_sent_count: z.number().int().meta({ description: 'New conversations started today.' }),
    status: z.enum(['ACTIVE', 'DISABLED', 'ERROR']),
    is_smtp_success: z.boolean().nullable(),
    is_imap_success: z.boolean().nullable(),
    smtp_failure_error: z.string().nullable(),
    imap_failure_error: z.string().nullable(),
    signature: z.string().nullable(),
    custom_tracking_domain: z.string().nullable().meta({ description: 'Not kept: always null.' }),
    bcc_email: z.string().nullable().meta({ description: 'Not kept: always null.' }),
    client_id: z.number().int().nullable().meta({ description: 'Not kept: always null (no agency clients).' }),
    campaign_count: z.number().int(),
    warmup_details: smartleadWarmupDetailsSchema,
  })
  .meta({ id: 'SmartleadEmailAccount' });

export type SmartleadEmailAccount = z.input<typeof smartleadEmailAccountSchema>;

/** The ramp in Smartlead's warmup_details. */
export function presentWarmup({ mailbox, health }: MailboxDetails): z.input<typeof smartleadWarmupDetailsSchema> {
  const state = warmupState(mailbox, health.warmupDay);
  return {
    status: state.enabled ? 'ACTIVE' : 'INACTIVE',
    total_warmup_per_day: state.enabled ? (state.targetLimit ?? mailbox.dailyLimit) : state.targetLimit,
    daily_rampup: state.dailyIncrement,
    start_limit: state.startLimit,
    warmup_day: state.day,
    limit_today: health.effectiveDailyLimit,
    complete: state.complete,
    reply_rate_percentage: null,
    warmup_reputation: null,
  };
}

const STATUS_OF = { active: 'ACTIVE', disabled: 'DISABLED', error: 'ERROR' } as const;

/** The mailbox in Smartlead's shape (no password, ever); `userId` is the organization's alias. */
export function presentEmailAccount(details: MailboxDetails, userId: number): SmartleadEmailAccount {
  const { mailbox } = details;
  return {
    id: mailbox.alias,
    user_id: userId,
    created_at: mailbox.createdAt.toISOString(),
    updated_at: mailbox.updatedAt.toISOString(),
    from_name: mailbox.fromName ?? '',
    from_email: mailbox.fromEmail,
    username: mailbox.smtpUsername,
    smtp_host: mailbox.smtpHost,
    smtp_port: mailbox.smtpPort,
    smtp_port_type: SMTP_PORT_TYPES[mailbox.smtpSecurity],
    imap_host: mailbox.imapHost,
    imap_port: mailbox.imapPort,
    imap_username: mailbox.imapUsername,
    is_different_imap_account: mailbox.imapUsername !== null && mailbox.imapUsername !== mailbox.smtpUsername,
    type: 'SMTP',
    message_per_day: mailbox.dailyLimit,
    daily_sent_count: details.sentToday,
    status: STATUS_OF[mailbox.status],
    is_smtp_success: mailbox.smtpCheckOk,
    is_imap_success: mailbox.imapStatus === null ? null : mailbox.imapStatus === 'connected',
    smtp_failure_error: mailbox.smtpError,
    imap_failure_error: mailbox.imapError,
    signature: mailbox.signature,
    custom_tracking_domain: null,
    bcc_email: null,
    client_id: null,
    campaign_count: details.campaigns.length,
    warmup_details: presentWarmup(details),
  };
}

export const EMAIL_ACCOUNT_EXAMPLE: SmartleadEmailAccount = {
  id: 456,
  user_id: 67890,
  created_at: '2024-01-15T10:30:00.000Z',
  updated_at: '2024-02-01T08:00:00.000Z',
  from_name: 'John Smith',
  from_email: 'john@example.com',
  username: 'john@example.com',
  smtp_host: 'smtp.gmail.com',
  smtp_port: 587,
  smtp_port_type: 'TLS',
  imap_host: 'imap.gmail.com',
  imap_port: 993,
  imap_username: 'john@example.com',
  is_different_imap_account: false,
  type: 'SMTP',
  message_per_day: 50,
  daily_sent_count: 12,
  status: 'ACTIVE',
  is_smtp_success: true,
  is_imap_success: true,
  smtp_failure_error: null,
  imap_failure_error: null,
  signature: null,
  custom_tracking_domain: null,
  bcc_email: null,
  client_id: null,
  campaign_count: 1,
  warmup_details: {
    status: 'ACTIVE',
    total_warmup_per_day: 40,
    daily_rampup: 2,
    start_limit: 2,
    warmup_day: 5,
    limit_today: 12,
    complete: false,
    reply_rate_percentage: null,
    warmup_reputation: null,
  },
};
