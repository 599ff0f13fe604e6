import { continueAsNew, proxyActivities, setCurrentDetails, sleep, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { SEND_ACTIVITY_OPTIONS } from '../send-activity';
import type { ManualReplyInput, ManualReplyResult } from './definitions';

type Activities = ReturnType<typeof createActivities>;

const mail = proxyActivities<Activities>(SEND_ACTIVITY_OPTIONS);

/**
 * An operator's reply in a conversation: sent once from the conversation's mailbox, waiting while that mailbox is
 * disabled, in error or its server unreachable. The activity is idempotent per reply row (claimed before SMTP,
 * settled after, flagged unknown if a send was interrupted), so a retry never sends it twice.
 */
export async function manualReplyWorkflow(input: ManualReplyInput): Promise<ManualReplyResult> {
  for (;;) {
    const outcome = await mail.sendManualReply({ replyId: input.replyId });
    if (outcome.kind !== 'deferred') return { outcome: outcome.kind, reason: outcome.reason };
    setCurrentDetails(`waiting: ${outcome.reason}`);
    await sleep(Math.max(outcome.until - Date.now(), 1000));
    // A mailbox broken for months: its history starts afresh rather than grow without end.
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof manualReplyWorkflow>(input);
  }
}
