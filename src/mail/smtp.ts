// The SMTP adapter: one send as a result value (sent, rejected, connection or mailbox error, unknown), over connections
// kept briefly per account, each conversation under a deadline, DKIM-signed when given a key. Over ~300 lines: the
// kept connections, the deadline and the failure classification all turn on how far the conversation got
// (SmtpStage), which decides whether a failed send may have been delivered; split, that one reasoning would scatter.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import DKIM from 'nodemailer/lib/dkim';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SmtpSecurity } from '../db/entities/mailbox.entity';
import type { ComposedMessage } from './compose';
import { OutboundHostRefusedError, tlsServername, type OutboundHostPolicy } from './outbound-host-policy';
import { replyLine } from './reply-line';

export interface SmtpAccount {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string;
  password: string;
}

/** A mailbox's DKIM key: `d=` domain, `s=` selector and the PEM private key. */
export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

/**
 * The headers a DKIM signature covers. Nodemailer's default list leaves out List-Unsubscribe-Post, and Gmail and
 * Yahoo only honour one-click unsubscribe when the signature covers both List-Unsubscribe headers (RFC 8058 §4).
 */
export const DKIM_SIGNED_HEADERS = [
  'From',
  'To',
  'Subject',
  'Date',
  'Message-ID',
  'In-Reply-To',
  'References',
  'MIME-Version',
  'Content-Type',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
].join(':');

/**
 * What happened to one send; expected failures are values, not exceptions. `response` is always one line of the
 * server's reply (or of the error), never raw bytes from the other end.
 */
export type SmtpResult =
  | { kind: 'sent'; response: string }
  /** The server refused the recipient or the message with a 5xx: a hard bounce. */
  | { kind: 'rejected_permanent'; code: number; response: string }
  /** A 4xx about the recipient or the message (greylisting, a full mailbox, 451 after DATA): nothing delivered. */
  | { kind: 'rejected_temporary'; code: number; response: string }
  /** The server could not be reached, or the conversation broke before the end of DATA: nothing was delivered. */
  | { kind: 'connection_error'; response: string }
  /** The mailbox itself is wrong (login refused, TLS/certificate failure, sender refused, host not allowed). */
  | { kind: 'mailbox_error'; code: number | null; response: string }
  /** The connection broke or timed out after the message data was sent: it may or may not have been delivered. */
  | { kind: 'unknown'; response: string };

/**
 * How a check of an account went: logged in (the server's last answer) or not (the failure, sorted as a send's:
 * `mailbox_error` for a refused login, TLS or host, `connection_error` for an unreachable server).
 */
export type SmtpCheckResult =
  { ok: true; response: string } | { ok: false; kind: Exclude<SmtpResult, { kind: 'sent' }>['kind']; response: string };

/** How far a conversation got: only a failure once the message data has gone out leaves the outcome in doubt. */
export type SmtpStage = 'connect' | 'login' | 'envelope' | 'data_sent';

/** Vets a tenant-given host and names the address to connect to (see outbound-host-policy.ts). */
export type OutboundHosts = Pick<OutboundHostPolicy, 'vet'>;

const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 };

/**
 * The longest one message's conversation may take, however slowly a server trickles its replies (the timeouts above
 * bound each silence, not the whole). It bounds the send activity: see workflows/send-activity.ts.
 */
export const CONVERSATION_LIMIT_MS = 45_000;

/**
 * How long a connection that finished a message stays open for the account's next one, and how many messages one
 * connection carries. A mailbox sending back to back (no rest between sends) keeps one conversation with its server
 * instead of a new connection, greeting and login per message; one that rests for minutes never reuses one.
 */
const IDLE_MS = 2_000;
const MAX_MESSAGES_PER_CONNECTION = 100;

/**
 * Sends composed messages over SMTP. Each message's conversation is tracked by stage, so a connection dropped after
 * the message data is told apart from one dropped before (nodemailer's pool reports both alike, and may re-queue the
 * message on a new connection). A connection is kept open briefly for the account's next message; one the server
 * closed while idle is found out before a byte of that message went out, and the message goes on a new connection.
 */
