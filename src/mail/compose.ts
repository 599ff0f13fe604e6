import crypto from 'node:crypto';
import { convert } from 'html-to-text';
import type { SendMailOptions } from 'nodemailer';

export interface OutgoingMessage {
  from: { email: string; name: string | null };
  to: string;
  subject: string;
  html: string;
  messageId: string;
  /** Message-IDs of the earlier steps, oldest first: the thread this message continues. */
  thread: string[];
}

/**
 * A stable Message-ID for one step of one enrollment, on the sending mailbox's domain. Deterministic so a retried
 * send reuses it, and opaque so it reveals nothing about our ids.
 */
export function messageIdFor(enrollmentId: string, position: number, fromEmail: string): string {
  const token = crypto.createHash('sha256').update(`${enrollmentId}:${position}`).digest('base64url').slice(0, 32);
  const domain = fromEmail.split('@')[1] ?? 'localhost';
  return `<${token}@${domain}>`;
}

/** Builds the nodemailer message: HTML plus a generated plain-text part, threaded under the earlier steps. */
export function composeMessage(message: OutgoingMessage): SendMailOptions {
  const previous = message.thread.at(-1);
  return {
    from: { address: message.from.email, name: message.from.name ?? '' },
    to: message.to,
    subject: message.subject,
    html: message.html,
    text: convert(message.html, { wordwrap: 78 }),
    messageId: message.messageId,
    date: new Date(),
    ...(previous ? { inReplyTo: previous, references: message.thread } : {}),
  };
}
