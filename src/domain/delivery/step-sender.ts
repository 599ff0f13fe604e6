import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MessageEntity } from '../../db/entities/message.entity';
import type { SequenceStepEntity } from '../../db/entities/sequence-step.entity';
import type { StepVariantEntity } from '../../db/entities/step-variant.entity';
import type { Database, Repositories } from '../../db/repositories';
import { FINAL_ENROLLMENT_STATUSES } from '../../db/repositories/enrollment.repository';
import type { SecretBox } from '../../crypto/secret-box';
import { composeMessage, UnsendableMessageError, type ComposedMessage } from '../../mail/compose';
import type { SmtpResult, SmtpTransports } from '../../mail/smtp';
import type { Logger } from '../../logger';
import { metrics } from '../../metrics';
import { renderStep, StepMergeFieldError, threadedSubject, type RenderedStep } from '../campaigns/step-content';
import type { PublicLinks } from '../engagement/public-links';
import { checkMailboxHealth } from '../inbound/mailbox-health';
import type { ReplyCheck } from '../inbound/mailbox-reader';
import { dkimKeyOf, outgoingMessage, smtpAccountOf } from './outgoing-message';
import { claimSend } from './send-claim';
import { nextWindowOpening } from './sending-window';
import { PermanentSendError, TransientSendError } from './send-errors';

export { PermanentSendError, TransientSendError } from './send-errors';

/** What became of one step; the workflow decides what comes next. */
export type StepOutcome =
  | { kind: 'sent'; sentAt: number; messageId: string }
  /** A previous attempt crashed mid-send: flagged for review and never re-sent. */
  | { kind: 'unknown'; reason: string }
  /** Nothing was sent: the campaign is paused; the step waits for its resume. */
  | { kind: 'held'; reason: string }
  /** Nothing was sent: every mailbox is at its daily limit until `until` (epoch ms). */
  | { kind: 'deferred'; until: number; reason: string }
  /** The sequence must end without sending, with this status. */
  | {
      kind: 'stopped';
      status: 'bounced' | 'unsubscribed' | 'stopped' | 'replied' | 'failed' | 'skipped';
      reason: string;
    };

export interface StepSenderDeps {
  db: Database;
  smtp: SmtpTransports;
  secrets: SecretBox;
  logger: Logger;
  replies: ReplyCheck;
  links: PublicLinks;
}

/**
 * Sends one step of one enrollment exactly once. The outbox row is claimed (`sending`) before SMTP and settled
 * after; a retry after a settled send returns the stored result, and a row found still `sending` (the process died
 * mid-send) is flagged `unknown` instead of being sent again.
 */
