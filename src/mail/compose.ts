import crypto from 'node:crypto';
import { compile } from 'html-to-text';
import MailComposer from 'nodemailer/lib/mail-composer';
import { encodeWord } from 'nodemailer/lib/mime-funcs';
import { appendToBody, escapeHtml, rewriteLinks } from './html-links';

/** Larger messages are refused before SMTP: most providers reject them anyway, after the upload. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface OutgoingMessage {
  from: { email: string; name: string | null };
  to: string;
  subject: string;
  html: string;
  /** The step's own plain text; null = generated from the HTML. */
  text: string | null;
  /** Send the text part alone (no HTML, so no pixel and no tracked links). */
  plainTextOnly: boolean;
  messageId: string;
  /** Message-IDs of the earlier steps, oldest first: the thread this message continues. */
  thread: string[];
  /** The one-click link (RFC 8058) and mailto of List-Unsubscribe; `footer` is the text of the link in the body. */
  unsubscribe: { url: string; mailto: string; footer: string | null };
  /** Open and click tracking, when the campaign has them on. */
  tracking: { pixelUrl: string | null; wrapLink: ((url: string) => string) | null };
}

/** The message as it goes over SMTP: the bytes, and the envelope they are sent with. */
export interface ComposedMessage {
  raw: Buffer;
  envelope: { from: string; to: string[] };
}

/**
 * The text and HTML parts as sent (null HTML: text only), the unsubscribe footer included; the HTML without the open
 * pixel and with its links unwrapped, so showing it later counts no open and no click.
 */
export interface SentBody {
  text: string;
  html: string | null;
}

/** A message that must not be sent as it is; the text says why and how to fix it. */
export class UnsendableMessageError extends Error {
  constructor(
    readonly reason: 'too_large' | 'unsafe_header',
    message: string,
  ) {
    super(message);
    this.name = 'UnsendableMessageError';
  }
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

/**
 * Builds the MIME message: `multipart/alternative` (plain text, then HTML) or text alone, threaded under the earlier
 * steps, with the RFC 8058 one-click List-Unsubscribe headers and, when set, the unsubscribe footer in both parts.
 * Refuses header values carrying a line break or NUL and messages over MAX_MESSAGE_BYTES.
 */
export async function composeMessage(message: OutgoingMessage): Promise<ComposedMessage & { body: SentBody }> {
  assertSingleLine({
    'from address': message.from.email,
    'from name': message.from.name ?? '',
    'to address': message.to,
    subject: message.subject,
    'Message-ID': message.messageId,
    thread: message.thread.join(' '),
    'unsubscribe link': `${message.unsubscribe.url} ${message.unsubscribe.mailto}`,
  });
  const { html, text, untrackedHtml } = bodyParts(message);
  const previous = message.thread.at(-1);
  const raw = await new MailComposer({
    from: { address: message.from.email, name: asWritten(message.from.name ?? '') },
    // An object, not a string: a string would be parsed as an address list.
    to: { address: message.to, name: '' },
    subject: asWritten(message.subject),
    text,
    ...(html === null ? {} : { html }),
    messageId: message.messageId,
    date: new Date(),
    ...(previous ? { inReplyTo: previous, references: message.thread } : {}),
    headers: {
      'List-Unsubscribe': `<${message.unsubscribe.url}>, <${message.unsubscribe.mailto}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  })
    .compile()
    .build();
  if (raw.length > MAX_MESSAGE_BYTES) {
    throw new UnsendableMessageError(
      'too_large',
      `The message is ${(raw.length / 1024 / 1024).toFixed(1)} MB; the limit is 10 MB. Shorten the step's body ` +
        '(embedded images count: link to them instead).',
    );
  }
  return { raw, envelope: { from: message.from.email, to: [message.to] }, body: { text, html: untrackedHtml } };
}

/**
 * Nodemailer passes text that already looks like an RFC 2047 encoded word (`=?utf-8?Q?…?=`) through unencoded, so
 * the recipient's client would decode contact data into other text — even a line break. Such text is encoded whole
 * here, so it reads back exactly as written.
 */
function asWritten(text: string): string {
  return text.includes('=?') ? encodeWord(text, 'B', 52) : text;
}

/** The plain text of an HTML body. Compiled once: compiling the options costs more than converting a message. */
export const htmlAsText = compile({ wordwrap: 78 });

/**
 * The HTML (null when text only) and the plain text, each with the unsubscribe footer; tracking in the HTML only.
 * `untrackedHtml` is the same HTML without the tracking: what is kept of the message.
 */
function bodyParts(message: OutgoingMessage): { html: string | null; text: string; untrackedHtml: string | null } {
  const { unsubscribe, tracking } = message;
  let text = message.text ?? htmlAsText(message.html);
  if (unsubscribe.footer !== null) text = `${text.trimEnd()}\n\n${unsubscribe.footer}: ${unsubscribe.url}\n`;
  if (message.plainTextOnly) return { html: null, text, untrackedHtml: null };

  const withFooter = (html: string) =>
    unsubscribe.footer === null
      ? html
      : appendToBody(
          html,
          `<p style="font-size:12px;color:#6b7280"><a href="${escapeHtml(unsubscribe.url)}">${escapeHtml(unsubscribe.footer)}</a></p>`,
        );
  const untrackedHtml = withFooter(message.html);
  if (!tracking.wrapLink && !tracking.pixelUrl) return { html: untrackedHtml, text, untrackedHtml };
  // Links are wrapped before the footer is added: the unsubscribe link itself is never tracked.
  let html = withFooter(tracking.wrapLink ? rewriteLinks(message.html, tracking.wrapLink) : message.html);
  if (tracking.pixelUrl) {
    html = appendToBody(html, `<img src="${escapeHtml(tracking.pixelUrl)}" width="1" height="1" alt="">`);
  }
  return { html, text, untrackedHtml };
}

function assertSingleLine(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    if (/[\r\n\0]/.test(value)) {
      throw new UnsendableMessageError(
        'unsafe_header',
        `The ${name} contains a line break or NUL character, which would change the message's headers; ` +
          'correct it to a single line.',
      );
    }
  }
}
