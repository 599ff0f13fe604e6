import { continueAsNew, proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { createInboundActivities } from '../../activities/inbound.activities';
import { mailboxSessionTaskQueue, type MailboxMonitorInput, type MailboxMonitorResult } from './definitions';

type InboundActivities = ReturnType<typeof createInboundActivities>;

/** How long one watch session holds its IMAP connection before handing back to the workflow. */
const SESSION_MS = 5 * 60_000;
/** Sessions per run before continuing as new, so the history stays short even if the server never suggests it. */
const SESSIONS_PER_RUN = 100;

/**
 * Watches one mailbox for replies, auto-replies, bounce reports and complaints, as long as it has IMAP settings.
 * The work is all in the activity; the workflow keeps it running, durably, one session after another.
 */
export async function mailboxMonitorWorkflow(input: MailboxMonitorInput): Promise<MailboxMonitorResult> {
  const progress = input.progress ?? { processed: 0, sessions: 0 };
  /**
   * An IMAP session: reads new mail, then waits in IDLE. It heartbeats, so a worker that dies is noticed in 30 s and
   * another worker takes over from the durable cursor. Failures (login refused, server down) are retried with
   * backoff up to every 5 minutes, forever: the mailbox shows the error until its settings or its server are fixed.
   */
  const imap = proxyActivities<InboundActivities>({
    taskQueue: mailboxSessionTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  for (let session = 1; ; session++) {
    setCurrentDetails(`watching; ${progress.processed} message(s) read in ${progress.sessions} session(s)`);
    const outcome = await imap.watchMailbox({ mailboxId: input.mailboxId, forMs: SESSION_MS });
    if (outcome.kind === 'not_monitored') return { ...progress, reason: outcome.reason };
    progress.processed += outcome.processed;
    progress.sessions += 1;
    if (session >= SESSIONS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof mailboxMonitorWorkflow>({ ...input, progress });
    }
  }
}
