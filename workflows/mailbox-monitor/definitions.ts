// A watch session's result is the activity's, made by the domain code it runs (MailboxReader.watch).
import type { WatchOutcome } from '../../activities/inbound.activities';

export type { WatchOutcome };

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

export interface MailboxMonitorResult extends MailboxMonitorProgress {
  reason: string;
}

export const MAILBOX_MONITOR_WORKFLOW_TYPE = 'mailboxMonitorWorkflow';

/**
 * IMAP sessions run on a task queue of their own, beside the workflows' one: each holds its activity slot for minutes,
 * so on the shared queue a few hundred mailboxes would take every slot the sends need.
 */
export function mailboxSessionTaskQueue(taskQueue: string): string {
  return `${taskQueue}-mailbox-sessions`;
}

/** The business id: one monitor per mailbox, so starting it twice never runs two. */
export function mailboxMonitorWorkflowId(mailboxId: string): string {
  return `mailbox-monitor-${mailboxId}`;
}
