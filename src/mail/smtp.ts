import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { SmtpSecurity } from '../db/entities/mailbox.entity';
import type { ComposedMessage } from './compose';

export interface SmtpAccount {
  /** The mailbox: one pooled transport each, replaced when its settings change. */
  id: string;
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

/** What happened to one send; expected failures are values, not exceptions. */
export type SmtpResult =
  | { kind: 'sent'; response: string }
  /** The server refused the recipient or the message with a 5xx: a hard bounce. */
  | { kind: 'rejected_permanent'; code: number; response: string }
  /** 4xx, or a 5xx about our side (authentication, sender): nothing was delivered; try again later. */
  | { kind: 'rejected_temporary'; code: number | null; response: string }
  /** No conversation reached the message data: nothing was delivered. */
  | { kind: 'connection_error'; response: string }
  /** The connection broke after the message data was sent: it may or may not have been delivered. */
  | { kind: 'unknown'; response: string };

/** One pooled nodemailer transport per mailbox, reused across sends and closed on shutdown. */
export class SmtpTransports {
  private readonly transports = new Map<string, { settings: string; transport: Transporter }>();

  /** Sends the composed bytes as they are, DKIM-signed with `dkim` when given. */
  async send(account: SmtpAccount, message: ComposedMessage, dkim: DkimKey | null = null): Promise<SmtpResult> {
    try {
      const info = (await this.transportFor(account).sendMail({
        envelope: message.envelope,
        raw: message.raw,
        ...(dkim ? { dkim: { ...dkim, headerFieldNames: DKIM_SIGNED_HEADERS } } : {}),
      })) as { response?: string };
      return { kind: 'sent', response: info.response ?? '' };
    } catch (error) {
      return classifySmtpError(error);
    }
  }

  close(): void {
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
  }

  private transportFor(account: SmtpAccount): Transporter {
    // Keyed by the settings themselves, not the mailbox row's update time: sends and IMAP checks touch the row.
    const { id, ...connection } = account;
    const settings = JSON.stringify(connection);
    const cached = this.transports.get(id);
    if (cached?.settings === settings) return cached.transport;
    cached?.transport.close();
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 2,
      host: account.host,
      port: account.port,
      secure: account.security === 'tls',
      requireTLS: account.security === 'starttls',
      ignoreTLS: account.security === 'none',
      auth: { user: account.username, pass: account.password },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    this.transports.set(id, { settings, transport });
    return transport;
  }
}

interface NodemailerError {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Sorts a nodemailer failure by what it means for delivery: the caller decides to bounce, retry or flag. */
export function classifySmtpError(error: unknown): SmtpResult {
  const failure = (error ?? {}) as NodemailerError;
  const response = failure.response ?? failure.message ?? String(error);
  const code = failure.responseCode;
  const command = (failure.command ?? '').toUpperCase();
  if (code !== undefined) {
    const aboutTheRecipientOrMessage = command.startsWith('RCPT') || command === 'DATA' || failure.code === 'EENVELOPE';
    if (code >= 500 && aboutTheRecipientOrMessage) return { kind: 'rejected_permanent', code, response };
    return { kind: 'rejected_temporary', code, response };
  }
  // Without a reply code, only a failure after the DATA payload leaves the outcome in doubt.
  if (command === 'DATA' || failure.code === 'ESTREAM' || (failure.code === 'ETIMEDOUT' && command === '')) {
    return { kind: 'unknown', response };
  }
  return { kind: 'connection_error', response };
}