export class SmtpClient {
  private readonly idle = new IdleConnections();

  constructor(
    private readonly hosts: OutboundHosts,
    private readonly limits: { conversationMs: number } = { conversationMs: CONVERSATION_LIMIT_MS },
  ) {}

  /** Sends the composed bytes as they are, DKIM-signed with `dkim` when given. */
  async send(account: SmtpAccount, message: ComposedMessage, dkim: DkimKey | null = null): Promise<SmtpResult> {
    let raw: Buffer;
    try {
      raw = dkim ? await signed(message.raw, dkim) : message.raw;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { kind: 'mailbox_error', code: null, response: replyLine(`DKIM signing failed: ${reason}`) };
    }
    const deadline = new ConversationDeadline(this.limits.conversationMs);
    try {
      return await this.converse(account, message, raw, deadline);
    } finally {
      deadline.clear();
    }
  }

  /** The message over a kept connection of the account if there is one, else (or if it was gone) over a new one. */
  private async converse(
    account: SmtpAccount,
    message: ComposedMessage,
    raw: Buffer,
    deadline: ConversationDeadline,
  ): Promise<SmtpResult> {
    const key = accountKey(account);
    const idle = this.idle.take(key);
    if (idle) {
      const progress: { stage: SmtpStage } = { stage: 'envelope' };
      try {
        deadline.guard(idle.connection);
        const response = await transmit(idle.connection, message, raw, progress);
        this.idle.keep(key, idle.connection, idle.messages + 1);
        return { kind: 'sent', response };
      } catch (error) {
        idle.connection.close();
        if (deadline.expired || !closedWhileIdle(error, progress.stage)) {
          return classifySmtpFailure(deadline.failure(error), progress.stage);
        }
      }
    }
    const progress: { stage: SmtpStage } = { stage: 'connect' };
    let connection: SMTPConnection | undefined;
    try {
      connection = await this.connection(account, progress, (opened) => {
        connection = opened;
        deadline.guard(opened);
      });
      progress.stage = 'envelope';
      const response = await transmit(connection, message, raw, progress);
      this.idle.keep(key, connection, 1);
      return { kind: 'sent', response };
    } catch (error) {
      connection?.close();
      return classifySmtpFailure(deadline.failure(error), progress.stage);
    }
  }

  /**
   * Connects and logs in as a send does (the host vetted by the outbound host policy, TLS per the account's security,
   * AUTH when offered), then quits without sending: what nodemailer's verify() does, on the send path's connection.
   */
  async check(account: SmtpAccount): Promise<SmtpCheckResult> {
    const deadline = new ConversationDeadline(this.limits.conversationMs);
    const progress: { stage: SmtpStage } = { stage: 'connect' };
    let connection: SMTPConnection | undefined;
    try {
      connection = await this.connection(account, progress, (opened) => {
        connection = opened;
        deadline.guard(opened);
      });
      const response = replyLine(connection.lastServerResponse || '250 OK');
      connection.quit();
      return { ok: true, response };
    } catch (error) {
      connection?.close();
      const failure = classifySmtpFailure(deadline.failure(error), progress.stage);
      return { ok: false, kind: failure.kind, response: failure.response };
    } finally {
      deadline.clear();
    }
  }

  /** Ends the connections kept for the next message (at shutdown). */
  close(): void {
    this.idle.closeAll();
  }

