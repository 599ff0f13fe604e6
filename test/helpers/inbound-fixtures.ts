import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The raw messages in test/fixtures/inbound (see its README for where each format comes from). */
export const INBOUND_FIXTURES = [
  'threaded-reply',
  'reply-stripped-references',
  'out-of-office',
  'dsn-hard-5.1.1',
  'dsn-delayed',
  'arf-complaint',
  'newsletter',
  'unsubscribe-mailto',
] as const;

export type InboundFixtureName = (typeof INBOUND_FIXTURES)[number];

export interface InboundFixtureValues {
  contactEmail: string;
  mailboxEmail: string;
  /** Our Message-ID the fixture answers or reports on, brackets included; required by every fixture but the newsletter. */
  originalMessageId?: string;
  /** The References chain; defaults to [originalMessageId]. */
  threadIds?: string[];
  /** The fixture's own Message-ID; defaults to a fresh `<uuid@mail.example>`. */
  messageId?: string;
  date?: Date;
}

/** Our sending mailbox, in the messages the suites write inline. */
export const MAILBOX = 'sam@sender.example';

/** A fresh Message-ID of ours, brackets included. */
export const ourId = (): string => `<${crypto.randomBytes(24).toString('base64url')}@sender.example>`;

/** A fresh contact address, in the mixed case people write it. */
export const contactEmail = (): string => `Dana.${crypto.randomBytes(4).toString('hex')}@Whitfield.example`;

/** A raw message from header lines and a body. */
export const eml = (headers: string[], body = 'Hello there.'): string => [...headers, '', body].join('\r\n');

const FIXTURE_DIR = path.join(__dirname, '..', 'fixtures', 'inbound');

/** A fixture message with its placeholders filled in; throws when one is left unreplaced (a value it needs is missing). */
export function inboundFixture(name: string, values: InboundFixtureValues): Buffer {
  const file = path.join(FIXTURE_DIR, name.endsWith('.eml') ? name : `${name}.eml`);
  const threadIds = values.threadIds ?? (values.originalMessageId ? [values.originalMessageId] : undefined);
  const replacements: Record<string, string | undefined> = {
    CONTACT_EMAIL: values.contactEmail,
    MAILBOX_EMAIL: values.mailboxEmail,
    ORIGINAL_MESSAGE_ID: values.originalMessageId,
    THREAD_IDS: threadIds?.join(' '),
    MESSAGE_ID: values.messageId ?? `<${crypto.randomUUID()}@mail.example>`,
    DATE: (values.date ?? new Date()).toUTCString(),
  };
  const filled = fs
    .readFileSync(file, 'utf8')
    .replace(/\{\{(\w+)\}\}/g, (placeholder, key: string) => replacements[key] ?? placeholder);
  const left = [...new Set(filled.match(/\{\{\w+\}\}/g))];
  if (left.length > 0) throw new Error(`Fixture ${name} has unreplaced placeholders: ${left.join(', ')}`);
  return Buffer.from(filled, 'utf8');
}
