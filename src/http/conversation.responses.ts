import { z } from 'zod';
import { MANUAL_REPLY_STATUSES } from '../domain/conversations/conversation-model';
import { messageResponse, replyResponse } from './enrollment.responses';
import { timestamp } from './response-fields';

const NULL_BODY = 'null for a message sent before bodies were kept (or a send interrupted before it settled).';

/** Something we sent in the conversation: a step of the sequence, or a reply an operator sent. */
export const outboundItemResponse = messageResponse
  .extend({
    direction: z.literal('outbound'),
    kind: z.enum(['step', 'manual_reply']).meta({
      description: '`step`: a step of the sequence; `manual_reply`: a reply sent with POST …/reply.',
    }),
    id: z.uuid().meta({ description: 'The message’s id (a manual reply’s is the one POST …/reply answered).' }),
    step: z.number().int().nullable().meta({ description: 'The step position, from 1; null for a manual reply.' }),
    status: z.enum(MANUAL_REPLY_STATUSES).meta({
      description:
        '`pending`: a manual reply not handed to SMTP yet; `sending`: handed to SMTP, outcome not settled yet; ' +
        '`sent`, `bounced`, `failed`: settled (`failed`: nothing was delivered); `unknown`: the send crashed ' +
        'mid-way, flagged for review and never re-sent; `cancelled`: a manual reply not sent, because the contact ' +
        'may no longer be written to (`smtp_response` says why).',
    }),
    body_text: z
      .string()
      .nullable()
      .meta({ description: `The plain-text part as sent; ${NULL_BODY}` }),
    body_html: z
      .string()
      .nullable()
      .meta({
        description:
          'The HTML part as sent, without the open pixel and with links as written (showing it counts no open or ' +
          `click); null for a text-only message, or ${NULL_BODY}`,
      }),
    at: timestamp.meta({ description: 'When it was sent (or, not sent, attempted): its place in the thread.' }),
  })
  .meta({ id: 'ThreadOutboundMessage' });
export type OutboundItemView = z.output<typeof outboundItemResponse>;

/** Something the contact's side sent: a reply, an auto-reply or an unsubscribe request, read over IMAP. */
export const inboundItemResponse = replyResponse
  .extend({
    direction: z.literal('inbound'),
    id: z.uuid(),
    message_id: z.string().meta({ description: 'Its Message-ID (a digest of the message when it had none).' }),
    answers_step: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The step of ours it was matched to (`match_confidence` says how).' }),
    body_text: z
      .string()
      .nullable()
      .meta({
        description:
          'Its text as received, quoted history included (the text part, else the HTML’s text; at most 64 K ' +
          'characters); null for a reply read before bodies were kept.',
      }),
    at: timestamp.meta({ description: 'When it was received: its place in the thread.' }),
  })
  .meta({ id: 'ThreadInboundMessage' });
export type InboundItemView = z.output<typeof inboundItemResponse>;

/** One item of an enrollment's conversation. */
export const threadItemResponse = z
  .discriminatedUnion('direction', [outboundItemResponse, inboundItemResponse])
  .meta({ id: 'ThreadItem' });
export type ThreadItemView = z.output<typeof threadItemResponse>;

/** `POST …/reply`: the reply recorded, and its state. */
export const manualReplyResponse = z
  .object({
    id: z.uuid().meta({ description: 'The reply’s id; it shows in the conversation under this id.' }),
    status: z.enum(MANUAL_REPLY_STATUSES).meta({ description: 'Its state now (see the conversation’s items).' }),
    message_id: z.string().meta({ description: 'Its Message-ID, angle brackets included.' }),
    in_reply_to: z.string().meta({ description: 'The Message-ID of the conversation’s last message it answers.' }),
    references: z.array(z.string()).meta({ description: 'The conversation’s Message-IDs it carries, oldest first.' }),
    mailbox_id: z.uuid().meta({ description: 'The mailbox it goes out from: the conversation’s.' }),
    to_email: z.string(),
    subject: z.string(),
    body_text: z.string().nullable(),
    body_html: z.string().nullable(),
    repeated: z.boolean().meta({
      description:
        'True when this Idempotency-Key was used before: this is the reply recorded then; nothing more is sent.',
    }),
    created_at: timestamp,
  })
  .meta({ id: 'ManualReply' });
export type ManualReplyView = z.output<typeof manualReplyResponse>;
