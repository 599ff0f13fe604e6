import { mapConcurrently } from '../src/concurrency';
import nodemailer, { type Transporter } from 'nodemailer';
import { addressPrefix, rawMessage, recipient, sender } from './fixtures';
import { every, rateMeter, round, say, seconds, throwIfAborted } from './progress';
import type { Stack } from './stack';

export interface SmtpCeilingResult {
  messages: number;
  mailboxes: number;
  /** nodemailer pools (one per mailbox), every message queued at once: the most the sink takes. */
  pooled: { elapsed_s: number; sends_per_s: number; errors: number };
  /** One connection per message, as the product sends (src/mail/smtp.ts), one in flight per mailbox. */
  per_connection: { messages: number; elapsed_s: number; sends_per_s: number; errors: number };
}

const PER_CONNECTION_MESSAGES = 1000;

/** The raw SMTP ceiling: nodemailer straight into the same sink the product sends to, no engine in between. */
export async function measureSmtpCeiling(options: {
  stack: Stack;
  runId: string;
  messages: number;
  mailboxes: number;
  signal: AbortSignal;
}): Promise<SmtpCeilingResult> {
  const { stack, messages, mailboxes } = options;
  const prefix = addressPrefix(options.runId, 'smtp');
  const base = { host: stack.smtp.host, port: stack.smtp.port, secure: false, ignoreTLS: true };
  const auth = (mailbox: number) => ({ user: sender(prefix, mailbox), pass: 'bench-password' });
  const send = (transport: Transporter, index: number) =>
    transport.sendMail(rawMessage(sender(prefix, index % mailboxes), recipient(prefix, index), (index % 3) + 1, index));

  const pools = Array.from({ length: mailboxes }, (_, mailbox) =>
    nodemailer.createTransport({ ...base, pool: true, maxConnections: 2, maxMessages: Infinity, auth: auth(mailbox) }),
  );
  const pooled = await timed('pooled', messages, options.signal, (count) =>
    mapConcurrently(range(messages), messages, (index) =>
      send(pools[index % mailboxes]!, index).then(count, () => count(false)),
    ),
  );
  pools.forEach((pool) => pool.close());
  throwIfAborted(options.signal);

  const perConnectionMessages = Math.min(messages, PER_CONNECTION_MESSAGES);
  const singles = Array.from({ length: mailboxes }, (_, mailbox) =>
    nodemailer.createTransport({ ...base, auth: auth(mailbox) }),
  );
  const perConnection = await timed('one connection per message', perConnectionMessages, options.signal, (count) =>
    mapConcurrently(range(perConnectionMessages), mailboxes, (index) =>
      send(singles[index % mailboxes]!, index).then(count, () => count(false)),
    ),
  );
  return { messages, mailboxes, pooled, per_connection: { messages: perConnectionMessages, ...perConnection } };
}

/** Runs `work`, which calls `count()` per message (`count(false)` for a failure), with a progress line. */
async function timed(
  name: string,
  total: number,
  signal: AbortSignal,
  work: (count: (ok?: unknown) => void) => Promise<unknown>,
) {
  let done = 0;
  let errors = 0;
  const rate = rateMeter();
  const stopProgress = every(3, () => `  smtp ${name}: ${done}/${total} sent, ${round(rate(done), 1)}/s`);
  const started = performance.now();
  try {
    await work((ok) => {
      if (ok === false) errors++;
      else done++;
    });
  } finally {
    stopProgress();
  }
  const elapsed = performance.now() - started;
  throwIfAborted(signal);
  if (errors > 0) say(`  smtp ${name}: ${errors} message(s) failed`);
  return { elapsed_s: seconds(elapsed), sends_per_s: round((done * 1000) / elapsed, 1), errors };
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
