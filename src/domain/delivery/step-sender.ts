import { composeMessage, UnsendableMessageError, type ComposedMessage, type SentBody } from '../../mail/compose';
import { outgoingMessage, transmit } from './outgoing-message';
import { rowOf, type SendAttempt, type SendPurpose, type StepSenderDeps } from './send-attempt';
import { claimSend, type Claim, type ClaimRequest } from './send-claim';
import { endSend, settle } from './send-settlement';
import { PermanentSendError } from './send-errors';
import type { StepOutcome } from './step-outcome';

export { PermanentSendError, TransientSendError } from './send-errors';
export type { StepOutcome } from './step-outcome';
export type { SendPurpose, StepSenderDeps } from './send-attempt';

/**
 * Sends one step of one enrollment exactly once, in stages: the claim (one transaction: lock and load, an earlier
 * attempt's outcome, screen, render, mailbox, outbox row — see claimSend; a follow-up whose mailbox can be read for
 * replies is claimed again after that read) → compose → transmit → settle. The outbox row is claimed (`sending`)
 * before SMTP and settled after; a retry after a settled send returns the stored result, and a row found still
 * `sending` (the process died mid-send) is flagged `unknown` instead of being sent again. The last step of a
 * sequence then completes the campaign if no other enrollment of it is left.
 */
export async function sendStep(
  deps: StepSenderDeps,
  enrollmentId: string,
  position: number,
  purpose: SendPurpose = 'sequence',
): Promise<StepOutcome> {
  const claim = await claimAfterReplies(deps, { enrollmentId, position, purpose });
  if (claim.kind === 'not_now') {
    if (claim.slotWaitIn) deps.metrics.slotWait(claim.slotWaitIn);
    return claim.outcome;
  }
  const { send } = claim;
  const composed = await compose(deps, send);
  const result = await transmit(deps, send.mailbox, composed);
  const outcome = await settle(deps, send, result, composed.body);
  if (outcome.kind === 'sent' && send.draft.content.variantLabel !== null) await decideWinner(deps, send);
  // The last step: the settle recorded the enrollment completed (the workflow records nothing more).
  const done = (outcome.kind === 'sent' || outcome.kind === 'unknown') && !send.next.step;
  if (done) await deps.db.repos.campaigns.completeIfFinished(send.campaign.id);
  return outcome;
}

/** The claim, after reading the conversation's mailbox for replies when the claim asks for it (a follow-up's). */
async function claimAfterReplies(
  deps: StepSenderDeps,
  request: Omit<ClaimRequest, 'repliesChecked'>,
): Promise<Exclude<Claim, { kind: 'check_replies' }>> {
  const claim = await claimSend(deps.db, { ...request, repliesChecked: false });
  if (claim.kind !== 'check_replies') return claim;
  const mailbox = await deps.db.repos.mailboxes.findById(claim.mailboxId);
  if (mailbox) await deps.replies.checkForReplies(mailbox);
  const again = await claimSend(deps.db, { ...request, repliesChecked: true });
  if (again.kind === 'check_replies') throw new Error('The claim asked for a reply check it was told was done.');
  return again;
}

/** The MIME message; one that must not be sent settles the claimed row, so no retry mistakes it for a crash. */
async function compose(deps: StepSenderDeps, send: SendAttempt): Promise<ComposedMessage & { body: SentBody }> {
  try {
    return await composeMessage(
      outgoingMessage({
        campaign: send.campaign,
        mailbox: send.mailbox,
        to: send.contact.email,
        subject: send.draft.subject,
        content: send.draft.content,
        messageId: send.messageId,
        thread: send.draft.thread,
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
async function decideWinner(deps: StepSenderDeps, { campaign, step }: SendAttempt): Promise<void> {
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
