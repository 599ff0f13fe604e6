import { proxyActivities, setCurrentDetails, sleep } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { SEND_ACTIVITY_OPTIONS } from '../send-activity';
import type { MessageResendInput, MessageResendResult } from './definitions';

type Activities = ReturnType<typeof createActivities>;

const mail = proxyActivities<Activities>(SEND_ACTIVITY_OPTIONS);

/**
 * An operator's resend of a message whose outcome was unknown: the step goes out once more, from the same mailbox
 * with the same Message-ID, waiting for its mailbox's rest and the sending window like any send.
 */
export async function messageResendWorkflow(input: MessageResendInput): Promise<MessageResendResult> {
  for (;;) {
    const outcome = await mail.resendStep({ enrollmentId: input.enrollmentId, position: input.position });
    switch (outcome.kind) {
      case 'deferred':
        setCurrentDetails(`waiting: ${outcome.reason}`);
        await sleep(Math.max(outcome.until - Date.now(), 1000));
        continue;
      case 'sent':
        return { outcome: 'sent', reason: null };
      case 'unknown':
        return { outcome: 'unknown', reason: outcome.reason };
      case 'stopped':
        return { outcome: outcome.status === 'bounced' ? 'bounced' : 'stopped', reason: outcome.reason };
      case 'held':
      case 'removed':
        return { outcome: 'stopped', reason: outcome.reason };
    }
  }
}
