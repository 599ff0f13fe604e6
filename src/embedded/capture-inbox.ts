import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../logger';

/** One captured message, as listed in `index.jsonl`. */
export interface CapturedMessage {
  id: string;
  receivedAt: string;
  envelopeFrom: string;
  envelopeTo: string[];
  subject: string;
  messageId: string | null;
  inReplyTo: string | null;
  file: string;
}

export interface CaptureInbox {
  port: number;
  dir: string;
  close: () => Promise<void>;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/**
 * A real SMTP server for local use and tests: accepts every message (any credentials, no TLS) and stores it as an
 * `.eml` file in `dir`, listed in `dir/index.jsonl`. Nothing is relayed anywhere.
 */
export async function startCaptureInbox(options: { dir: string; port: number; logger: Logger }): Promise<CaptureInbox> {
  const { dir, logger } = options;
  await fs.mkdir(dir, { recursive: true });
  let sequence = 0;
  const server = new SMTPServer({
    name: 'sequencer-capture-inbox',
    banner: 'Sequencer capture inbox: messages are stored locally, never delivered',
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'capture' }),
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const id = `${Date.now()}-${process.pid}-${(sequence += 1)}`;
        store(dir, id, raw, session)
          .then(() => callback())
          .catch((error: Error) => {
            logger.error({ err: error }, 'capture inbox could not store a message');
            callback(error);
          });
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  server.on('error', (error) => logger.warn({ err: error }, 'capture inbox connection error'));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { port, dir, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function store(
  dir: string,
  id: string,
  raw: Buffer,
  session: { envelope: { mailFrom: false | { address: string }; rcptTo: { address: string }[] } },
): Promise<void> {
  const file = `${id}.eml`;
  await fs.writeFile(path.join(dir, file), raw);
  // The index needs headers only: parsing the body too would cost the process (the worker's, with npm start) more.
  const parsed = await simpleParser(headerSection(raw), {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  const entry: CapturedMessage = {
    id,
    receivedAt: new Date().toISOString(),
    envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    envelopeTo: session.envelope.rcptTo.map((recipient) => recipient.address),
    subject: parsed.subject ?? '',
    messageId: parsed.messageId ?? null,
    inReplyTo: parsed.inReplyTo ?? null,
    file,
  };
  // An O_APPEND write of one short line lands whole at the end of the file, even with concurrent writers.
  await fs.appendFile(path.join(dir, 'index.jsonl'), `${JSON.stringify(entry)}\n`);
}

/** The message's header section, with the blank line that ends it (the whole message if it has no body). */
function headerSection(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  return end === -1 ? raw : raw.subarray(0, end + 4);
}

/** Reads the inbox index, oldest first. */
export async function readCapturedMessages(dir: string): Promise<CapturedMessage[]> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, 'index.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CapturedMessage);
}