  /** A new connection to the account's server, logged in; `created` learns of it before it may fail. */
  private async connection(
    account: SmtpAccount,
    progress: { stage: SmtpStage },
    created: (connection: SMTPConnection) => void,
  ) {
    const address = await this.hosts.vet(account.host);
    const servername = tlsServername(account.host);
    const connection = new SMTPConnection({
      // The vetted address itself: a second DNS answer could point elsewhere. TLS still checks the host's name.
      host: address,
      ...(servername ? { servername } : {}),
      port: account.port,
      secure: account.security === 'tls',
      requireTLS: account.security === 'starttls',
      ignoreTLS: account.security === 'none',
      ...TIMEOUTS,
    });
    created(connection);
    // Errors reach the phase in progress; one arriving between phases (a late close, an idle drop) is of no interest.
    connection.on('error', () => undefined);
    await phase(connection, (done) => connection.connect((error) => done(error)));
    progress.stage = 'login';
    // As nodemailer's transports do: a server that offers no AUTH is not asked to log in.
    if ((connection as SMTPConnection & { allowsAuth?: boolean }).allowsAuth) {
      await phase(connection, (done) =>
        connection.login({ user: account.username, pass: account.password }, (error) => done(error)),
      );
    }
    return connection;
  }
}

/** One message over an open connection; `progress.stage` becomes `data_sent` once the server may have it. */
async function transmit(
  connection: SMTPConnection,
  message: ComposedMessage,
  raw: Buffer,
  progress: { stage: SmtpStage },
): Promise<string> {
  const data = Readable.from([raw], { objectMode: false });
  // The stream is only read once the server has accepted DATA: from its end on, the server may have the message.
  data.once('end', () => (progress.stage = 'data_sent'));
  // A copy: nodemailer writes the conversation's state into the envelope it is given, and a message whose kept
  // connection failed goes again, with the same envelope, over a new one.
  const envelope = { from: message.envelope.from, to: [...message.envelope.to] };
  const info = await phase<{ response?: string }>(connection, (done) =>
    connection.send(envelope, data, (error, result) => done(error, result)),
  );
  return replyLine(info.response ?? '250 OK');
}

/**
 * Ends a conversation that outlasts its limit by closing its connection: the phase in progress fails, and the
 * failure is reported as the limit's (a timeout: before the message data, retried; after it, in doubt).
 */
class ConversationDeadline {
  expired = false;
  private connection: SMTPConnection | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly limitMs: number) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.connection?.close();
    }, limitMs);
  }

  /** The connection about to carry the conversation; refused (a timeout) if the limit has passed already. */
  guard(connection: SMTPConnection): void {
    if (this.expired) throw this.failure(null);
    this.connection = connection;
  }

  /** What to report for a failed conversation: the limit, when it was what ended it. */
  failure(error: unknown): unknown {
    if (!this.expired) return error;
    return Object.assign(new Error(`the SMTP conversation took longer than ${this.limitMs / 1000} s`), {
      code: 'ETIMEDOUT',
    });
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** A kept connection failed before the message data without the server answering, or answering 421: it was gone. */
function closedWhileIdle(error: unknown, stage: SmtpStage): boolean {
  const code = (error as SmtpFailure | null)?.responseCode;
  return stage === 'envelope' && (code === undefined || code === 421);
}

/** Connections are kept per account: the same server, port, security and credentials. */
function accountKey(account: SmtpAccount): string {
  const { host, port, security, username, password } = account;
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([host, port, security, username, password]))
    .digest('hex');
}

interface IdleConnection {
  connection: SMTPConnection;
  /** Messages it has carried. */
  messages: number;
  forget: () => void;
  timer: NodeJS.Timeout;
}

/** Connections that finished a message, by account, until their next message or IDLE_MS. */
class IdleConnections {
  private readonly byAccount = new Map<string, IdleConnection[]>();

  take(key: string): IdleConnection | undefined {
    const kept = this.byAccount.get(key)?.pop();
    if (!kept) return undefined;
    this.release(key, kept);
    return kept;
  }

  keep(key: string, connection: SMTPConnection, messages: number): void {
    if (messages >= MAX_MESSAGES_PER_CONNECTION) return connection.quit();
    const kept: IdleConnection = {
      connection,
      messages,
      // Closed by the server meanwhile: never offered again.
      forget: () => {
        this.release(key, kept);
        connection.close();
      },
      timer: setTimeout(() => {
        this.release(key, kept);
        connection.quit();
      }, IDLE_MS),
    };
    connection.once('end', kept.forget);
    const list = this.byAccount.get(key) ?? [];
    list.push(kept);
    this.byAccount.set(key, list);
  }

