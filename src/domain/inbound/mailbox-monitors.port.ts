/** What the domain needs from Temporal for inbound mail: a running monitor per mailbox with IMAP settings. */
export interface MailboxMonitorsPort {
  /** Starts the monitor of each mailbox unless it is already running; idempotent. */
  watch(mailboxIds: string[]): Promise<void>;
}
