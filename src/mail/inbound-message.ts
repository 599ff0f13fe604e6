import { type MailParserOptions, type ParsedMail, simpleParser } from 'mailparser';
import { classifyInbound, type InboundClassification } from './inbound-classification';
import { extractMessageIds, headerValues, senderAddress } from './inbound-fields';
import { htmlToText } from './html-text';

export interface InboundMessage {
  /** The Message-ID header with angle brackets (e.g. '<abc@x.com>'), or null when absent. */
  messageId: string | null;
  /** Sender address, lower-cased, no display name; null when absent/unparseable. */
  from: string | null;
  subject: string;
  date: Date | null;
  /** Message-IDs from In-Reply-To then References, angle brackets kept, deduplicated, in header order. */
  referencedIds: string[];
  /** The start of the plain-text body (from text, else from the HTML's text), whitespace-collapsed, at most 500 chars. */
  snippet: string;
  /** The plain-text body (the text part, else the HTML's text), quotes included, at most 64 K characters. */
  text: string;
  classification: InboundClassification;
}

const SNIPPET_LENGTH = 500;
/** How much of the body text is kept: for the reply's record, the snippet and the quoted Message-ID of a bounce. */
const MAX_BODY_TEXT_CHARS = 64 * 1024;
/** The header bytes read when mailparser refuses the whole message (see `parseMail`). */
const MAX_FALLBACK_HEADER_BYTES = 64 * 1024;
/** Far above any real header block (Received chains, ARC and DKIM included), far below a stall. */
const MAX_HEADER_BLOCK_BYTES = 128 * 1024;
// keepDeliveryStatus: without it mailparser folds message/delivery-status into `text` instead of an attachment.
// ignoreEmbedded (passed through to mailsplit, untyped): without it a message/rfc822 part marked inline is exploded
// into the body and its headers, Message-ID included, are lost.
// skipHtmlToText: html-to-text overflows on deeply nested tags and slows down quadratically on open tables, and
// throws on the first; the text of an HTML-only message is read by htmlToText instead, in linear time.
const PARSER_OPTIONS: MailParserOptions & { ignoreEmbedded: boolean; maxHeadSize: number } = {
  keepDeliveryStatus: true,
  // mailparser's address parser is quadratic on a long address list (`From: a:a:a:…`): a part whose header block
  // is over this size is refused, and the message read from its first header lines (see parseMail).
  maxHeadSize: MAX_HEADER_BLOCK_BYTES,
  ignoreEmbedded: true,
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipImageLinks: true,
};

/** Parses a raw RFC 5322 message and classifies it as a bounce, a complaint, an auto-reply or a person's message. */
export async function parseInboundMessage(raw: Buffer | string): Promise<InboundMessage> {
  const mail = await parseMail(raw);
  const text = bodyText(mail);
  const headers = mail.headerLines ?? [];
  const messageIds = (name: string) => headerValues(headers, name).flatMap(extractMessageIds);
  const rawDate = headerValues(headers, 'date')[0];
  // mailparser replaces an unparseable Date with the time of parsing, so the raw header is read instead.
  const date = rawDate ? new Date(rawDate) : null;

  return {
    messageId: messageIds('message-id')[0] ?? null,
    from: senderAddress(mail),
    subject: (mail.subject ?? '').trim(),
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    referencedIds: [...new Set([...messageIds('in-reply-to'), ...messageIds('references')])],
    snippet: Array.from(text.replace(/\s+/g, ' ').trim()).slice(0, SNIPPET_LENGTH).join(''),
    text,
    classification: classifyInbound(mail, headers, text),
  };
}

/**
 * The parsed message. A message mailparser refuses (a header block over MAX_HEADER_BLOCK_BYTES, more than 1000 parts) would
 * fail the monitor on it at every poll, for ever: its first header lines are read instead, so it is still matched
 * by its sender and thread headers.
 */
async function parseMail(raw: Buffer | string): Promise<ParsedMail> {
  try {
    return await simpleParser(raw, PARSER_OPTIONS);
  } catch {
    return simpleParser(firstHeaderLines(typeof raw === 'string' ? Buffer.from(raw) : raw), PARSER_OPTIONS);
  }
}

/** The start of the top-level header block, cut at a line end, as a message without a body. */
function firstHeaderLines(raw: Buffer): Buffer {
  const head = raw.subarray(0, MAX_FALLBACK_HEADER_BYTES);
  const ends = [head.indexOf('\r\n\r\n'), head.indexOf('\n\n')].filter((index) => index >= 0);
  const end = ends.length > 0 ? Math.min(...ends) : head.lastIndexOf('\n');
  return Buffer.concat([head.subarray(0, Math.max(end, 0)), Buffer.from('\r\n\r\n')]);
}

/** The plain text of the body (its first MAX_BODY_TEXT_CHARS): the text part, else the HTML's text. */
function bodyText(mail: ParsedMail): string {
  const text = (mail.text ?? '').slice(0, MAX_BODY_TEXT_CHARS);
  if (text.trim() !== '' || typeof mail.html !== 'string') return text;
  return htmlToText(mail.html, MAX_BODY_TEXT_CHARS);
}
