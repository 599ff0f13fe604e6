import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { AliasColumn } from './alias-column';

export const SMTP_SECURITIES = ['tls', 'starttls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITIES)[number];
/**
 * `disabled`: its bounce rate crossed the threshold (re-enabled by a user); `error`: its SMTP server refused the
 * account itself (login, TLS, sender, host policy) and it waits for new settings or a re-enable.
 */
export const MAILBOX_STATUSES = ['active', 'disabled', 'error'] as const;
export type MailboxStatus = (typeof MAILBOX_STATUSES)[number];
export const IMAP_SECURITIES = ['tls', 'starttls', 'none'] as const;
export type ImapSecurity = (typeof IMAP_SECURITIES)[number];
/** How the mailbox monitor's last IMAP session went; null until it has tried. */
export const IMAP_STATUSES = ['connected', 'error'] as const;
export type ImapStatus = (typeof IMAP_STATUSES)[number];

/** A sending account of an organization, shared by every campaign that links it. */
@Entity('mailboxes')
@Index('mailboxes_organization_id_smtp_host_smtp_username_key', ['organizationId', 'smtpHost', 'smtpUsername'], {
  unique: true,
})
export class MailboxEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The Smartlead-compatible API's integer id of this row (read-only, generated). */
  @AliasColumn()
  alias!: number;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text', nullable: true })
  label!: string | null;

  @Column({ name: 'smtp_host', type: 'text' })
  smtpHost!: string;

  @Column({ name: 'smtp_port', type: 'integer' })
  smtpPort!: number;

  @Column({ name: 'smtp_security', type: 'text' })
  smtpSecurity!: SmtpSecurity;

  @Column({ name: 'smtp_username', type: 'text' })
  smtpUsername!: string;

  /** AES-256-GCM ciphertext; never returned by the API. */
  @Column({ name: 'smtp_password_encrypted', type: 'text' })
  smtpPasswordEncrypted!: string;

  @Column({ name: 'from_email', type: 'text' })
  fromEmail!: string;

  @Column({ name: 'from_name', type: 'text', nullable: true })
  fromName!: string | null;

  @Column({ name: 'imap_host', type: 'text', nullable: true })
  imapHost!: string | null;

  @Column({ name: 'imap_port', type: 'integer', nullable: true })
  imapPort!: number | null;

  @Column({ name: 'imap_username', type: 'text', nullable: true })
  imapUsername!: string | null;

  @Column({ name: 'imap_password_encrypted', type: 'text', nullable: true })
  imapPasswordEncrypted!: string | null;

  /** Null with IMAP settings means the port decides: 993 is implicit TLS, any other STARTTLS. */
  @Column({ name: 'imap_security', type: 'text', nullable: true })
  imapSecurity!: ImapSecurity | null;

  @Column({ name: 'imap_status', type: 'text', nullable: true })
  imapStatus!: ImapStatus | null;

  /** The last IMAP failure (login refused, unreachable…), kept until a session succeeds. */
  @Column({ name: 'imap_error', type: 'text', nullable: true })
  imapError!: string | null;

  @Column({ name: 'imap_checked_at', type: 'timestamptz', nullable: true })
  imapCheckedAt!: Date | null;

  /** DKIM signing (all three or none): d= domain, s= selector, and the private key, encrypted like the passwords. */
  @Column({ name: 'dkim_domain', type: 'text', nullable: true })
  dkimDomain!: string | null;

  @Column({ name: 'dkim_selector', type: 'text', nullable: true })
  dkimSelector!: string | null;

  @Column({ name: 'dkim_private_key_encrypted', type: 'text', nullable: true })
  dkimPrivateKeyEncrypted!: string | null;

  @Column({ name: 'daily_limit', type: 'integer' })
  dailyLimit!: number;

  /**
   * The IANA zone its daily limit counts days in: that of the campaign it was first saved with, so campaigns in
   * other zones that share it cannot each fill a day of their own.
   */
  @Column({ type: 'text', default: 'UTC' })
  timezone!: string;

  @Column({ type: 'text', default: 'active' })
  status!: MailboxStatus;

  /** The mailbox may not send before this instant: the random gap after its last send (null = free). */
  @Column({ name: 'next_send_at', type: 'timestamptz', nullable: true })
  nextSendAt!: Date | null;

  /**
   * The mailbox is transmitting a message (this Message-ID) whose rest must follow it; at the latest until
   * `sendingUntil` (the send's time bound), when a send cut short by a crash stops holding it. Null when it is not.
   */
  @Column({ name: 'sending_message_id', type: 'text', nullable: true })
  sendingMessageId!: string | null;

  @Column({ name: 'sending_until', type: 'timestamptz', nullable: true })
  sendingUntil!: Date | null;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  /** The SMTP reply (one line) that put the mailbox in `error`, and when. */
  @Column({ name: 'smtp_error', type: 'text', nullable: true })
  smtpError!: string | null;

  @Column({ name: 'smtp_error_at', type: 'timestamptz', nullable: true })
  smtpErrorAt!: Date | null;

  /** HTML, a Liquid template: appended to every step sent from the mailbox, or placed by `{{ sender.signature }}`. */
  @Column({ type: 'text', nullable: true })
  signature!: string | null;

  /**
   * The warm-up ramp: while enabled, new conversations a day are at most
   * min(daily_limit, target, start + increment × days since `warmupStartedAt`, in its zone). Start, increment and
   * start time are set whenever it is enabled (mailboxes_warmup_check); a null target means daily_limit.
   */
  @Column({ name: 'warmup_enabled', type: 'boolean', default: false })
  warmupEnabled!: boolean;

  @Column({ name: 'warmup_start_limit', type: 'integer', nullable: true })
  warmupStartLimit!: number | null;

  @Column({ name: 'warmup_daily_increment', type: 'integer', nullable: true })
  warmupDailyIncrement!: number | null;

  @Column({ name: 'warmup_target_limit', type: 'integer', nullable: true })
  warmupTargetLimit!: number | null;

  @Column({ name: 'warmup_started_at', type: 'timestamptz', nullable: true })
  warmupStartedAt!: Date | null;

  /** The last `POST /mailboxes/{id}/check` of SMTP: whether it logged in, the server's answer or the error, when. */
  @Column({ name: 'smtp_check_ok', type: 'boolean', nullable: true })
  smtpCheckOk!: boolean | null;

  @Column({ name: 'smtp_check_response', type: 'text', nullable: true })
  smtpCheckResponse!: string | null;

  @Column({ name: 'smtp_checked_at', type: 'timestamptz', nullable: true })
  smtpCheckedAt!: Date | null;

  /** The bounce-rate window counts sends from here on: re-enabling a disabled mailbox starts it afresh. */
  @Column({ name: 'health_since', type: 'timestamptz', nullable: true })
  healthSince!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
