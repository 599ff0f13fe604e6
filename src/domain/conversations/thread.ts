import type { ManualReplyEntity } from '../../db/entities/manual-reply.entity';
import type { MessageEntity } from '../../db/entities/message.entity';
import type { ReplyEntity } from '../../db/entities/reply.entity';

/** One item of an enrollment's conversation, in the order it happened. */
export type ThreadEntry =
  /** A step of the sequence, with the replies read that answer it. */
  | { direction: 'outbound'; kind: 'step'; at: Date; message: MessageEntity; replies: ReplyEntity[] }
  /** A reply an operator sent (or is sending) in the conversation. */
  | { direction: 'outbound'; kind: 'manual_reply'; at: Date; reply: ManualReplyEntity }
  /** A reply, auto-reply or unsubscribe request read over IMAP; `answers` is the step it was matched to. */
  | { direction: 'inbound'; at: Date; reply: ReplyEntity; answers: MessageEntity | null };

/** Most Message-IDs a reply's References carries: the first of the conversation and the latest ones. */
const MAX_REFERENCES = 30;

/**
 * The conversation, oldest first: each item at the time it was sent (or, not sent yet, attempted) or received (a
 * reply never before the message it answers). At the same instant, what we sent comes before what we read.
 */
export function threadOf(messages: MessageEntity[], replies: ReplyEntity[], sent: ManualReplyEntity[]): ThreadEntry[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const entries: ThreadEntry[] = [
    ...messages.map((message) => ({
      direction: 'outbound' as const,
      kind: 'step' as const,
      at: message.sentAt ?? message.createdAt,
      message,
      replies: replies.filter((reply) => reply.messageId === message.id),
    })),
    ...sent.map((reply) => ({
      direction: 'outbound' as const,
      kind: 'manual_reply' as const,
      at: reply.sentAt ?? reply.createdAt,
      reply,
    })),
    ...replies.map((reply) => {
      const answers = reply.messageId ? (byId.get(reply.messageId) ?? null) : null;
      // Never before the message it answers: mail servers date what they receive to the second, or by their clock.
      const answered = answers ? (answers.sentAt ?? answers.createdAt).getTime() : 0;
      const at = new Date(Math.max(reply.receivedAt.getTime(), answered));
      return { direction: 'inbound' as const, at, reply, answers };
    }),
  ];
  const rank = (entry: ThreadEntry) => (entry.direction === 'outbound' ? 0 : 1);
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a) - rank(b));
}

/**
 * The threading headers of a reply in this conversation: In-Reply-To the last message that may have reached the
 * other side (ours sent or of unknown outcome, theirs read — an unsubscribe request aside), References every such
 * Message-ID in order. Null when nothing was exchanged yet.
 */
export function threadHeaders(entries: ThreadEntry[]): { inReplyTo: string; references: string[] } | null {
  const ids = entries.flatMap((entry): string[] => {
    if (entry.direction === 'inbound') {
      // A message without a Message-ID is recorded under a digest of its bytes: not an id a mail client knows.
      const { kind, inboundMessageId } = entry.reply;
      return kind !== 'unsubscribe' && inboundMessageId.includes('@') ? [inboundMessageId] : [];
    }
    const { status, messageId } = entry.kind === 'step' ? entry.message : entry.reply;
    return status === 'sent' || status === 'unknown' ? [messageId] : [];
  });
  const unique = [...new Set(ids)];
  const inReplyTo = unique.at(-1);
  if (!inReplyTo) return null;
  const references = unique.length > MAX_REFERENCES ? [unique[0]!, ...unique.slice(-(MAX_REFERENCES - 1))] : unique;
  return { inReplyTo, references };
}

/** `Re: ` and the subject of the conversation's first step (its own `Re:` prefixes dropped). */
export function replySubject(entries: ThreadEntry[]): string {
  const steps = entries.flatMap((entry) =>
    entry.direction === 'outbound' && entry.kind === 'step' ? [entry.message] : [],
  );
  const first = steps.sort((a, b) => a.stepPosition - b.stepPosition)[0];
  const subject = (first?.subject ?? '').replace(/^(\s*re\s*:\s*)+/i, '').trim();
  return `Re: ${subject}`;
}

/** The mailbox the conversation goes out from: the enrollment's, else the one of the last message sent. */
export function conversationMailboxId(enrollmentMailboxId: string | null, entries: ThreadEntry[]): string | null {
  if (enrollmentMailboxId) return enrollmentMailboxId;
  const outbound = entries.filter((entry) => entry.direction === 'outbound');
  const last = outbound.at(-1);
  if (!last) return null;
  return last.kind === 'step' ? last.message.mailboxId : last.reply.mailboxId;
}
