import type { MessageEntity } from '../../db/entities/message.entity';
import type { Database } from '../../db/repositories';
import { composeMessage, UnsendableMessageError, type ComposedMessage } from '../../mail/compose';
import { metrics } from '../../metrics';
import {
  renderStep,
  StepMergeFieldError,
  StepTemplateError,
  threadedSubject,
  type RenderedStep,
} from '../campaigns/step-content';
import { dkimKeyOf, outgoingMessage, smtpAccountOf } from './outgoing-message';
import { rowOf, type LoadedStep, type SendAttempt, type SendPurpose, type StepSenderDeps } from './send-attempt';
import { claimSend } from './send-claim';
import { endSend, settle } from './send-settlement';
import { PermanentSendError, TransientSendError } from './send-errors';
import { screenEnrollment } from './step-screening';
import { stopped, unknownOutcome, type StepOutcome } from './step-outcome';

export { PermanentSendError, TransientSendError } from './send-errors';
export type { StepOutcome } from './step-outcome';
export type { SendPurpose, StepSenderDeps } from './send-attempt';

/**
 * Sends one step of one enrollment exactly once, in stages: an earlier attempt's outcome → load and screen →
 * render → claim → compose → transmit → settle. The outbox row is claimed (`sending`) before SMTP and settled
 * after; a retry after a settled send returns the stored result, and a row found still `sending` (the process
 * died mid-send) is flagged `unknown` instead of being sent again.
 */
export async function sendStep(
  deps: StepSenderDeps,
  enrollmentId: string,
  position: number,
  purpose: SendPurpose = 'sequence',
): Promise<StepOutcome> {
  const { db } = deps;
  const earlier = await db.repos.messages.findByStep(enrollmentId, position);
  const settled = await outcomeOfEarlierAttempt(db, earlier, purpose);
  if (settled) return settled;

  const loaded = await loadStep(db, enrollmentId, position, purpose);
  if ('outcome' in loaded) return loaded.outcome;
  if (position > 1 && loaded.enrollment.mailboxId) {
    // A reply that arrived since the mailbox monitor last looked must win over this follow-up: look now (the
    // claim below reads the enrollment again, after this).
    await deps.replies.checkForReplies(loaded.enrollment.mailboxId);
  }
  const draft = await draftStep(db, loaded);

  const claim = await claimSend(db, {
    enrollmentId,
    position,
    subject: draft.subject,
    variantLabel: draft.content.variantLabel,
    avoidMailboxId: earlier?.status === 'failed' ? earlier.mailboxId : null,
    ...(purpose === 'resend' && earlier ? { resendFrom: { mailboxId: earlier.mailboxId } } : {}),
  });
  if (claim.kind === 'taken') return outcomeOfConcurrentAttempt(db, enrollmentId, position);
  if (claim.kind === 'not_now') {
    if (claim.slotWait) metrics.slotWaits.inc({ campaign_id: loaded.campaign.id });
    return claim.outcome;
  }

  const attempt: SendAttempt = { ...loaded, position, purpose, ...claim };
  const composed = await compose(deps, attempt, draft);
  const result = await deps.smtp.send(
    smtpAccountOf(claim.mailbox, deps.secrets),
    composed,
    dkimKeyOf(claim.mailbox, deps.secrets),
  );
  const outcome = await settle(deps, attempt, result);
  if (outcome.kind === 'sent' && draft.content.variantLabel !== null) await decideWinner(deps, loaded);
  return outcome;
}

/** What the step says to this contact, and the subject it goes under. */
interface Draft {
  content: RenderedStep;
  subject: string;
  thread: string[];
}

/**
 * The enrollment, contact, campaign and step, screened before the costly stages (the reply check, rendering): a
 * step that may not go now ends here. The claim screens again, in its transaction.
 */
async function loadStep(
  db: Database,
  enrollmentId: string,
  position: number,
  purpose: SendPurpose,
): Promise<LoadedStep | { outcome: StepOutcome }> {
  const enrollment = await db.repos.enrollments.findById(enrollmentId);
  if (!enrollment) return { outcome: stopped('stopped', 'the enrollment was deleted') };
  const { contact, campaign, outcome } = await screenEnrollment(db.repos, enrollment, { position, purpose });
  if (outcome) return { outcome };
  const step = await db.repos.campaigns.step(enrollment.campaignId, position);
  if (!step) throw new PermanentSendError('StepNotFound', `Step ${position} no longer exists in the campaign.`);
  return { enrollment, contact: contact!, campaign: campaign!, step };
}

