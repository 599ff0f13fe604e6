/** Workflow input: the mailbox only, versioned so old histories keep replaying. */
export interface MailboxMonitorInput {
  version: 1;
  mailboxId: string;
  /** Carried across continue-as-new; absent on the first run. */
  progress?: MailboxMonitorProgress;
}

export interface MailboxMonitorProgress {
  /** Inbound messages read (of every kind) since the monitor first started. */
  processed: number;
  /** Watch sessions completed since the monitor first started. */
  sessions: number;
}

/** What one watch session (one activity run) did. */
export type WatchOutcome =
  | { kind: 'watched'; processed: number }
  /** The mailbox was deleted or lost its IMAP settings: the monitor ends. */
  | { kind: 'not_monitored'; reason: string };

export interface MailboxMonitorResult extends MailboxMonitorProgress {
  reason: string;
}

export const MAILBOX_MONITOR_WORKFLOW_TYPE = 'mailboxMonitorWorkflow';

/** The business id: one monitor per mailbox, so starting it twice never runs two. */
export function mailboxMonitorWorkflowId(mailboxId: string): string {
  return `mailbox-monitor-${mailboxId}`;
}
