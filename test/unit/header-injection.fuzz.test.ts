import { simpleParser } from 'mailparser';
import { PublicTokens } from '../../src/crypto/public-tokens';
import {
  renderStep,
  StepMergeFieldError,
  threadedSubject,
  type MergeContact,
  type StepTemplate,
} from '../../src/domain/campaigns/step-content';
import { outgoingMessage } from '../../src/domain/delivery/outgoing-message';
import { normalizeEmail } from '../../src/domain/contacts/email';
import { PublicLinks } from '../../src/domain/engagement/public-links';
import { composeMessage, messageIdFor, UnsendableMessageError } from '../../src/mail/compose';

/** Fixed, so every run feeds the same values; set FUZZ_SEED to explore others (a failure names its seed). */
const SEED = Number(process.env.FUZZ_SEED ?? 20_26_11_22);
const CASES_PER_TARGET = 500;
const FROM_EMAIL = 'sam@outreach.example';
const UNSAFE = /[\r\n\0]/;

type Random = () => number;

/** mulberry32: tiny and seedable, so any failing case can be replayed. */
function seeded(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const integer = (random: Random, below: number): number => Math.floor(random() * below);
const pick = <T>(random: Random, items: readonly T[]): T => items[integer(random, items.length)]!;

/** What attackers and messy CRMs put in contact fields: line breaks, header syntax, encoded-word lookalikes, unicode. */
const FRAGMENTS = [
  '\r',
  '\n',
  '\r\n',
  '\0',
  '\r\nBcc: x@evil.test',
  '\nBcc: x@evil.test',
  '\rBcc: x@evil.test',
  '\r\n\r\n<p>body</p>',
  'Bcc: x@evil.test',
  '=?utf-8?',
  '=?utf-8?B?SGk=?=',
  '=?UTF-8?Q?=41=42?=',
  '=?utf-8?Q?=0D=0ABcc:_x@evil.test?=',
  '?=',
  ':',
  ': ',
  '"',
  "'",
  '\\',
  ',',
  ';',
  '<',
  '>',
  '@',
  '(',
  ')',
  '\t',
  ' ',
  '  ',
  '\u00a0',
  '\u2028',
  '\u0085',
  '\x0b',
  '\x0c',
  '\x1b',
  '\x7f',
  'é',
  'Łódź',
  '日本語',
  '😀',
  'e\u0301',
  '\u202e',
  '\u200b',
  'Ann',
  "O'Brien",
  'Müller & Söhne',
  '{{first_name}}',
  '{Hi|Hello}',
] as const;

function randomPrintable(random: Random): string {
  const length = 1 + integer(random, 20);
  return String.fromCharCode(...Array.from({ length }, () => 0x20 + integer(random, 95)));
}

function randomCodePoint(random: Random): string {
  for (;;) {
    const codePoint = random() < 0.7 ? 0xa0 + integer(random, 0xffff - 0xa0) : 0x10000 + integer(random, 0x10000);
    // Lone surrogates cannot be encoded as UTF-8 at all: not something a contact field can hold.
    if (codePoint < 0xd800 || codePoint > 0xdfff) return String.fromCodePoint(codePoint);
  }
}

function randomLong(random: Random): string {
  const length = 10_000 + integer(random, 2_000);
  const unit = pick(random, ['a', 'word ', '日', '😀', 'x:y ', '=?utf-8?q?a?= ']);
  const long = unit.repeat(Math.ceil(length / unit.length));
  return random() < 0.5 ? long : `${long}\r\nBcc: x@evil.test`;
}

function randomValue(random: Random): string {
  if (random() < 0.04) return randomLong(random);
  let value = '';
  for (let parts = 1 + integer(random, 6); parts > 0; parts--) {
    const kind = random();
    if (kind < 0.55) value += pick(random, FRAGMENTS);
    else if (kind < 0.8) value += randomPrintable(random);
    else value += randomCodePoint(random);
  }
  return value;
}

/**
 * A local part for the contact's address: random, but only ever one that could be a contact's (normalizeEmail accepts
 * it at import) or one holding CR, LF or NUL (which must be refused wherever it goes).
 */
function randomLocalPart(random: Random): string {
  const atoms = ['=?utf-8?B?SGk=?=', '=?utf-8?', '?=', "o'brien", 'Łódź', '日本語', 'a+tag', '{x}|y', '#!$%&*/^_`~'];
  for (;;) {
    const local =
      random() < 0.5
        ? randomValue(random)
        : Array.from({ length: 1 + integer(random, 3) }, () => pick(random, atoms)).join(pick(random, ['.', '', '-']));
    if (UNSAFE.test(local) || normalizeEmail(`${local}@example.test`) === `${local}@example.test`) return local;
  }
}

/** The standard fields, a custom one (`deal_size`) and the address, all used in every step's subject and body. */
const FIELDS = ['first_name', 'last_name', 'company', 'deal_size', 'email'] as const;
type Field = (typeof FIELDS)[number];
type Target = Field | 'all' | 'from name';

/** Step 1 and 3 with subjects of their own, step 2 answering under step 1's; `{{email}}` used or not. */
function steps(usesEmail: boolean, withText: boolean): StepTemplate[] {
  const email = usesEmail ? ' ({{email}})' : '';
  const fields = `{{first_name}} {{last_name}} at {{company}}, {{deal_size}}${email}`;
  const step = (position: number, subject: string | null): StepTemplate => ({
    position,
    subject,
    bodyHtml: `<p>Hi ${fields}</p><p>Read <a href="https://example.com/a?b=1&amp;c=2">this</a>.</p>`,
    bodyText: withText ? `Hi ${fields}\n\nRead this: https://example.com/a` : null,
    winnerLabel: null,
  });
  return [step(1, `Hi ${fields}`), step(2, null), step(3, `Last note for ${fields}`)];
}

interface Case {
  contact: MergeContact;
  fromName: string | null;
  usesEmail: boolean;
  position: number;
}

type Outcome =
  | { kind: 'merge error'; field: string; problem: 'missing' | 'unsafe' }
  | { kind: 'unsendable'; reason: string }
  | { kind: 'composed'; raw: Buffer; to: string; subject: string; plainTextOnly: boolean };

/** One case through the send path: renderStep → threadedSubject → outgoingMessage → composeMessage. */
async function send(random: Random, { contact, fromName, usesEmail, position }: Case): Promise<Outcome> {
  const templates = steps(usesEmail, random() < 0.5);
  const campaign = {
    sendAsPlainText: random() < 0.25,
    unsubscribeText: random() < 0.7 ? 'Unsubscribe' : null,
    trackOpens: random() < 0.5,
    trackClicks: random() < 0.5,
  };
  const key = Buffer.from(Array.from({ length: 32 }, () => integer(random, 256)));
  const links = new PublicLinks('https://links.example', new PublicTokens(key));
  const enrollmentId = contact.id;
  const render = (step: StepTemplate) => renderStep({ step, variants: [], seedId: enrollmentId, merge: { contact } });
  try {
    const first = render(templates[0]!);
    const content = position === 1 ? first : render(templates[position - 1]!);
    const subject = threadedSubject(content.subject, first.subject);
    const thread = [1, 2].slice(0, position - 1).map((earlier) => messageIdFor(enrollmentId, earlier, FROM_EMAIL));
    const { raw, envelope } = await composeMessage(
      outgoingMessage({
        campaign,
        mailbox: { fromEmail: FROM_EMAIL, fromName },
        to: contact.email,
        subject,
        content,
        messageId: messageIdFor(enrollmentId, position, FROM_EMAIL),
        thread,
        links,
        message: { enrollmentId, position },
      }),
    );
    if (envelope.to.join() !== contact.email) throw new Error(`envelope to ${envelope.to.join()}`);
    return { kind: 'composed', raw, to: contact.email, subject, plainTextOnly: campaign.sendAsPlainText };
  } catch (error) {
    if (error instanceof StepMergeFieldError) {
      return { kind: 'merge error', field: error.field, problem: error.problem };
    }
    if (error instanceof UnsendableMessageError) return { kind: 'unsendable', reason: error.reason };
    throw error;
  }
}

/** The top-level header section (up to the first blank line), unfolded (RFC 5322 §2.2.3): one entry per field. */
function headerFields(raw: Buffer): { fields: { name: string; value: string }[]; malformed: string[] } {
  const text = raw.toString('utf8');
  const lines: string[] = [];
  for (const line of text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n')) {
    if (/^[ \t]/.test(line) && lines.length > 0) lines[lines.length - 1] += line;
    else lines.push(line);
  }
  const fields: { name: string; value: string }[] = [];
  const malformed: string[] = [];
  for (const line of lines) {
    const match = /^([!-9;-~]+):[ \t]*(.*)$/s.exec(line);
    // A bare CR or LF left in a field is a line break to some parsers: as bad as an extra header.
    if (match && !/[\r\n\0]/.test(line)) fields.push({ name: match[1]!.toLowerCase(), value: match[2]! });
    else malformed.push(line.slice(0, 80));
  }
  return { fields, malformed };
}

function expectedHeaders(followUp: boolean, plainTextOnly: boolean): string[] {
  const names = [
    'from',
    'to',
    'subject',
    'message-id',
    'date',
    'mime-version',
    'content-type',
    'list-unsubscribe',
    'list-unsubscribe-post',
  ];
  if (followUp) names.push('in-reply-to', 'references');
  // A message of one text part states its transfer encoding at the top; a multipart one does so in each part.
  if (plainTextOnly) names.push('content-transfer-encoding');
  return names.sort();
}

/**
 * mailparser turns the whitespace at a fold into one space and trims the value, where RFC 5322 unfolding keeps it:
 * a difference of the reader's, not of the message, so runs of spaces and tabs compare as one.
 */
const unfoldedText = (text: string): string => text.replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');

/** The refusal the documented contract calls for, or null when the message must be composed. */
function expectedRefusal({ contact, fromName, usesEmail }: Case): Exclude<Outcome, { kind: 'composed' }> | null {
  const values: Record<Field, string> = { ...(contact.fields as Record<Field, string>), email: contact.email };
  const used = FIELDS.filter((field) => field !== 'email' || usesEmail);
  // Each template is checked for unsafe values before it is rendered, and the subject comes first.
  const unsafe = used.filter((field) => UNSAFE.test(values[field]));
  if (unsafe.length > 0) return { kind: 'merge error', field: unsafe.join('|'), problem: 'unsafe' };
  const blank = used.filter((field) => values[field].trim() === '');
  if (blank.length > 0) return { kind: 'merge error', field: blank.join('|'), problem: 'missing' };
  // Values that reach a header without being rendered: the address (when no template uses it) and the from name.
  if (UNSAFE.test(contact.email) || UNSAFE.test(fromName ?? '')) return { kind: 'unsendable', reason: 'unsafe_header' };
  return null;
}

/** Whether the refusal is the one expected: same error, same problem, naming one of the fields that cause it. */
function sameRefusal(outcome: Exclude<Outcome, { kind: 'composed' }>, expected: ReturnType<typeof expectedRefusal>) {
  if (expected === null || outcome.kind !== expected.kind) return false;
  if (outcome.kind === 'unsendable') return outcome.reason === (expected as typeof outcome).reason;
  const { field, problem } = expected as typeof outcome;
  return outcome.problem === problem && field.split('|').includes(outcome.field);
}

/** What a composed message must be whatever went in: the expected headers once each, To and the subject as sent. */
async function headerProblems(outcome: Extract<Outcome, { kind: 'composed' }>, followUp: boolean) {
  const problems: string[] = [];
  const { fields, malformed } = headerFields(outcome.raw);
  const names = fields.map((field) => field.name).sort();
  const wanted = expectedHeaders(followUp, outcome.plainTextOnly);
  if (names.join() !== wanted.join()) problems.push(`headers ${names.join()} instead of ${wanted.join()}`);
  if (malformed.length > 0) problems.push(`malformed header lines ${JSON.stringify(malformed)}`);
  // The recipient the header shows is the one the envelope delivers to, and no other.
  const to = fields.find((field) => field.name === 'to')?.value;
  if (to !== outcome.to) problems.push(`To: ${JSON.stringify(to)}, sent to ${JSON.stringify(outcome.to)}`);
  const parsed = await simpleParser(outcome.raw);
  const from = parsed.from?.value.map((address) => address.address);
  if (from?.join() !== FROM_EMAIL) problems.push(`From addresses ${JSON.stringify(from)}`);
  if (parsed.subject === undefined || unfoldedText(parsed.subject) !== unfoldedText(outcome.subject)) {
    problems.push(`subject came back as ${JSON.stringify(parsed.subject)}, sent ${JSON.stringify(outcome.subject)}`);
  }
  return problems;
}

/** Every way the outcome differs from the documented contract, as readable lines (none when it holds). */
async function violations(outcome: Outcome, expected: ReturnType<typeof expectedRefusal>, followUp: boolean) {
  if (outcome.kind !== 'composed') {
    return sameRefusal(outcome, expected)
      ? []
      : [`expected ${JSON.stringify(expected)}, got ${JSON.stringify(outcome)}`];
  }
  const problems = await headerProblems(outcome, followUp);
  if (expected !== null) problems.unshift(`expected ${JSON.stringify(expected)}, got it composed`);
  return problems;
}

/** One random case: `target` random, every other value ordinary. */
function randomCase(random: Random, target: Target, index: number): Case {
  const values: Record<Field, string> = {
    first_name: 'Ann',
    last_name: 'Lee',
    company: 'Acme',
    deal_size: '10k',
    email: 'ann',
  };
  for (const field of FIELDS) {
    if (target === field || target === 'all') {
      values[field] = field === 'email' ? randomLocalPart(random) : randomValue(random);
    }
  }
  const { email, ...fields } = values;
  return {
    contact: {
      id: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
      email: `${email}@example.test`,
      fields,
    },
    fromName: target === 'from name' ? randomValue(random) : random() < 0.2 ? null : 'Sam Sender',
    usesEmail: random() < 0.7,
    position: 1 + integer(random, 3),
  };
}

/** Runs `cases` random cases against `target`: how many broke the contract, and the first few, replayable. */
async function fuzz(target: Target, seed: number, cases: number): Promise<{ failed: number; examples: string[] }> {
  const random = seeded(seed);
  const result = { failed: 0, examples: [] as string[] };
  for (let index = 0; index < cases; index++) {
    const fuzzCase = randomCase(random, target, index);

    const outcome = await send(random, fuzzCase);

    const problems = await violations(outcome, expectedRefusal(fuzzCase), fuzzCase.position > 1);
    if (problems.length === 0) continue;
    result.failed++;
    if (result.examples.length < 5) {
      const input = JSON.stringify({ ...fuzzCase.contact, fromName: fuzzCase.fromName }).slice(0, 400);
      result.examples.push(`seed ${seed} case ${index}: ${problems.join('; ').slice(0, 600)} — ${input}`);
    }
  }
  return result;
}

describe('header injection through contact data and the sender name (fuzz)', () => {
  describe.each<[string, Target, number]>([
    ['first_name', 'first_name', 1],
    ['last_name', 'last_name', 2],
    ['company', 'company', 3],
    ['a custom field', 'deal_size', 4],
    ["the address's local part", 'email', 5],
    ['every merge field at once', 'all', 6],
    ["the mailbox's from name", 'from name', 7],
  ])(
    'when %s holds random text (CR, LF, NUL, header syntax, encoded words, unicode, 10k+ chars)',
    (_, target, offset) => {
      it(
        `then the send is refused with the documented error naming the field, or has exactly the expected headers ` +
          `once each and the subject comes back unchanged (${CASES_PER_TARGET} cases)`,
        async () => {
          const result = await fuzz(target, SEED + offset, CASES_PER_TARGET);

          expect(result).toEqual({ failed: 0, examples: [] });
        },
      );
    },
  );
});
