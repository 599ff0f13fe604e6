import type { HeaderLines, ParsedMail } from 'mailparser';

/** The unfolded values of every header with this (lower-case) name, in order. */
export function headerValues(headers: HeaderLines, name: string): string[] {
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
export function extractMessageIds(value: string): string[] {
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
export function firstAddress(value: string): string | null {
  const withoutType = value.replace(/^\s*[\w.+-]+\s*;/, '');
  const bracketed = (withoutType.match(/<[^<>\s]*>/g) ?? []).map((token) => token.slice(1, -1)).find(hasAddressShape);
  const address = bracketed ?? withoutType.split(/[\s<>,;:"()]+/).find(hasAddressShape);
  return address ? address.toLowerCase() : null;
}

/** An '@' with text on both sides. */
function hasAddressShape(token: string): boolean {
  return token.slice(1, -1).includes('@');
}

/** The sender's address, lower-cased, without its display name; null when there is none. */
export function senderAddress(mail: ParsedMail): string | null {
  const first = mail.from?.value[0];
  const address = (first?.address || first?.group?.[0]?.address || '').trim().toLowerCase();
  return address.includes('@') ? address : null;
}

/** The local part of the sender ("mailer-daemon"), also when From carries only the bare name MAILER-DAEMON. */
export function senderLocalPart(mail: ParsedMail): string {
  const first = mail.from?.value[0];
  const address = first?.address || (first?.name && !/\s/.test(first.name.trim()) ? first.name : '');
  return (address ?? '').trim().split('@')[0]?.toLowerCase() ?? '';
}
