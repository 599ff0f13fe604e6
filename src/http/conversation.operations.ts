// `/campaigns/{id}/enrollments/{eid}/messages` and `…/reply`: an enrollment's conversation — what was sent and read,
// in order, with the bodies — and a reply sent in it.
import { z } from 'zod';
import type { ConversationService } from '../domain/conversations/conversation.service';
import { operationsUsing } from './api-operation';
import { presentManualReply, presentThreadItem } from './conversation.presenters';
import {
  manualReplyResponse,
  threadItemResponse,
  type ManualReplyView,
  type ThreadItemView,
} from './conversation.responses';
import { idempotencyHeaderSchema, replyBodySchema } from './conversation.schemas';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Enrollments';
const enrollmentPath = { id: PATH_IDS.campaign, eid: PATH_IDS.enrollment };
const notFound = ['campaign_not_found', 'enrollment_not_found'] as const;

const first = '<p7H0w2kQ9cR1sV4xY8zB3nD6fJ5mL0aT@mail.example.com>';
const theirs = '<CAF=x81mQ2@mail.gmail.com>';
const step: ThreadItemView = {
  direction: 'outbound',
  kind: 'step',
  id: 'a3c1e5f7-2b4d-4e6f-8a1b-3c5d7e9f1a2b',
  step: 1,
  variant_label: null,
  message_id: first,
  status: 'sent',
  subject: 'A question about Analytical Engines',
  to_email: 'ada@example.com',
  sent_at: '2026-11-22T09:30:04.000Z',
  opened_at: null,
  clicked_at: null,
  replied_at: '2026-11-22T11:02:40.000Z',
  bounced_at: null,
  smtp_response: '250 2.0.0 Ok: queued as 4F2A81C0D3',
  replies: [],
  body_text: 'Hi Ada,\n\nWould a short call about your engine make sense this week?\n\nSam\n',
  body_html: '<p>Hi Ada,</p><p>Would a short call about your engine make sense this week?</p><p>Sam</p>',
  at: '2026-11-22T09:30:04.000Z',
};
const answer: ThreadItemView = {
  direction: 'inbound',
  id: 'b4d2f6a8-3c5e-4f7a-9b2c-4d6e8f0a2b3c',
  kind: 'reply',
  match_confidence: 'high',
  from_email: 'ada@example.com',
  subject: 'Re: A question about Analytical Engines',
  snippet: 'Thursday at 10 works for me. Ada',
  body_text: 'Thursday at 10 works for me.\nAda\n\n> Hi Ada,\n> Would a short call about your engine make sense…\n',
  folder: 'INBOX',
  message_id: theirs,
  answers_step: 1,
  received_at: '2026-11-22T11:02:40.000Z',
  at: '2026-11-22T11:02:40.000Z',
};
const sentReply: ManualReplyView = {
  id: 'c5e3a7b9-4d6f-4a8b-8c3d-5e7f9a1b3c4d',
  status: 'pending',
  message_id: '<Zk3m9QxP2vR7tW1yB5nD8fH4jL6sA0cE@mail.example.com>',
  in_reply_to: theirs,
  references: [first, theirs],
  mailbox_id: EXAMPLE_IDS.mailbox,
  to_email: 'ada@example.com',
  subject: 'Re: A question about Analytical Engines',
  body_text: 'Thursday at 10 it is. I will send an invitation.\n\nSam',
  body_html: null,
  repeated: false,
  created_at: '2026-11-22T11:15:00.000Z',
};
const thread: ThreadItemView[] = [
  step,
  answer,
  {
    ...step,
    kind: 'manual_reply',
    id: sentReply.id,
    step: null,
    message_id: sentReply.message_id,
    subject: sentReply.subject,
    sent_at: '2026-11-22T11:15:02.000Z',
    replied_at: null,
    smtp_response: '250 2.0.0 Ok: queued as 9C1B27D4E0',
    body_text: sentReply.body_text,
    body_html: null,
    at: '2026-11-22T11:15:02.000Z',
  },
];

/** What the conversation operations use. */
export interface ConversationDeps {
  conversations: ConversationService;
}
const operation = operationsUsing<ConversationDeps>();

