import { z } from 'zod';
import { credentialResponse } from './campaign.responses';
import { timestamp } from './response-fields';

const count = z.number().int();

/** The outcome of one protocol's check. */
const protocolCheckResponse = z.object({
  ok: z.boolean(),
  response: z.string().meta({ description: "The server's answer (one line), or the error: a refusal, a timeout…" }),
  latency_ms: count,
});

/**
 * A mailbox as a resource: its settings and health as a campaign shows them, its signature and warm-up ramp, and
 * the campaigns it is attached to.
 */
export const mailboxResponse = credentialResponse
  .extend({
    signature: z.string().nullable().meta({
      description: 'HTML, a Liquid template appended to every step sent from it (or placed by {{ sender.signature }}).',
    }),
    warmup: z
      .object({
        enabled: z.boolean(),
        start_limit: count.nullable(),
        daily_increment: count.nullable(),
        target_limit: count.nullable().meta({ description: 'Null: daily_limit.' }),
        started_at: timestamp.nullable(),
        day: count.nullable().meta({
          description: "Whole days since started_at in the mailbox's time zone (0 on the first day); null while off.",
        }),
        complete: z.boolean().meta({ description: 'The ramp reached its target (or daily_limit) and stays there.' }),
      })
      .meta({
        description:
          'The warm-up ramp. It only limits how many new conversations the mailbox starts: Sequencer runs no ' +
          'peer-to-peer warm-up network.',
      }),
    effective_daily_limit: count.meta({
      description:
        'New conversations it may start today: daily_limit, or while the warm-up is enabled min(daily_limit, ' +
        'target_limit, start_limit + daily_increment × day).',
    }),
    health: z.object({
      recent_sends: count.meta({
        description: 'Its last settled sends (at most 100) since it was last re-enabled: what its bounce rate counts.',
      }),
      recent_bounces: count,
      bounce_rate: z.number().nullable().meta({ description: 'recent_bounces ÷ recent_sends (0–1); null before any.' }),
      smtp_check: protocolCheckResponse
        .omit({ latency_ms: true })
        .extend({ checked_at: timestamp })
        .nullable()
        .meta({ description: 'The last POST /mailboxes/{id}/check of SMTP; null before any.' }),
    }),
    campaigns: z
      .array(z.object({ id: z.uuid(), name: z.string() }))
      .meta({ description: 'The campaigns it is attached to, oldest first.' }),
  })
  .meta({ id: 'Mailbox' });
export type MailboxView = z.output<typeof mailboxResponse>;

export const mailboxListResponse = z.array(mailboxResponse);

export const mailboxDeletedResponse = z.object({ id: z.uuid(), deleted: z.literal(true) });

export const mailboxDetachedResponse = z.object({
  mailbox_id: z.uuid(),
  campaign_id: z.uuid(),
  reassigned: z.number().int().meta({
    description:
      "Unfinished conversations moved to the campaign's other mailboxes (reassign=true); 0 otherwise, when they wait for this mailbox.",
  }),
});

/** `POST /mailboxes/{id}/check`. */
export const mailboxCheckResponse = z.object({
  mailbox_id: z.uuid(),
  checked_at: timestamp,
  smtp: protocolCheckResponse.meta({
    description: 'Connected, TLS as set (smtp_security), logged in (AUTH when offered), then quit without sending.',
  }),
  imap: protocolCheckResponse.nullable().meta({
    description: 'Logged in and selected INBOX; null when the mailbox has no IMAP settings.',
  }),
});
export type MailboxCheckView = z.output<typeof mailboxCheckResponse>;
