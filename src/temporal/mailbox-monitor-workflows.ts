import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { Database } from '../db/repositories';
import { mapConcurrently } from '../concurrency';
import type { MailboxMonitorsPort } from '../domain/inbound/mailbox-monitors.port';
import {
  MAILBOX_MONITOR_WORKFLOW_TYPE,
  mailboxMonitorWorkflowId,
  type MailboxMonitorInput,
} from '../../workflows/mailbox-monitor/definitions';
import type { mailboxMonitorWorkflow } from '../../workflows/mailbox-monitor/workflow';

/** How many monitor starts are kept in flight at once. */
const START_CONCURRENCY = 8;

/** Starts mailbox monitors through a Temporal client. */
export class TemporalMailboxMonitors implements MailboxMonitorsPort {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async watch(mailboxIds: string[]): Promise<void> {
    await mapConcurrently(mailboxIds, START_CONCURRENCY, async (mailboxId) => {
      const input: MailboxMonitorInput = { version: 1, mailboxId };
      await this.client.workflow.start<typeof mailboxMonitorWorkflow>(MAILBOX_MONITOR_WORKFLOW_TYPE, {
        workflowId: mailboxMonitorWorkflowId(mailboxId),
        taskQueue: this.taskQueue,
        args: [input],
        // One monitor per mailbox: a running one is kept; one that ended (IMAP settings removed) may start again.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        staticSummary: `Mailbox monitor for ${mailboxId}`,
      });
    });
  }
}

/** Makes sure every mailbox with IMAP settings has its monitor; run at worker start. Returns how many it checked. */
export async function resumeMailboxMonitors(client: Client, db: Database, taskQueue: string): Promise<number> {
  const mailboxIds = await db.repos.mailboxes.withImap();
  await new TemporalMailboxMonitors(client, taskQueue).watch(mailboxIds);
  return mailboxIds.length;
}
