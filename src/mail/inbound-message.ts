import { type Attachment, type HeaderLines, type MailParserOptions, type ParsedMail, simpleParser } from 'mailparser';
import { htmlToText } from './html-text';

export type InboundClassification =
  /** RFC 3464 delivery-status report. hard: Status 5.x.x (Action failed); soft: 4.x.x or Action delayed. */
  | {
      kind: 'bounce';
      severity: 'hard' | 'soft';
      recipient: string | null;
      status: string | null;
      action: string | null;
      diagnostic: string | null;
      originalMessageId: string | null;
    }
  /** RFC 5965 ARF feedback report (multipart/report; report-type=feedback-report). */
  | { kind: 'complaint'; recipient: string | null; feedbackType: string | null; originalMessageId: string | null }
  /** RFC 3834 and common vendor headers, or an out-of-office subject. `reason` names what matched, e.g. 'Auto-Submitted: auto-replied'. */
  | { kind: 'auto_reply'; reason: string }
  /** Anything else: a person's message — whether it is a reply to us is decided later by correlation. */
  | { kind: 'message' };

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
  classification: InboundClassification;
}

type Fields = Map<string, string>;

const SNIPPET_LENGTH = 500;
/**
 * How much of a report part (delivery-status, feedback-report, returned headers) is read. Real ones are a few
 * kilobytes and what is used comes first; a crafted megabyte must not cost more than this.
 */
const MAX_REPORT_PART_BYTES = 256 * 1024;
/** How much of the body text is kept for the snippet and the quoted Message-ID of a non-standard bounce. */
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
const DELIVERY_STATUS_TYPES = ['message/delivery-status', 'message/global-delivery-status'];
const ORIGINAL_MESSAGE_TYPES = ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'];
/** Phrases (accents stripped, lower case) that out-of-office and auto-responder subjects start with or tag. */
const AUTO_REPLY_SUBJECT =
  'automatic reply|auto[- ]?reply|auto[- ]?respon(?:se|der)|out of (?:the )?office|abwesenheitsnotiz|automatische antwort|reponse automatique|respuesta automatica|risposta automatica|resposta automatica|automatisch antwoord';
// A phrase counts at the start, inside a [tag] or (tag), or followed by a colon: "Re: how to auto reply?" is a person.
const AUTO_REPLY_SUBJECT_PATTERN = new RegExp(`(?:^|[[(])\\s*(${AUTO_REPLY_SUBJECT})|(${AUTO_REPLY_SUBJECT})\\s*:`);
const BOUNCE_SUBJECT_PATTERN =
  /^(?:undelivered mail|undeliverable|delivery status notification \(failure\)|mail delivery failed|mail delivery failure|returned mail|failure notice|delivery failure|message not delivered)/i;
const DELAY_SUBJECT_PATTERN =
  /^(?:delayed mail|delivery status notification \(delay\)|warning: could not send message)/i;

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
    classification: classify(mail, headers, text),
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

function classify(mail: ParsedMail, headers: HeaderLines, text: string): InboundClassification {
  const reportType = multipartReportType(mail);
  if (reportType === 'delivery-status') return deliveryStatusReport(mail, headers, text);
  if (reportType === 'feedback-report') return complaintReport(mail);
  // Other reports (read receipts: disposition-notification) are machine-made too, never a person's reply.
  if (reportType !== null)
    return { kind: 'auto_reply', reason: `Content-Type: multipart/report; report-type=${reportType}` };
  const bounce = nonStandardBounce(mail, headers, text);
  if (bounce) return bounce;
  const reason = autoReplyReason(mail, headers);
  return reason ? { kind: 'auto_reply', reason } : { kind: 'message' };
}

/** The report-type of a top-level multipart/report, lower-cased, else null. */
function multipartReportType(mail: ParsedMail): string | null {
  const contentType = mail.headers.get('content-type');
  if (!contentType || typeof contentType !== 'object' || !('params' in contentType)) return null;
  if (contentType.value.toLowerCase() !== 'multipart/report') return null;
  return contentType.params['report-type']?.trim().toLowerCase() ?? null;
}

/**
 * The bounce in an RFC 3464 report, or an auto-reply when no recipient failed or was delayed (a success notice must
 * never count as a person's reply). A report without any recipient block falls back to the non-standard checks.
 */