  closeAll(): void {
    for (const [key, list] of this.byAccount) {
      for (const kept of [...list]) {
        this.release(key, kept);
        kept.connection.quit();
      }
    }
  }

  /** No longer kept: out of the list, its timer and listener gone. */
  private release(key: string, kept: IdleConnection): void {
    clearTimeout(kept.timer);
    kept.connection.off('end', kept.forget);
    const list = this.byAccount.get(key);
    if (!list) return;
    const index = list.indexOf(kept);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.byAccount.delete(key);
  }
}

interface SmtpFailure {
  code?: string;
  originalCode?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Reply codes that always mean our account: authentication required, too weak, or refused (RFC 4954). */
const AUTH_REPLY_CODES = new Set([530, 534, 535, 538]);

/**
 * Sorts a failed conversation by what it means for delivery; the caller bounces, retries, waits on the mailbox or
 * flags the send. `stage` is how far it got: a failure without a reply after the message data is `unknown`.
 */
export function classifySmtpFailure(error: unknown, stage: SmtpStage): Exclude<SmtpResult, { kind: 'sent' }> {
  if (error instanceof OutboundHostRefusedError) {
    return { kind: 'mailbox_error', code: null, response: replyLine(error.message) };
  }
  const failure = (error ?? {}) as SmtpFailure;
  const response = replyLine(failure.response ?? failure.message ?? String(error));
  const code = failure.responseCode;
  const command = (failure.command ?? '').toUpperCase();
  if (code !== undefined) {
    // An authentication reply is about our account whatever the command; 421 (the service is closing the channel)
    // means it took nothing, whatever the stage.
    const aboutTheRecipientOrMessage =
      (command.startsWith('RCPT') || command === 'DATA') && !AUTH_REPLY_CODES.has(code) && code !== 421;
    if (aboutTheRecipientOrMessage) {
      return code >= 500
        ? { kind: 'rejected_permanent', code, response }
        : { kind: 'rejected_temporary', code, response };
    }
    // Any other reply (at connect, EHLO, AUTH, MAIL FROM, or about our account): 5xx, the mailbox is wrong; 4xx, the
    // server is there but will not talk to us now.
    return code >= 500 ? { kind: 'mailbox_error', code, response } : { kind: 'connection_error', response };
  }
  if (stage === 'data_sent') return { kind: 'unknown', response };
  if (failure.code === 'EAUTH') return { kind: 'mailbox_error', code: null, response };
  if (isTlsFailure(failure)) return { kind: 'mailbox_error', code: null, response };
  return { kind: 'connection_error', response };
}

/** A TLS handshake or certificate failure: the mailbox's security setting or its server's certificate is wrong. */
function isTlsFailure(failure: SmtpFailure): boolean {
  if (failure.code === 'ETLS') return true;
  const system = failure.originalCode ?? failure.code ?? '';
  return /^ERR_(SSL|TLS)_|CERT|^UNABLE_TO_(GET|VERIFY)_/.test(system);
}

/**
 * Runs one step of the conversation: resolves with its callback, rejects with the first error — the callback's, or
 * one the connection emits on its own (a dropped socket, a timeout, a refused TLS handshake).
 */
function phase<T = void>(
  connection: SMTPConnection,
  run: (done: (error: Error | null | undefined, value?: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null | undefined, value?: T) => {
      if (settled) return;
      settled = true;
      connection.off('error', onError);
      connection.off('end', onEnd);
      if (error) reject(error);
      else resolve(value as T);
    };
    const onError = (error: Error) => finish(error);
    const onEnd = () => finish(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
    connection.on('error', onError);
    connection.once('end', onEnd);
    run(finish);
  });
}

/** The message with a DKIM-Signature header on top. */
async function signed(raw: Buffer, dkim: DkimKey): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of new DKIM({ ...dkim, headerFieldNames: DKIM_SIGNED_HEADERS }).sign(raw)) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
