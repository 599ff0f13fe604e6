import type { SendContext } from '../../db/repositories/send-context.repository';
import type { SequenceStepEntity } from '../../db/entities/sequence-step.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import { renderStep, StepMergeFieldError, StepTemplateError, threadedSubject } from '../campaigns/step-content';
import type { Draft } from './send-attempt';
import { PermanentSendError, TransientSendError } from './send-errors';

/**
 * Renders the step for its contact, seeded by the enrollment so every attempt renders the same variant and text as
 * its preview, signed with the sending mailbox's `signature` (see renderStep). A step that cannot render for this
 * contact fails for good; a render that ran out of time (a busy worker) is retried.
 */
export function draftStep(
  { enrollment, variants, thread }: Pick<SendContext, 'enrollment' | 'variants' | 'thread'>,
  step: SequenceStepEntity,
  contact: ContactEntity,
  signature: string | null,
): Draft {
  try {
    const content = renderStep({ step, variants, seedId: enrollment.id, merge: { contact }, signature });
    return {
      content,
      subject: threadedSubject(content.subject, thread[0]?.subject),
      thread: thread.map((message) => message.messageId),
    };
  } catch (error) {
    throw asSendError(error);
  }
}

function asSendError(error: unknown): unknown {
  if (error instanceof StepMergeFieldError) {
    return new PermanentSendError(
      error.problem === 'missing' ? 'MissingMergeField' : 'UnsafeMergeField',
      error.message,
    );
  }
  if (!(error instanceof StepTemplateError)) return error;
  if (error.reason.limit === 'time')
    return new TransientSendError(`Rendering took too long: ${error.message}`, 'TemplateTooSlow');
  const type = error.problem === 'limit' ? 'TemplateLimitExceeded' : 'InvalidTemplate';
  return new PermanentSendError(type, `${error.message}; correct the step's template`);
}
