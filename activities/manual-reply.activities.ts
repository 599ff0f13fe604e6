import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { sendManualReply, type ManualReplyOutcome } from '../src/domain/delivery/manual-reply-sender';
import { TransientSendError } from '../src/domain/delivery/send-errors';
import type { StepSenderDeps } from '../src/domain/delivery/step-sender';
import { MAX_TEMPORARY_REJECTIONS } from './send.activities';

/** The activities of operators' replies: one reply, exactly once (the idempotency key is the reply's row). */
export function createManualReplyActivities(deps: StepSenderDeps) {
  return {
    /** Sends the reply, or says why it waits or will not go; a recipient still answering 4xx ends it `failed`. */
    sendManualReply: async (args: { replyId: string }): Promise<ManualReplyOutcome> => {
      try {
        return await sendManualReply(deps, args.replyId);
      } catch (error) {
        if (!(error instanceof TransientSendError)) throw error;
        const { attempt } = Context.current().info;
        // The row is settled `failed` already: nothing was delivered, and nothing more is tried.
        if (attempt >= MAX_TEMPORARY_REJECTIONS) return { kind: 'failed', reason: error.message };
        throw ApplicationFailure.retryable(error.message, 'TransientSend');
      }
    },
  };
}
