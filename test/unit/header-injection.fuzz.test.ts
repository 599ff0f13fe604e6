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
import { PublicLinks } from '../../src/domain/engagement/public-links';
import { composeMessage, messageIdFor, UnsendableMessageError } from '../../src/mail/compose';

/** Fixed, so every run feeds the same values; set FUZZ_SEED to explore others (a failure names its seed). */
const SEED = Number(process.env.FUZZ_SEED ?? 20_26_11_22);
const CASES_PER_TARGET = 600;
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
  return Array.from({ length: 1 + integer(random, 20) }, () => String.fromCharCode(0x20 + integer(random, 95))).join('');
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

const FIELDS = ['first_name', 'last_name', 'company', 'deal_size', 'email'] as const;
type Field = (typeof FIELDS)[number];
type Target = Field | 'all' | 'from name';

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

type Outcome =
  | { kind: 'merge error'; field: string; problem: 'missing' | 'unsafe' }
  | { kind: 'unsendable'; reason: string }
  | { kind: 'composed'; raw: Buffer; subject: string; followUp: boolean; plainTextOnly: boolean };

/** One case through the send path: renderStep → threadedSubject → outgoingMessage → composeMessage. */
async function send(random: Random, contact: MergeContact, fromName: string | null): Promise<Outcome> {
  const templates = steps(random() < 0.7, random() < 0.5);
  const position = 1 + integer(random, 3);
  const campaign = {
    sendAsPlainText: random() < 0.25,
    unsubscribeText: random() < 0.7 ? 'Unsubscribe' : null,
    trackOpens: random() < 0.5,
    trackClicks: random() < 0.5,
  };
  const key = Buffer.from(Array.from({ length: 32 }, () => integer(random, 256)));
  const links = new PublicLinks('https://links.example', new PublicTokens(key));
  const enrollmentId = contact.id;
  try {
    const first = renderStep({ step: templates[0]!, variants: [], seedId: enrollmentId, merge: { contact } });
    const content =
      position === 1
        ? first
        : renderStep({ step: templates[position - 1]!, variants: [], seedId: enrollmentId, merge: { contact } });
    const subject = threadedSubject(content.subject, first.subject);
    const thread = Array.from({ length: position - 1 }, (_, index) => messageIdFor(enrollmentId, index + 1, FROM_EMAIL));
    const { raw } = await composeMessage(
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
    return { kind: 'composed', raw, subject, followUp: position > 1, plainTextOnly: campaign.sendAsPlainText };
  } catch (error) {
    if (error instanceof StepMergeFieldError) return { kind: 'merge error', field: error.field, problem: error.problem };
    if (error instanceof UnsendableMessageError) return { kind: 'unsendable', reason: error.reason };
    throw error;
  }
}

/** The top-level header section (up to the first blank line), unfolded: one entry per header field. */
function headerFields(raw: Buffer): { names: string[]; malformed: string[] } {
  const text = raw.toString('latin1');
  const section = text.slice(0, text.indexOf('\r\n\r\n'));
  const fields: string[] = [];
  for (const line of section.split('\r\n')) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  const names: string[] = [];
  const malformed: string[] = [];
  for (const field of fields) {
    // A bare CR or LF left in a field is a line break to some parsers: as bad as an extra header.
    const name = /^([!-9;-~]+):/.exec(field)?.[1];
    if (name && !/[\r\n\0]/.test(field)) names.push(name.toLowerCase());
    else malformed.push(field.slice(0, 80));
  }
  return { names: names.sort(), malformed };
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
  // A single text part states its transfer encoding at the top; a multipart message does so in each part.
  if (plainTextOnly) names.push('content-transfer-encoding');
  return names.sort();
}

/** Every way the outcome can differ from the documented contract, as readable lines (empty when it holds). */
async function violations(outcome: Outcome, unsafe: string[], blank: string[], fromName: string | null) {
  const problems: string[] = [];
  const fromNameUnsafe = fromName !== null && UNSAFE.test(fromName);
  if (outcome.kind === 'merge error') {
    const expected = outcome.problem === 'unsafe' ? unsafe : blank;
    if (!expected.includes(outcome.field)) problems.push(`${outcome.problem} error for "${outcome.field}"`);
    return problems;
  }
  if (outcome.kind === 'unsendable') {
    // Only a value that reached a header unrendered (an unused email, the from name) may be refused here.
    if (outcome.reason !== 'unsafe_header' || (unsafe.length === 0 && !fromNameUnsafe)) {
      problems.push(`refused as ${outcome.reason}`);
    }
    return problems;
  }
  if (unsafe.length > 0 || fromNameUnsafe) problems.push(`composed although ${unsafe.join(', ') || 'from name'} unsafe`);
  if (blank.length > 0) problems.push(`composed although ${blank.join(', ')} blank`);
  const { names, malformed } = headerFields(outcome.raw);
  const expected = expectedHeaders(outcome.followUp, outcome.plainTextOnly);
  if (names.join() !== expected.join()) problems.push(`headers ${names.join()} instead of ${expected.join()}`);
  if (malformed.length > 0) problems.push(`malformed header lines ${JSON.stringify(malformed)}`);
  const parsed = await simpleParser(outcome.raw);
  if (parsed.subject !== outcome.subject) {
    problems.push(`subject came back as ${JSON.stringify(parsed.subject)}, sent ${JSON.stringify(outcome.subject)}`);
  }
  return problems;
}

const benign = (): Record<Field, string> => ({
  first_name: 'Ann',
  last_name: 'Lee',
  company: 'Acme',
  deal_size: '10k',
  email: 'ann',
});

/** Runs `cases` random cases against `target`; returns the failures, each with what it takes to replay it. */
async function fuzz(target: Target, seed: number, cases: number): Promise<string[]> {
  const random = seeded(seed);
  const failures: string[] = [];
  for (let index = 0; index < cases; index++) {
    const values = benign();
    let fromName: string | null = random() < 0.2 ? null : 'Sam Sender';
    if (target === 'from name') fromName = randomValue(random);
    else if (target === 'all') for (const field of FIELDS) values[field] = randomValue(random);
    else values[target] = randomValue(random);
    const contact: MergeContact = {
      id: '00000000-0000-4000-8000-' + index.toString(16).padStart(12, '0'),
      email: `${values.email}@example.test`,
      fields: { first_name: values.first_name, last_name: values.last_name, company: values.company, deal_size: values.deal_size },
    };
    const mergeValues: Record<Field, string> = { ...values, email: contact.email };
    const unsafe = FIELDS.filter((field) => UNSAFE.test(mergeValues[field]));
    const blank = FIELDS.filter((field) => mergeValues[field].trim() === '');

    const outcome = await send(random, contact, fromName);

    const problems = await violations(outcome, unsafe, blank, fromName);
    if (problems.length > 0) {
      const fuzzed = target === 'from name' ? { fromName } : values;
      failures.push(`seed ${seed} case ${index}: ${problems.join('; ')} — ${JSON.stringify(fuzzed).slice(0, 300)}`);
    }
  }
  return failures;
}

describe('header injection through contact data and the sender name (fuzz)', () => {
  describe.each<[Target, number]>([
    ['first_name', 1],
    ['last_name', 2],
    ['company', 3],
    ['deal_size', 4],
    ['email', 5],
    ['all', 6],
    ['from name', 7],
  ])('when %s holds random text (CR, LF, NUL, header syntax, encoded words, unicode, 10k+ chars)', (target, offset) => {
    it(
      `then the send is refused with the documented error, or has exactly the expected headers once each and ` +
        `the subject comes back unchanged (${CASES_PER_TARGET} cases)`,
      async () => {
        const failures = await fuzz(target, SEED + offset, CASES_PER_TARGET);

        expect(failures.slice(0, 10)).toEqual([]);
      },
    );
  });
});
