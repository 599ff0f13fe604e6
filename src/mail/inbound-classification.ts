import type { Attachment, HeaderLines, ParsedMail } from 'mailparser';
import { extractMessageIds, firstAddress, headerValues, senderLocalPart } from './inbound-fields';
import { replyLine } from './reply-line';

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

type Fields = Map<string, string>;

/**
 * How much of a report part (delivery-status, feedback-report, returned headers) is read. Real ones are a few
 * kilobytes and what is used comes first; a crafted megabyte must not cost more than this.
 */
const MAX_REPORT_PART_BYTES = 256 * 1024;
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

/**
 * Sorts a parsed message (`text`: its body text) into a bounce, a complaint, an auto-reply or a person's message: by
 * its report, if it is one, else by its sender, headers and subject.
 */
export function classifyInbound(mail: ParsedMail, headers: HeaderLines, text: string): InboundClassification {
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
  // Shown where the SMTP replies of our own sends are, and as freely written by whoever sent the report: one line.
  const diagnostic = replyLine(failed.get('diagnostic-code')?.replace(/^\s*[\w.+-]+\s*;\s*/, '')) || null;
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