function deliveryStatusReport(mail: ParsedMail, headers: HeaderLines, text: string): InboundClassification {
  const part = findPart(mail, DELIVERY_STATUS_TYPES);
  const recipients = part ? parseFieldBlocks(partText(part)).filter(isRecipientBlock) : [];
  if (recipients.length === 0) return nonStandardBounce(mail, headers, text) ?? deliveryNotification();

  const failed = recipients.find((block) => ['failed', 'delayed'].includes(actionOf(block)));
  if (!failed) return deliveryNotification();

  const action = actionOf(failed);
  const status = /^\d\.\d{1,3}\.\d{1,3}/.exec(failed.get('status') ?? '')?.[0] ?? null;
  // RFC 3464: "failed" means no further attempts, so it is hard unless the code itself says transient.
  const severity = action === 'failed' && !status?.startsWith('4') ? 'hard' : 'soft';
  const diagnostic = failed.get('diagnostic-code')?.replace(/^\s*[\w.+-]+\s*;\s*/, '') || null;
  return {
    kind: 'bounce',
    severity,
    recipient:
      firstAddress(failed.get('final-recipient') ?? failed.get('original-recipient') ?? '') ??
      firstAddress(headerValues(headers, 'x-failed-recipients')[0] ?? ''),
    status,
    action,
    diagnostic,
    originalMessageId: originalHeaders(mail)?.messageId ?? null,
  };
}

/** RFC 5965: the feedback-report fields and the complained-about message. */
function complaintReport(mail: ParsedMail): InboundClassification {
  const part = findPart(mail, ['message/feedback-report']);
  const fields = part ? firstFieldBlock(part) : new Map<string, string>();
  const original = originalHeaders(mail);
  return {
    kind: 'complaint',
    recipient:
      firstAddress(fields.get('original-rcpt-to') ?? '') ??
      firstAddress(fields.get('removal-recipient') ?? '') ??
      original?.to ??
      null,
    feedbackType: fields.get('feedback-type')?.toLowerCase() || null,
    originalMessageId: original?.messageId ?? null,
  };
}

/**
 * A bounce without a delivery-status report (qmail, old Exchange, some gateways): only when both the sender is the
 * mail system and the subject is a known bounce subject, so a person writing "my email was undelivered" stays a message.
 */
function nonStandardBounce(mail: ParsedMail, headers: HeaderLines, text: string): InboundClassification | null {
  if (!['mailer-daemon', 'postmaster'].includes(senderLocalPart(mail))) return null;
  const subject = (mail.subject ?? '').trim();
  const hard = BOUNCE_SUBJECT_PATTERN.test(subject);
  if (!hard && !DELAY_SUBJECT_PATTERN.test(subject)) return null;
  // Linear: `[ \t>]*` and `[^<>\s]+` stop at a line end, so each line is read at most twice.
  const quotedId = /^[ \t>]*message-id:[ \t]*(<[^<>\s]+>)/im.exec(text)?.[1] ?? null;
  return {
    kind: 'bounce',
    severity: hard ? 'hard' : 'soft',
    recipient: firstAddress(headerValues(headers, 'x-failed-recipients')[0] ?? ''),
    status: null,
    action: null,
    diagnostic: null,
    originalMessageId: originalHeaders(mail)?.messageId ?? quotedId,
  };
}

/**
 * RFC 3834 Auto-Submitted, then vendor headers, then the subject. X-Auto-Response-Suppress counts only with All, OOF
 * or AutoReply: Exchange puts "All" on its out-of-office replies and bulk senders "OOF, AutoReply" on automated mail,
 * while DR/NDR/RN/NRN (receipt suppression) also appear on messages people write in Outlook.
 */