/** Renders the step, seeded by the enrollment so every attempt renders the same variant and text as its preview. */
async function draftStep(db: Database, loaded: LoadedStep): Promise<Draft> {
  const { enrollment, contact, step } = loaded;
  const variants = await db.repos.content.variantsOfStep(step.id);
  let content: RenderedStep;
  try {
    content = renderStep({ step, variants, seedId: enrollment.id, merge: { contact } });
  } catch (error) {
    throw asSendError(error);
  }
  const thread = await db.repos.messages.thread(enrollment.id, step.position);
  return {
    content,
    subject: threadedSubject(content.subject, thread[0]?.subject),
    thread: thread.map((message) => message.messageId),
  };
}

/** A step that cannot render for this contact fails for good; a render that ran out of time (a busy worker) retries. */
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

/** The MIME message; one that must not be sent settles the claimed row, so no retry mistakes it for a crash. */
async function compose(deps: StepSenderDeps, send: SendAttempt, draft: Draft): Promise<ComposedMessage> {
  try {
    return await composeMessage(
      outgoingMessage({
        campaign: send.campaign,
        mailbox: send.mailbox,
        to: send.contact.email,
        subject: draft.subject,
        content: draft.content,
        messageId: send.messageId,
        thread: draft.thread,
        links: deps.links,
        message: { enrollmentId: send.enrollment.id, position: send.position },
      }),
    );
  } catch (error) {
    if (!(error instanceof UnsendableMessageError)) throw error;
    await deps.db.transaction(async (repos) => {
      const at = new Date();
      await repos.messages.settle(rowOf(send), { status: 'failed', smtpResponse: error.message, at });
      await endSend(repos, send, at);
    });
    throw new PermanentSendError('UnsendableMessage', error.message);
  }
}

/**
 * With automatic A/B winners on, a send of a variant may complete the test of its step. Best effort: the send is
 * already settled, and the next send of the step checks again.
 */
async function decideWinner(deps: StepSenderDeps, { campaign, step }: LoadedStep): Promise<void> {
  if (!campaign.winnerMetric || !campaign.winnerMinSends || step.winnerLabel !== null) return;
  try {
    const winner = await deps.db.repos.content.decideWinner({
      stepId: step.id,
      campaignId: campaign.id,
      position: step.position,
      metric: campaign.winnerMetric,
      minSends: campaign.winnerMinSends,
    });
    if (winner) {
      deps.logger.info({ campaignId: campaign.id, position: step.position, winner }, 'A/B winner decided');
    }
  } catch (error) {
    deps.logger.warn({ err: error, campaignId: campaign.id, position: step.position }, 'A/B winner check failed');
  }
}

/**
 * The outcome of an earlier attempt at this step, if it settled (or crashed) — null when a send may proceed. A
 * resend proceeds from `unknown` (the operator decided), and has nothing to do without a message.
 */
async function outcomeOfEarlierAttempt(
  db: Database,
  existing: MessageEntity | null,
  purpose: SendPurpose = 'sequence',
): Promise<StepOutcome | null> {
  if (purpose === 'resend' && (existing?.status === 'unknown' || existing?.status === 'failed')) return null;
  switch (existing?.status) {
    case undefined:
      return purpose === 'resend' ? stopped('stopped', 'there is no message to resend') : null;
    case 'failed': // nothing was delivered: try again
      return null;
    case 'sent':
      return { kind: 'sent', sentAt: (existing.sentAt ?? existing.updatedAt).getTime(), messageId: existing.messageId };
    case 'sending':
      await db.transaction(async (repos) => {
        await repos.messages.flagUnknown(existing.enrollmentId, existing.stepPosition);
        await repos.mailboxes.abandonRestingSend(existing.mailboxId, existing.messageId);
        // It may have arrived: the conversation stays on this mailbox, as after a send.
        if (purpose === 'sequence') {
          await repos.enrollments.recordSend(existing.enrollmentId, existing.stepPosition, existing.mailboxId);
        }
      });
      return unknownOutcome(existing.stepPosition);
    case 'unknown':
      return unknownOutcome(existing.stepPosition);
    case 'bounced':
      return stopped('bounced', existing.smtpResponse ?? 'hard bounce');
  }
}

/** Another attempt claimed the step between our look and our claim (a retry racing a stalled attempt). */
async function outcomeOfConcurrentAttempt(db: Database, enrollmentId: string, position: number): Promise<StepOutcome> {
  const row = await db.repos.messages.findByStep(enrollmentId, position);
  const outcome = await outcomeOfEarlierAttempt(db, row);
  if (!outcome) throw new TransientSendError(`Step ${position} was claimed by another attempt that then failed.`);
  return outcome;
}
