import type { MessageEntity } from '../../db/entities/message.entity';
import type { Repositories } from '../../db/repositories';
import type { SendPurpose } from './send-attempt';
import { recordProgress } from './send-settlement';
import { stopped, unknownOutcome, type NextStep, type StepOutcome } from './step-outcome';

/**
 * The outcome of an earlier attempt at this step, if it settled (or crashed) — null when a send may proceed. Read
 * in the claim, with the enrollment locked. A row still `sending` is an attempt that died mid-send: flagged
 * `unknown` (in the claim's transaction), never sent again. A row `sent` has its consequences recorded again, in
 * case its attempt died before it could. A resend proceeds from `unknown` (the operator decided), and has nothing to
 * do without a message.
 */
export async function outcomeOfEarlierAttempt(
  repos: Repositories,
  earlier: MessageEntity | null,
  purpose: SendPurpose,
  next: NextStep,
): Promise<StepOutcome | null> {
  if (purpose === 'resend' && (earlier?.status === 'unknown' || earlier?.status === 'failed')) return null;
  switch (earlier?.status) {
    case undefined:
      return purpose === 'resend' ? stopped('stopped', 'there is no message to resend') : null;
    case 'failed': // nothing was delivered: try again
      return null;
    case 'sent': {
      const sentAt = earlier.sentAt ?? earlier.updatedAt;
      if (purpose === 'sequence') {
        // The settle records these after the row, outside its transaction: the attempt may have died in between.
        const { enrollmentId, stepPosition: position, mailboxId } = earlier;
        await recordProgress(repos, { enrollmentId, position, mailboxId, next, at: sentAt });
        await repos.mailboxes.abandonRestingSend(earlier.mailboxId, earlier.messageId);
      }
      return { kind: 'sent', sentAt: sentAt.getTime(), messageId: earlier.messageId, next };
    }
    case 'sending':
      await repos.messages.flagUnknown(earlier.enrollmentId, earlier.stepPosition);
      await repos.mailboxes.abandonRestingSend(earlier.mailboxId, earlier.messageId);
      // It may have arrived: the conversation stays on this mailbox, as after a send.
      if (purpose === 'sequence') {
        await repos.enrollments.recordSend(earlier.enrollmentId, earlier.stepPosition, earlier.mailboxId);
      }
      return unknownOutcome(earlier.stepPosition, { next });
    case 'unknown':
      return unknownOutcome(earlier.stepPosition, { next });
    case 'bounced':
      return stopped('bounced', earlier.smtpResponse ?? 'hard bounce');
  }
}
