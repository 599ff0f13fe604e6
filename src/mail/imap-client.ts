import { ImapFlow } from 'imapflow';
import type { ImapSecurity } from '../db/entities/mailbox.entity';
import { OutboundHostRefusedError, tlsServername, type OutboundHostPolicy } from './outbound-host-policy';
import { replyLine } from './reply-line';

export interface ImapAccount {
  host: string;
  port: number;
  security: ImapSecurity;
  username: string;
  password: string;
}

/** A folder as selected: UIDs are only comparable within one UIDVALIDITY. */
export interface FolderState {
  path: string;
  uidValidity: number;
  /** The UID the next message will get: every message now in the folder has a lower one. */
  uidNext: number;
}

export interface FetchedMail {
  uid: number;
  raw: Buffer;
  receivedAt: Date;
}

/** The login was refused: retrying will not help until the settings change. */
export class ImapAuthenticationError extends Error {
  override name = 'ImapAuthenticationError';
}

const TIMEOUTS = { connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 10 * 60_000 };

/** Names junk folders go by where the server does not flag them `\Junk` (SPECIAL-USE). */
const JUNK_NAMES = new Set(['junk', 'spam', 'junk e-mail', 'junk email', 'bulk mail', '[gmail]/spam']);

/**
 * One IMAP session over imapflow, with just what the mailbox monitor needs: the folders to watch, new UIDs, raw
 * messages, and waiting in IDLE. Automatic IDLE is off: the monitor decides when to wait, and breaks IDLE to read.
 */
export class ImapSession {
  private failure: Error | null = null;

  private constructor(private readonly client: ImapFlow) {
    // An 'error' event without a listener would crash the process; it is reported by the next command instead.
    client.on('error', (error: Error) => {
      this.failure = error;
    });
  }

  /**
   * Logs in to the account's server once `hosts` has vetted its host: the session connects to the vetted address
   * itself (no second lookup), with the host name kept for TLS. A refused host throws OutboundHostRefusedError before
   * any connection is made; every other failure is one line naming the server.
   */
  static async open(account: ImapAccount, hosts: Pick<OutboundHostPolicy, 'vet'>): Promise<ImapSession> {
    const where = `${account.host}:${account.port}`;
    let address: string;
    try {
      address = await hosts.vet(account.host);
    } catch (error) {
      if (error instanceof OutboundHostRefusedError) throw error;
      throw new Error(`Could not resolve IMAP host ${where}: ${describe(error)}`, { cause: error });
    }
    const servername = tlsServername(account.host);
    const client = new ImapFlow({
      host: address,
      ...(servername ? { servername } : {}),
      port: account.port,
      secure: account.security === 'tls',
      ...(account.security === 'starttls' ? { doSTARTTLS: true } : {}),
      ...(account.security === 'none' ? { doSTARTTLS: false } : {}),
      auth: { user: account.username, pass: account.password },
      logger: false,
      disableAutoIdle: true,
      ...TIMEOUTS,
    });
    try {
      // A server that greets and hangs up makes imapflow emit 'error' while connect() rejects too: without a
      // listener that event would crash the process. connect()'s rejection reports it.
      client.on('error', ignore);
      await client.connect();
      client.off('error', ignore);
    } catch (error) {
      client.close();
      if ((error as { authenticationFailed?: boolean }).authenticationFailed) {
        // The server's reason helps ("[ALERT] Application-specific password required"): one short line of it.
        const reason = replyLine((error as { responseText?: string }).responseText, 120);
        throw new ImapAuthenticationError(
          replyLine(
            `IMAP login as ${replyLine(account.username, 64)} on ${where} was refused; check the IMAP username and ` +
              `password${reason ? ` (the server said: ${reason})` : ''}`,
          ),
        );
      }
      throw new Error(`Could not connect to IMAP ${where}: ${describe(error)}`, { cause: error });
    }
    return new ImapSession(client);
  }

  /** INBOX, and the junk folder when there is one (replies and reports land there too). */
  async watchedFolders(): Promise<string[]> {
    const folders = await this.client.list();
    const junk =
      folders.find((folder) => folder.specialUse === '\\Junk') ??
      folders.find((folder) => JUNK_NAMES.has(folder.path.toLowerCase()));
    return junk ? ['INBOX', junk.path] : ['INBOX'];
  }

  async select(path: string): Promise<FolderState> {
    const mailbox = await this.client.mailboxOpen(path, { readOnly: true });
    return { path: mailbox.path, uidValidity: Number(mailbox.uidValidity), uidNext: mailbox.uidNext };
  }

  /** UIDs above `lastUid` in the selected folder, ascending. */
  async uidsAfter(lastUid: number): Promise<number[]> {
    const uids = (await this.client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || [];
    // `N:*` also matches the highest UID when every UID is below N (RFC 3501 §6.4.8): keep only the new ones.
    return uids.filter((uid) => uid > lastUid).sort((a, b) => a - b);
  }

  /** UIDs of messages received on or after `date`'s day (IMAP SINCE has day precision), ascending. */
  async uidsSince(date: Date): Promise<number[]> {
    const uids = (await this.client.search({ since: date }, { uid: true })) || [];
    return uids.sort((a, b) => a - b);
  }

  async fetch(uid: number): Promise<FetchedMail | null> {
    const message = await this.client.fetchOne(String(uid), { source: true, internalDate: true }, { uid: true });
    if (!message || !message.source) return null;
    const date = message.internalDate ? new Date(message.internalDate) : new Date();
    return { uid: message.uid, raw: message.source, receivedAt: Number.isNaN(date.getTime()) ? new Date() : date };
  }

  /**
   * Waits in IDLE on the selected folder until new mail arrives, `ms` pass, `abort` fires or the connection drops.
   * True when new mail arrived.
   */
  async waitForMail(ms: number, abort?: AbortSignal): Promise<boolean> {
    this.throwIfFailed();
    let arrived = false;
    const idling = this.client.idle();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('exists', onExists);
        this.client.off('close', done);
        abort?.removeEventListener('abort', done);
        resolve();
      };
      const onExists = () => {
        arrived = true;
        done();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.client.on('exists', onExists);
      this.client.on('close', done);
      abort?.addEventListener('abort', done);
      if (abort?.aborted) done();
    });
    // Any command ends IDLE; NOOP is the cheapest.
    if (this.client.usable) await this.client.noop();
    await idling;
    this.throwIfFailed();
    return arrived;
  }

  async close(): Promise<void> {
    try {
      if (this.client.usable) await this.client.logout();
    } catch {
      // Closing anyway.
    } finally {
      this.client.close();
    }
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
    if (!this.client.usable) throw new Error('The IMAP connection was closed by the server');
  }
}

function ignore(): void {}

/** The error and the server's answer, if any, as one short line: never the raw bytes the server sent. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return replyLine(error);
  const response = (error as { responseText?: string }).responseText;
  const code = (error as { code?: string }).code;
  return replyLine(
    [replyLine(error.message, 150), code, response && replyLine(response, 150)].filter(Boolean).join(' — '),
  );
}
