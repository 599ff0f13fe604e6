import { performance } from 'node:perf_hooks';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Database } from '../../db/repositories';
import type { SecretBox } from '../../crypto/secret-box';
import type { SmtpClient } from '../../mail/smtp';
import { replyLine } from '../../mail/reply-line';
import { smtpAccountOf } from '../delivery/outgoing-message';
import type { ImapSession } from '../../mail/imap-client';
import { imapAccountOf, type ImapSessionOpener } from '../inbound/mailbox-reader';
import { recordImapFailure } from '../inbound/mailbox-health';

/** How one protocol's check went: the server's answer (or the error, one line) and how long it took. */
export interface ProtocolCheck {
  ok: boolean;
  response: string;
  latencyMs: number;
}

/** What `POST /mailboxes/{id}/check` found; `imap` is null when the mailbox has no IMAP settings. */
export interface MailboxCheck {
  mailboxId: string;
  checkedAt: Date;
  smtp: ProtocolCheck;
  imap: ProtocolCheck | null;
}

/** The longest an IMAP check may take: its session's own timeouts bound each silence, not the whole. */
const IMAP_CHECK_MS = 30_000;

export interface MailboxCheckerDeps {
  db: Database;
  secrets: SecretBox;
  smtp: Pick<SmtpClient, 'check'>;
  /** Bound to the outbound host policy by the composition root, as the mailbox monitor's is. */
  openSession: ImapSessionOpener;
}

/**
 * Tests a mailbox's accounts on demand, through the adapters the send path and the mailbox monitor use, so the
 * outbound host policy vets each host first (a refused host answers the refusal, nothing connects): SMTP connects,
 * negotiates TLS per its settings and logs in, then quits; IMAP logs in and selects INBOX. The outcome is recorded:
 * SMTP's in smtp_check_*, IMAP's in imap_status/imap_error/imap_checked_at as the monitor records its sessions.
 * A check never changes the mailbox's status: a refused login (535) found here is reported, and the send path puts
 * the mailbox in `error` at its next send as it does for any 535; a check that succeeds does not re-enable one
 * either (PATCH does).
 */
export class MailboxChecker {
  constructor(private readonly deps: MailboxCheckerDeps) {}

  async check(mailbox: MailboxEntity): Promise<MailboxCheck> {
    const checkedAt = new Date();
    const [smtp, imap] = await Promise.all([
      this.checkSmtp(mailbox),
      mailbox.imapHost ? this.checkImap(mailbox) : null,
    ]);
    const { repos } = this.deps.db;
    await repos.mailboxAdmin.recordSmtpCheck(mailbox.id, { ok: smtp.ok, response: smtp.response, at: checkedAt });
    if (imap?.ok) await repos.mailboxes.recordImapStatus(mailbox.id, null);
    else if (imap) await recordImapFailure(this.deps.db, mailbox, imap.response);
    return { mailboxId: mailbox.id, checkedAt, smtp, imap };
  }

  private async checkSmtp(mailbox: MailboxEntity): Promise<ProtocolCheck> {
    const started = performance.now();
    const result = await this.deps.smtp.check(smtpAccountOf(mailbox, this.deps.secrets));
    return { ok: result.ok, response: result.response, latencyMs: elapsed(started) };
  }

  private async checkImap(mailbox: MailboxEntity): Promise<ProtocolCheck> {
    const started = performance.now();
    // The session is closed when the check ends, on time or not; one that opens after the deadline closes at once.
    const held: { session?: ImapSession; expired?: boolean } = {};
    let timer: NodeJS.Timeout | undefined;
    const login = async () => {
      const session = await this.deps.openSession(imapAccountOf(mailbox, this.deps.secrets));
      if (held.expired) return void (await session.close());
      held.session = session;
      const inbox = await session.select('INBOX');
      return `logged in; ${inbox.path} selected (UIDVALIDITY ${inbox.uidValidity}, UIDNEXT ${inbox.uidNext})`;
    };
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${IMAP_CHECK_MS / 1000} s`)), IMAP_CHECK_MS);
    });
    const checking = login();
    checking.catch(() => undefined); // after the deadline its failure (its session closed under it) is no news
    try {
      const response = await Promise.race([checking, timeout]);
      return { ok: true, response: response ?? '', latencyMs: elapsed(started) };
    } catch (error) {
      // One line, never the raw bytes a server sent (as the monitor records its failures).
      const response = replyLine(error) || 'the IMAP session failed without an error message';
      return { ok: false, response, latencyMs: elapsed(started) };
    } finally {
      clearTimeout(timer);
      held.expired = true;
      await held.session?.close();
    }
  }
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