export async function sendStep(deps: StepSenderDeps, enrollmentId: string, position: number): Promise<StepOutcome> {
  const { db } = deps;
  const enrollment = await db.repos.enrollments.findById(enrollmentId);
  if (!enrollment) return { kind: 'stopped', status: 'stopped', reason: 'the enrollment was deleted' };
  const earlier = await db.repos.messages.findByStep(enrollmentId, position);
  const settled = await outcomeOfEarlierAttempt(db, earlier);
  if (settled) return settled;

  const [contact, campaign, step] = await Promise.all([
    db.repos.contacts.findById(enrollment.organizationId, enrollment.contactId),
    db.repos.campaigns.findByIdUnscoped(enrollment.campaignId),
    db.repos.campaigns.step(enrollment.campaignId, position),
  ]);
  const stop = reasonToStop(enrollment, contact, campaign);
  if (stop) return stop;
  if (await db.repos.blockList.isBlocked(enrollment.organizationId, contact!.email)) {
    return { kind: 'stopped', status: 'stopped', reason: `${contact!.email} is on the block list` };
  }
  if (campaign!.status === 'paused') return { kind: 'held', reason: 'the campaign is paused' };
  // Outside the sending window (the contact's timezone when known): wait for it to open, sending nothing.
  const opensAt = nextWindowOpening(campaign!.schedule, contact!.timezone, new Date());
  if (opensAt.getTime() > Date.now()) {
    return {
      kind: 'deferred',
      until: opensAt.getTime(),
      reason: `outside the sending window; step ${position} waits until ${opensAt.toISOString()}`,
    };
  }
  if (!step) throw new PermanentSendError('StepNotFound', `Step ${position} no longer exists in the campaign.`);
  if (position > 1 && enrollment.mailboxId) {
    // A reply that arrived since the mailbox monitor last looked must win over this follow-up: look now.
    await deps.replies.checkForReplies(enrollment.mailboxId);
    const [enrollmentNow, contactNow] = await Promise.all([
      db.repos.enrollments.findById(enrollmentId),
      db.repos.contacts.findById(enrollment.organizationId, enrollment.contactId),
    ]);
    const stopNow = reasonToStop(enrollmentNow ?? enrollment, contactNow, campaign);
    if (stopNow) return stopNow;
  }
  const variants = await db.repos.content.variantsOfStep(step.id);
  const content = render(step, variants, contact!, enrollment.id);
  const thread = await db.repos.messages.thread(enrollmentId, position);
  const subject = threadedSubject(content.subject, thread[0]?.subject);

  const failedMailboxId = earlier?.status === 'failed' ? earlier.mailboxId : null;
  const claim = await claimSend(
    db,
    enrollment,
    campaign!,
    contact!,
    position,
    { subject, variantLabel: content.variantLabel },
    failedMailboxId,
  );
  if (claim === 'taken') return sendStep(deps, enrollmentId, position); // another attempt got there first
  if ('deferredUntil' in claim) {
    metrics.slotWaits.inc({ campaign_id: enrollment.campaignId });
    const until = claim.deferredUntil.toISOString();
    return {
      kind: 'deferred',
      until: claim.deferredUntil.getTime(),
      reason: `${claim.reason}; step ${position} waits until ${until}`,
    };
  }

  const { mailbox, messageId, attempt, restMs } = claim;
  const sending = {
    enrollmentId,
    position,
    attempt,
    restMs,
    mailboxId: mailbox.id,
    messageId,
    contact: contact!,
    campaign: campaign!,
  };
  let composed: ComposedMessage;
  try {
    composed = await composeMessage(
      outgoingMessage({
        campaign: campaign!,
        mailbox,
        to: contact!.email,
        subject,
        content,
        messageId,
        thread: thread.map((message) => message.messageId),
        links: deps.links,
        message: { enrollmentId, position },
      }),
    );
  } catch (error) {
    if (!(error instanceof UnsendableMessageError)) throw error;
    // Nothing left: the claimed row is settled so no retry mistakes it for an interrupted send.
    await db.repos.messages.settle(
      { enrollmentId, stepPosition: position, attempt },
      { status: 'failed', smtpResponse: error.message, at: new Date() },
    );
    throw new PermanentSendError('UnsendableMessage', error.message);
  }
  const result = await deps.smtp.send(smtpAccountOf(mailbox, deps.secrets), composed, dkimKeyOf(mailbox, deps.secrets));
  const outcome = await settle(deps, sending, result);
  if (outcome.kind === 'sent' && content.variantLabel !== null) await decideWinner(deps, campaign!, step);
  return outcome;
}

/**
 * With automatic A/B winners on, a send of a variant may complete the test of its step. Best effort: the send is
 * already settled, and the next send of the step checks again.
 */
