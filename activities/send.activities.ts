import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  PermanentSendError,
  sendStep,
  TransientSendError,
  type SendPurpose,
  type StepOutcome,
  type StepSenderDeps,
} from '../src/domain/delivery/step-sender';

/** A recipient's server still answering 4xx (or a step still too slow to render) after this many attempts, about
 * 21 minutes, ends the enrollment. */
export const MAX_TEMPORARY_REJECTIONS = 8;

/** The send activities: one step of one enrollment, exactly once (the idempotency key is the enrollment and step). */
export function createSendActivities(deps: StepSenderDeps) {
  return {
    /** The enrollment workflow's next step. */
    sendStep: (args: { enrollmentId: string; position: number }): Promise<StepOutcome> =>
      runSend(deps, args, 'sequence'),
    /** An operator's resend of a message whose outcome was unknown. */
    resendStep: (args: { enrollmentId: string; position: number }): Promise<StepOutcome> =>
      runSend(deps, args, 'resend'),
  };
}

async function runSend(
  deps: StepSenderDeps,
  args: { enrollmentId: string; position: number },
  purpose: SendPurpose,
): Promise<StepOutcome> {
  const context = Context.current();
  try {
    return await sendStep(deps, args.enrollmentId, args.position, purpose);
  } catch (error) {
    if (error instanceof PermanentSendError) throw ApplicationFailure.nonRetryable(error.message, error.type);
    if (error instanceof TransientSendError) {
      // Only 4xx replies and slow renders come back as these (an unreachable server is a wait): the retries here
      // are theirs.
      if (context.info.attempt >= MAX_TEMPORARY_REJECTIONS) {
        throw ApplicationFailure.nonRetryable(
          `gave up after ${context.info.attempt} attempts: ${error.message}`,
          error.giveUpType,
        );
      }
      throw ApplicationFailure.retryable(error.message, 'TransientSend');
    }
    throw error;
  }
}
