/** How long a reply line may be where it is stored or shown (mailbox errors, send responses). */
export const REPLY_LINE_MAX = 300;

/** Input beyond this is never looked at: a reply line comes from the first few lines of an answer. */
const SCAN_LIMIT = 16_384;

/** ANSI/VT100 escape sequences: CSI (`ESC [ … letter`), OSC (`ESC ] … BEL` or `ESC \`), and two-character escapes. */
// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g;

/** Line breaks of every kind a server (or an error message quoting one) might send. */
const LINE_BREAKS = /\r\n|[\r\n\v\f\u0085\u2028\u2029]/;

/** C0 and C1 control characters, DEL, and the bidirectional overrides that can disguise text when it is shown. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A line that is only an SMTP reply code, with or without its continuation dash ("554-", "421 "). */
const BARE_REPLY_CODE = /^\d{3}(?:[ -]\d\.\d{1,3}\.\d{1,3})?[ -]?$/;

/**
 * One short, printable line of a server's reply or an error message, safe to store and show: escape sequences and
 * control characters removed, whitespace collapsed, the first line that says something (a multi-line SMTP reply
 * starts with its most specific line; one that is only a reply code says nothing), at most `max` characters (the
 * rest cut with "…"). Empty when the text has nothing printable.
 */
export function replyLine(text: unknown, max = REPLY_LINE_MAX): string {
  const lines = textOf(text)
    .slice(0, SCAN_LIMIT)
    .replace(ESCAPE_SEQUENCES, '')
    .split(LINE_BREAKS)
    .map((line) => line.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
  const line = lines.find((candidate) => !BARE_REPLY_CODE.test(candidate)) ?? lines[0] ?? '';
  return truncate(line, max);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return '';
}

/** Cuts by code points, so a character outside the BMP is never split into half a surrogate pair. */
function truncate(line: string, max: number): string {
  const characters = Array.from(line);
  if (characters.length <= max) return line;
  return `${characters
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}