async function decideWinner(deps: StepSenderDeps, campaign: CampaignEntity, step: SequenceStepEntity): Promise<void> {
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

/** The outcome of an earlier attempt at this step, if it settled (or crashed) — null when a send may proceed. */
async function outcomeOfEarlierAttempt(db: Database, existing: MessageEntity | null): Promise<StepOutcome | null> {
  switch (existing?.status) {
    case undefined:
    case 'failed': // nothing was delivered: try again
      return null;
    case 'sent':
      return { kind: 'sent', sentAt: (existing.sentAt ?? existing.updatedAt).getTime(), messageId: existing.messageId };
    case 'sending':
      await db.repos.messages.flagUnknown(existing.enrollmentId, existing.stepPosition);
      return unknownOutcome(existing.stepPosition);
    case 'unknown':
      return unknownOutcome(existing.stepPosition);
    case 'bounced':
      return { kind: 'stopped', status: 'bounced', reason: existing.smtpResponse ?? 'hard bounce' };
  }
}

/** The last look before sending: anything that ended the sequence wins over the send. */
function reasonToStop(
  enrollment: EnrollmentEntity,
  contact: ContactEntity | null,
  campaign: CampaignEntity | null,
): StepOutcome | null {
  if (!contact || !campaign)
    return { kind: 'stopped', status: 'stopped', reason: 'the contact or campaign was deleted' };
  if (FINAL_ENROLLMENT_STATUSES.includes(enrollment.status)) {
    const status = enrollment.status as Extract<StepOutcome, { kind: 'stopped' }>['status'];
    return { kind: 'stopped', status, reason: `the enrollment is ${enrollment.status}` };
  }
  switch (contact.status) {
    case 'active':
      break;
    case 'unsubscribed':
    case 'complained':
      return { kind: 'stopped', status: 'unsubscribed', reason: `the contact is ${contact.status}` };
    case 'bounced':
      return { kind: 'stopped', status: 'bounced', reason: 'the contact has bounced' };
    case 'deactivated':
      return { kind: 'stopped', status: 'stopped', reason: 'the contact is deactivated' };
  }
  if (campaign.status === 'stopped') return { kind: 'stopped', status: 'stopped', reason: 'the campaign was stopped' };
  return null;
}

/** Seeded by the enrollment, so every attempt at this step renders the same variant and text as its preview. */
function render(
  step: SequenceStepEntity,
  variants: StepVariantEntity[],
  contact: ContactEntity,
  enrollmentId: string,
): RenderedStep {
  try {
    return renderStep({ step, variants, seedId: enrollmentId, merge: { contact } });
  } catch (error) {
    if (!(error instanceof StepMergeFieldError)) throw error;
    const type = error.problem === 'missing' ? 'MissingMergeField' : 'UnsafeMergeField';
    throw new PermanentSendError(type, error.message);
  }
}

async function settle(
  deps: StepSenderDeps,
  send: {
    enrollmentId: string;
    position: number;
    attempt: number;
    /** The mailbox's rest after this send: counted from the claim, and again from now that the server answered. */
    restMs: number;
    mailboxId: string;
    messageId: string;
    contact: ContactEntity;
    campaign: CampaignEntity;
  },
  result: SmtpResult,
): Promise<StepOutcome> {
  const { db } = deps;
  const row = { enrollmentId: send.enrollmentId, stepPosition: send.position, attempt: send.attempt };
  const at = new Date();
  const campaign_id = send.campaign.id;
  // A slow send (a new connection, a busy server) must not shorten the gap the receiving side sees before the
  // mailbox's next message. In the settle's transaction: a send that settled always pushed the rest.
  const restFromNow = (repos: Repositories) =>
    send.restMs > 0 ? repos.mailboxes.restAtLeastUntil(send.mailboxId, new Date(at.getTime() + send.restMs)) : null;
  switch (result.kind) {
    case 'sent':
      await db.transaction(async (repos) => {
        await repos.messages.settle(row, { status: 'sent', smtpResponse: result.response, at });
        await repos.enrollments.recordSend(send.enrollmentId, send.position, send.mailboxId);
        await restFromNow(repos);
      });
      metrics.sends.inc({ campaign_id, outcome: 'sent' });
      // The same time a retry would read back from the row.
      return { kind: 'sent', sentAt: at.getTime(), messageId: send.messageId };
    case 'rejected_permanent':
      await db.transaction(async (repos) => {
        await repos.messages.settle(row, { status: 'bounced', smtpResponse: result.response, at });
        await repos.contacts.markBounced(send.contact.id);
        await restFromNow(repos);
      });
      metrics.sends.inc({ campaign_id, outcome: 'bounced' });
      metrics.bounces.inc({ campaign_id, kind: 'hard' });
      await checkMailboxHealth(db, deps.logger, send.mailboxId, send.campaign.bounceRateThreshold);
      return { kind: 'stopped', status: 'bounced', reason: `hard bounce: ${result.response}` };
    case 'rejected_temporary':
    case 'connection_error':
      await db.repos.messages.settle(row, { status: 'failed', smtpResponse: result.response, at });
      metrics.sends.inc({ campaign_id, outcome: 'failed' });
      throw new TransientSendError(`SMTP send failed (${result.kind}): ${result.response}`);
    case 'unknown':
      await db.repos.messages.settle(row, { status: 'unknown', smtpResponse: result.response, at });
      metrics.sends.inc({ campaign_id, outcome: 'unknown' });
      deps.logger.warn({ enrollmentId: send.enrollmentId, position: send.position }, 'send outcome unknown; flagged');
      return unknownOutcome(send.position);
  }
}

function unknownOutcome(position: number): StepOutcome {
  return { kind: 'unknown', reason: `step ${position}: the send was interrupted and its outcome is unknown (flagged)` };
}
