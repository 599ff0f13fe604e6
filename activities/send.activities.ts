import { ApplicationFailure } from '@temporalio/common';
import {
  PermanentSendError,
  sendStep,
  TransientSendError,
  type StepOutcome,
  type StepSenderDeps,
} from '../src/domain/delivery/step-sender';

/** The send activity: one step of one enrollment, exactly once (the idempotency key is the enrollment and step). */
export function createSendActivities(deps: StepSenderDeps) {
  return {
    async sendStep(args: { enrollmentId: string; position: number }): Promise<StepOutcome> {
      try {
        return await sendStep(deps, args.enrollmentId, args.position);
      } catch (error) {
        if (error instanceof PermanentSendError) throw ApplicationFailure.nonRetryable(error.message, error.type);
        if (error instanceof TransientSendError) throw ApplicationFailure.retryable(error.message, 'TransientSend');
        throw error;
      }
    },
  };
}