function autoReplyReason(mail: ParsedMail, headers: HeaderLines): string | null {
  const checks: [name: string, matches: (value: string) => boolean][] = [
    ['Auto-Submitted', (value) => (/^[\w-]+/.exec(value)?.[0].toLowerCase() ?? 'no') !== 'no'],
    ['Precedence', (value) => ['auto_reply', 'auto-reply'].includes(value.toLowerCase())],
    ['X-Autoreply', (value) => !['no', 'false', '0'].includes(value.toLowerCase())],
    ['X-Autorespond', (value) => !['no', 'false', '0'].includes(value.toLowerCase())],
    [
      'X-Auto-Response-Suppress',
      (value) =>
        value
          .toLowerCase()
          .split(/[\s,;]+/)
          .some((token) => ['all', 'oof', 'autoreply'].includes(token)),
    ],
    ['X-Autogenerated', (value) => value.toLowerCase() === 'reply'],
  ];
  for (const [name, matches] of checks) {
    const value = headerValues(headers, name.toLowerCase()).find(matches);
    if (value !== undefined) return `${name}: ${value}`;
  }
  const subject = (mail.subject ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const match = AUTO_REPLY_SUBJECT_PATTERN.exec(subject);
  if (match) return `Subject: ${match[1] ?? match[2]}`;
  if (senderLocalPart(mail) === 'mailer-daemon') return 'From: mailer-daemon';
  return null;
}

function deliveryNotification(): InboundClassification {
  return { kind: 'auto_reply', reason: 'delivery notification' };
}

function actionOf(block: Fields): string {
  return (block.get('action') ?? '').trim().toLowerCase();
}

function isRecipientBlock(block: Fields): boolean {
  return block.has('action') || block.has('final-recipient');
}

function findPart(mail: ParsedMail, types: string[]): Attachment | undefined {
  return mail.attachments.find((attachment) => types.includes(attachment.contentType.toLowerCase()));
}

/** The Message-ID and first To address of the returned message or its headers, when the report carries them. */
function originalHeaders(mail: ParsedMail): { messageId: string | null; to: string | null } | null {
  const part = findPart(mail, ORIGINAL_MESSAGE_TYPES);
  if (!part) return null;
  const fields = firstFieldBlock(part);
  return {
    messageId: extractMessageIds(fields.get('message-id') ?? '')[0] ?? null,
    to: firstAddress(fields.get('to') ?? ''),
  };
}

/**
 * Header-style blocks separated by blank lines, as in a delivery-status or feedback-report body (and the headers of
 * a message): field names lower-cased, folded lines unfolded, the first occurrence of a field kept. A field's folded
 * lines are collected and joined once: appending to the string line by line copied it every time (a megabyte of
 * folded lines took minutes).
 */
function parseFieldBlocks(text: string): Fields[] {
  const blocks: Map<string, string[]>[] = [];
  let block: Map<string, string[]> | null = null;
  let field: string[] | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      block = null;
      field = null;
    } else if (line.startsWith(' ') || line.startsWith('\t')) {
      field?.push(line.trim());
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      if (!block) blocks.push((block = new Map<string, string[]>()));
      const name = line.slice(0, colon).trim().toLowerCase();
      field = block.has(name) ? null : [line.slice(colon + 1).trim()];
      if (field) block.set(name, field);
    }
  }
  return blocks.map(
    (lines) => new Map([...lines].map(([name, parts]) => [name, parts.filter((part) => part !== '').join(' ')])),
  );
}

/** The start of a report part as text: MAX_REPORT_PART_BYTES of it. */
function partText(part: Attachment): string {
  return part.content.subarray(0, MAX_REPORT_PART_BYTES).toString('utf8');
}

function firstFieldBlock(part: Attachment): Fields {
  return parseFieldBlocks(partText(part))[0] ?? new Map<string, string>();
}

/** The unfolded values of every header with this (lower-case) name, in order. */
function headerValues(headers: HeaderLines, name: string): string[] {
  return headers
    .filter((header) => header.key === name)
    .map((header) =>
      header.line
        .slice(header.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
}

/**
 * Message-IDs in a header value, brackets kept; bare ids (no brackets at all) are bracketed. No pattern here has two
 * quantifiers over the same characters: `[^<>\s]+@[^<>\s]+$` tried every '@' against the whole rest of a token, so a
 * References header of 'a@a@a@…' took minutes.
 */
function extractMessageIds(value: string): string[] {
  const bracketed = value.match(/<[^<>\s]+>/g);
  if (bracketed) return bracketed;
  return value
    .split(/\s+/)
    .flatMap((token) => (hasAddressShape(token) && !/[<>()"]/.test(token) ? [`<${token}>`] : []));
}

/**
 * The first address in a field such as "rfc822; <A@b.com>" or "Name <a@b.com>, c@d.com", lower-cased. Read by
 * splitting into tokens, not by searching with a pattern: `[^\s<>…]+@[^\s<>…]+` retried from every offset of a long
 * run without '@', quadratic in a crafted Final-Recipient of a megabyte.
 */
function firstAddress(value: string): string | null {
  const withoutType = value.replace(/^\s*[\w.+-]+\s*;/, '');
  const bracketed = (withoutType.match(/<[^<>\s]*>/g) ?? []).map((token) => token.slice(1, -1)).find(hasAddressShape);
  const address = bracketed ?? withoutType.split(/[\s<>,;:"()]+/).find(hasAddressShape);
  return address ? address.toLowerCase() : null;
}

/** An '@' with text on both sides. */
function hasAddressShape(token: string): boolean {
  return token.slice(1, -1).includes('@');
}

function senderAddress(mail: ParsedMail): string | null {
  const first = mail.from?.value[0];
  const address = (first?.address || first?.group?.[0]?.address || '').trim().toLowerCase();
  return address.includes('@') ? address : null;
}

/** The local part of the sender ("mailer-daemon"), also when From carries only the bare name MAILER-DAEMON. */
function senderLocalPart(mail: ParsedMail): string {
  const first = mail.from?.value[0];
  const address = first?.address || (first?.name && !/\s/.test(first.name.trim()) ? first.name : '');
  return (address ?? '').trim().split('@')[0]?.toLowerCase() ?? '';
}
