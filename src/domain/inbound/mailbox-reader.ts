import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Database } from '../../db/repositories';
import type { SecretBox } from '../../crypto/secret-box';
import type { Logger } from '../../logger';
import type { ImapAccount, ImapSession } from '../../mail/imap-client';
import { replyLine } from '../../mail/reply-line';
import type { InboundMailService } from './inbound-mail.service';
import { recordImapFailure } from './mailbox-health';

/** What one watch session did (the mailbox monitor workflow's activity result). */
export type WatchOutcome =
  | { kind: 'watched'; processed: number }
  /** The mailbox was deleted or lost its IMAP settings: the monitor ends. */
  | { kind: 'not_monitored'; reason: string };

/** Asked by the send path before a follow-up: has a reply arrived since the monitor last looked? */
export interface ReplyCheck {
  /** Reads the mailbox's new mail now; never throws (the monitor will read it anyway). */
  checkForReplies(mailbox: MailboxEntity): Promise<void>;
}

export interface MailboxReaderDeps {
  db: Database;
  secrets: SecretBox;
  inbound: InboundMailService;
  logger: Logger;
  openSession: ImapSessionOpener;
}

/**
 * Logs in to a mailbox's IMAP account, its host vetted first (the composition root binds ImapSession.open to the
 * outbound host policy); throws when the host is refused or the session cannot open.
 */
export type ImapSessionOpener = (account: ImapAccount) => Promise<ImapSession>;

/** How long a session waits in IDLE before looking at the other folders (junk) again. */
const POLL_MS = 30_000;
/** The just-in-time check before a follow-up may delay it this long at most. */
const CHECK_TIMEOUT_MS = 10_000;
/** Messages read per folder in one pass, so a huge backlog still lets the session heartbeat and wait. */
const BATCH = 500;
/** A folder seen for the first time, or with a new UIDVALIDITY, is read back this far by date. */
const RESCAN_MS = 24 * 3_600_000;

/**
 * Reads a mailbox's INBOX and junk folder over IMAP into the inbound service, from a durable cursor per folder:
 * only UIDs above the cursor are read, and a changed UIDVALIDITY (the server renumbered the folder) rescans by date,
 * the service skipping what it already recorded.
 */
export class MailboxReader implements ReplyCheck {
  constructor(private readonly deps: MailboxReaderDeps) {}

  /**
   * One watch session: reads new mail, waits in IDLE (or polls), and repeats for `forMs` or until `abort`.
   * Connection and login failures are recorded on the mailbox, then thrown for the caller to retry with backoff.
   */
  async watch(mailboxId: string, options: { forMs: number; abort?: AbortSignal }): Promise<WatchOutcome> {
    const mailbox = await this.deps.db.repos.mailboxes.findById(mailboxId);
    if (!mailbox) return { kind: 'not_monitored', reason: 'the mailbox was deleted' };
    if (!mailbox.imapHost) return { kind: 'not_monitored', reason: 'the mailbox has no IMAP settings' };
    const session = await this.connect(mailbox);
    const until = Date.now() + options.forMs;
    let processed = 0;
    try {
      const folders = await session.watchedFolders(); // once per session: folders rarely change
      while (!options.abort?.aborted && Date.now() < until) {
        processed += await this.readFolders(mailbox, session, folders);
        await session.select('INBOX');
        await session.waitForMail(Math.min(POLL_MS, until - Date.now()), options.abort);
      }
    } catch (error) {
      await this.recordFailure(mailbox, error);
      throw error;
    } finally {
      await session.close();
    }
    return { kind: 'watched', processed };
  }

  async checkForReplies(mailbox: MailboxEntity): Promise<void> {
    if (!mailbox.imapHost) return;
    const mailboxId = mailbox.id;
    // The session is closed when the check ends, on time or not; one that opens after the deadline closes at once.
    const held: { session?: ImapSession; expired?: boolean } = {};
    let timer: NodeJS.Timeout | undefined;
    const check = async () => {
      const session = await this.connect(mailbox);
      if (held.expired) return session.close();
      held.session = session;
      await this.readFolders(mailbox, session, await session.watchedFolders());
    };
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    const checking = check();
    checking.catch(() => undefined); // after the deadline its failure (its session closed under it) is no news
    try {
      await Promise.race([checking, timeout]);
    } catch (error) {
      this.deps.logger.warn({ err: error, mailboxId }, 'reply check before a follow-up failed; sending anyway');
    } finally {
      clearTimeout(timer);
      held.expired = true;
      await held.session?.close();
    }
  }

  private async connect(mailbox: MailboxEntity): Promise<ImapSession> {
    try {
      const session = await this.deps.openSession(imapAccountOf(mailbox, this.deps.secrets));
      await this.deps.db.repos.mailboxes.recordImapStatus(mailbox.id, null);
      return session;
    } catch (error) {
      await this.recordFailure(mailbox, error);
      throw error;
    }
  }

  private async recordFailure(mailbox: MailboxEntity, error: unknown): Promise<void> {
    // Shown to the tenant on the mailbox: one line, never the raw bytes a server sent.
    const message = replyLine(error) || 'the IMAP session failed without an error message';
    this.deps.logger.warn({ mailboxId: mailbox.id, err: error }, 'IMAP session failed; retrying with backoff');
    await recordImapFailure(this.deps.db, mailbox, message).catch(() => undefined);
  }

  /** Reads these folders; returns how many messages were read. */
  private async readFolders(mailbox: MailboxEntity, session: ImapSession, folders: string[]): Promise<number> {
    let processed = 0;
    for (const folder of folders) processed += await this.readFolder(mailbox, session, folder);
    return processed;
  }

  private async readFolder(mailbox: MailboxEntity, session: ImapSession, folder: string): Promise<number> {
    const { inbound } = this.deps.db.repos;
    const state = await session.select(folder);
    const cursor = await inbound.cursor(mailbox.id, folder);
    const continuing = cursor !== null && cursor.uidValidity === state.uidValidity;
    const since = new Date((cursor?.updatedAt ?? mailbox.createdAt).getTime() - RESCAN_MS);
    // Continuing, a backlog is read in batches; a rescan reads its whole day at once (its cursor jumps after it).
    const uids = continuing
      ? (await session.uidsAfter(cursor.lastUid)).slice(0, BATCH)
      : await session.uidsSince(since);
    if (!continuing) {
      this.deps.logger.info(
        { mailboxId: mailbox.id, folder, uidValidity: state.uidValidity, since, messages: uids.length },
        cursor ? 'UIDVALIDITY changed: rescanning the folder by date' : 'reading a new folder from the last day',
      );
    }
    for (const uid of uids) {
      const mail = await session.fetch(uid);
      if (mail) await this.deps.inbound.handle(mailbox, { raw: mail.raw, folder, receivedAt: mail.receivedAt });
      await inbound.advanceCursor(mailbox.id, folder, state.uidValidity, uid);
    }
    // A rescan starts the new numbering after everything in the folder now: the date search covered what matters.
    if (!continuing) await inbound.advanceCursor(mailbox.id, folder, state.uidValidity, state.uidNext - 1);
    return uids.length;
  }
}

export function imapAccountOf(mailbox: MailboxEntity, secrets: SecretBox): ImapAccount {
  return {
    host: mailbox.imapHost!,
    port: mailbox.imapPort!,
    security: mailbox.imapSecurity ?? (mailbox.imapPort === 993 ? 'tls' : 'starttls'),
    username: mailbox.imapUsername!,
    password: secrets.decrypt(mailbox.imapPasswordEncrypted!),
  };
}
