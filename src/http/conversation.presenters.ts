import type { ManualReplyEntity } from '../domain/conversations/conversation-model';
import type { ThreadEntry } from '../domain/conversations/thread';
import { presentMessage } from './enrollment.presenters';
import type { ManualReplyView, ThreadItemView } from './conversation.responses';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** One item of the conversation, as the thread lists it. */
export function presentThreadItem(entry: ThreadEntry): ThreadItemView {
  const at = entry.at.toISOString();
  if (entry.direction === 'inbound') {
    const { reply } = entry;
    return {
      direction: 'inbound',
      id: reply.id,
      kind: reply.kind,
      match_confidence: reply.confidence,
      from_email: reply.fromEmail,
      subject: reply.subject,
      snippet: reply.snippet,
      body_text: reply.bodyText,
      folder: reply.folder,
      message_id: reply.inboundMessageId,
      answers_step: entry.answers?.stepPosition ?? null,
      received_at: reply.receivedAt.toISOString(),
      at,
    };
  }
  if (entry.kind === 'step') {
    const { message } = entry;
    return {
      ...presentMessage(message, entry.replies),
      direction: 'outbound',
      kind: 'step',
      id: message.id,
      body_text: message.bodyText,
      body_html: message.bodyHtml,
      at,
    };
  }
  const { reply } = entry;
  return {
    direction: 'outbound',
    kind: 'manual_reply',
    id: reply.id,
    step: null,
    variant_label: null,
    message_id: reply.messageId,
    status: reply.status,
    subject: reply.subject,
    to_email: reply.toEmail,
    sent_at: iso(reply.sentAt),
    opened_at: null,
    clicked_at: null,
    replied_at: null,
    bounced_at: reply.status === 'bounced' ? reply.updatedAt.toISOString() : null,
    smtp_response: reply.smtpResponse,
    replies: [],
    body_text: reply.bodyText,
    body_html: reply.bodyHtml,
    at,
  };
}

/** An operator's reply as POST …/reply answers it. */
export function presentManualReply(reply: ManualReplyEntity, repeated: boolean): ManualReplyView {
  return {
    id: reply.id,
    status: reply.status,
    message_id: reply.messageId,
    in_reply_to: reply.inReplyTo,
    references: reply.references,
    mailbox_id: reply.mailboxId,
    to_email: reply.toEmail,
    subject: reply.subject,
    body_text: reply.bodyText,
    body_html: reply.bodyHtml,
    repeated,
    created_at: reply.createdAt.toISOString(),
  };
}