/** An enrollment's conversation, and a reply sent in it. */
export const conversationOperations = [
  operation({
    method: 'get',
    path: '/campaigns/{id}/enrollments/{eid}/messages',
    tag,
    summary: "Read an enrollment's messages",
    description:
      'The enrollment’s conversation as one thread, oldest first: every email we sent (`direction: "outbound"`: ' +
      'the steps, and the replies sent with POST …/reply) and every reply, auto-reply or unsubscribe request read ' +
      'over IMAP (`direction: "inbound"`), each at the time it was sent or received (`at`), with its subject and ' +
      'bodies as sent or received. `body_text` and `body_html` are null for messages sent before bodies were ' +
      'kept (and a step whose send was interrupted before it settled); `body_text` of an inbound item is null ' +
      'for one read before then. A step also lists the replies matched to it (`replies`, each also an inbound ' +
      'item). A message is listed from the moment its send starts (`sending`), so an interrupted send shows as ' +
      '`unknown` rather than disappearing; it is never sent twice.',
    params: enrollmentPath,
    errors: [...notFound],
    response: {
      description: 'The conversation, oldest first; `total` is how many items.',
      data: z.array(threadItemResponse),
      example: thread,
      extra: { shape: { total: z.number().int() }, example: { total: thread.length } },
    },
    handle: async ({ deps: { conversations }, organizationId, params }) => {
      const entries = await conversations.thread(organizationId, params.id, params.eid);
      return { data: entries.map(presentThreadItem), extra: { total: entries.length } };
    },
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/enrollments/{eid}/reply',
    tag,
    summary: 'Reply in the conversation',
    description:
      'Sends your reply to the enrollment’s contact in the conversation: from the conversation’s mailbox, with ' +
      '`In-Reply-To` the Message-ID of its last message (ours, or the reply read) and `References` the ' +
      'conversation’s Message-IDs, under `Re: ` the first message’s subject unless you give one. The bodies are ' +
      'sent as written (no template, no tracking; text only when there is no `body_html`). Exactly once: the ' +
      'reply is recorded (`pending`) and a durable workflow sends it (`manual-reply-<id>`); a send interrupted ' +
      'mid-way is flagged `unknown`, never sent again. Send an `Idempotency-Key` header: a retry with the same ' +
      'key answers the reply recorded the first time (`repeated: true`) and sends nothing more. The answer is ' +
      'immediate (202); the reply shows in GET …/messages with its status. While the mailbox is disabled or in ' +
      'error when the reply comes to be sent, it waits for it; if the contact unsubscribes or bounces before, it ' +
      'is `cancelled`. The sequence itself is not changed: stop the enrollment if it should not go on.',
    params: enrollmentPath,
    body: {
      schema: replyBodySchema,
      example: { reply: { body_text: sentReply.body_text! } },
    },
    errors: [
      ...notFound,
      'recipient_unreachable',
      'conversation_not_started',
      'mailbox_cannot_send',
      'idempotency_key_reused',
    ],
    response: {
      status: 202,
      description: 'The reply as recorded: `pending` until its workflow sends it.',
      data: manualReplyResponse,
      example: sentReply,
      message: 'Reply queued: it goes out once, from the conversation’s mailbox.',
    },
    handle: async ({ deps: { conversations }, organizationId, params, body, req }) => {
      const { 'idempotency-key': idempotencyKey } = idempotencyHeaderSchema.parse({
        'idempotency-key': req.get('idempotency-key'),
      });
      const { reply, repeated } = await conversations.reply(organizationId, params.id, params.eid, {
        subject: body.reply.subject || undefined,
        bodyText: body.reply.body_text || undefined,
        bodyHtml: body.reply.body_html || undefined,
        idempotencyKey,
      });
      return {
        data: presentManualReply(reply, repeated),
        ...(repeated ? { message: 'This Idempotency-Key was used before: this is the reply recorded then.' } : {}),
      };
    },
    document: (generated) => ({
      ...generated,
      requestParams: { ...generated.requestParams, header: idempotencyHeaderSchema },
    }),
  }),
];
