import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { SequenceStepEntity } from '../../db/entities/sequence-step.entity';
import type { StepVariantEntity } from '../../db/entities/step-variant.entity';
import type { Database } from '../../db/repositories';
import { FINAL_ENROLLMENT_STATUSES } from '../../db/repositories/enrollment.repository';
import type { SecretBox } from '../../crypto/secret-box';
import { composeMessage, messageIdFor } from '../../mail/compose';
import type { SmtpAccount, SmtpResult, SmtpTransports } from '../../mail/smtp';
import type { Logger } from '../../logger';
import { renderStep, StepMergeFieldError, type RenderedStep } from '../campaigns/step-content';
import { pickMailboxWithMostRoom } from './mailbox-selection';
import { campaignZone, dayBounds } from './sending-day';

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

/** A failure that retrying cannot fix (a missing merge field, no mailbox, a deleted step). */
export class PermanentSendError extends Error {
  constructor(
    readonly type: 'MissingMergeField' | 'NoMailbox' | 'StepNotFound',
    message: string,
  ) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/** Nothing was delivered and a later attempt may succeed (4xx, connection refused, every mailbox disabled). */
export class TransientSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientSendError';
  }
}

export interface StepSenderDeps {
  db: Database;
  smtp: SmtpTransports;
  secrets: SecretBox;
  logger: Logger;
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
  const settled = await outcomeOfEarlierAttempt(db, enrollmentId, position);
  if (settled) return settled;

  const [contact, campaign, step] = await Promise.all([
    db.repos.contacts.findById(enrollment.organizationId, enrollment.contactId),
    db.repos.campaigns.findByIdUnscoped(enrollment.campaignId),
    db.repos.campaigns.step(enrollment.campaignId, position),
  ]);
  const stop = reasonToStop(enrollment, contact, campaign);
  if (stop) return stop;
  if (campaign!.status === 'paused') return { kind: 'held', reason: 'the campaign is paused' };
  if (!step) throw new PermanentSendError('StepNotFound', `Step ${position} no longer exists in the campaign.`);
  const variants = await db.repos.content.variantsOfStep(step.id);
  const content = render(step, variants, contact!, enrollment.id);

  const claim = await claimSend(db, enrollment, campaign!, contact!, position, content);
  if (claim === 'taken') return sendStep(deps, enrollmentId, position); // another attempt got there first
  if ('deferredUntil' in claim) {
    const until = claim.deferredUntil.toISOString();
    return {
      kind: 'deferred',
      until: claim.deferredUntil.getTime(),
      reason: `every mailbox of the campaign is at its daily limit; step ${position} waits until ${until}`,
    };
  }

  const { mailbox, messageId, attempt } = claim;
  const thread = await db.repos.messages.thread(enrollmentId, position);
  const result = await deps.smtp.send(
    smtpAccountOf(mailbox, deps.secrets),
    composeMessage({
      from: { email: mailbox.fromEmail, name: mailbox.fromName },
      to: contact!.email,
      subject: content.subject,
      html: content.html,
      messageId,
      thread: thread.map((message) => message.messageId),
    }),
  );
  const outcome = await settle(
    deps,
    { enrollmentId, position, attempt, mailboxId: mailbox.id, messageId, contact: contact! },
    result,
  );
  if (outcome.kind === 'sent' && content.variantLabel !== null) await decideWinner(deps, campaign!, step);
  return outcome;
}

/** The SMTP account of a mailbox, its password decrypted; a changed mailbox gets a fresh pooled transport. */
export function smtpAccountOf(mailbox: MailboxEntity, secrets: SecretBox): SmtpAccount {
  return {
    cacheKey: `${mailbox.id}:${mailbox.updatedAt.getTime()}`,
    host: mailbox.smtpHost,
    port: mailbox.smtpPort,
    security: mailbox.smtpSecurity,
    username: mailbox.smtpUsername,
    password: secrets.decrypt(mailbox.smtpPasswordEncrypted),
  };
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
async function outcomeOfEarlierAttempt(
  db: Database,
  enrollmentId: string,
  position: number,
): Promise<StepOutcome | null> {
  const existing = await db.repos.messages.findByStep(enrollmentId, position);
  switch (existing?.status) {
    case undefined:
    case 'failed': // nothing was delivered: try again
      return null;
    case 'sent':
      return { kind: 'sent', sentAt: (existing.sentAt ?? existing.updatedAt).getTime(), messageId: existing.messageId };
    case 'sending':
      await db.repos.messages.flagUnknown(enrollmentId, position);
      return unknownOutcome(position);
    case 'unknown':
      return unknownOutcome(position);
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
    if (error instanceof StepMergeFieldError) throw new PermanentSendError('MissingMergeField', error.message);
    throw error;
  }
}

type Claim = { mailbox: MailboxEntity; messageId: string; attempt: number } | { deferredUntil: Date } | 'taken';

/**
 * Chooses the mailbox and claims the outbox row in one transaction. Follow-ups keep step 1's mailbox so the thread
 * stays in one conversation; as in the reference, they do not count against the daily limit, which caps the new
 * conversations (step 1) a mailbox starts per day. Step 1 locks the campaign's mailboxes, so concurrent claims —
 * from any worker process — count each other and never exceed a mailbox's limit; with no room anywhere, it is
 * deferred to the start of the next day in the campaign's timezone.
 */
function claimSend(
  db: Database,
  enrollment: EnrollmentEntity,
  campaign: CampaignEntity,
  contact: ContactEntity,
  position: number,
  content: RenderedStep,
): Promise<Claim> {
  return db.transaction(async (repos) => {
    let mailbox = enrollment.mailboxId ? await repos.mailboxes.findById(enrollment.mailboxId) : null;
    if (!mailbox) {
      await repos.mailboxes.lockForCampaign(enrollment.campaignId);
      const today = dayBounds(new Date(), campaignZone(campaign));
      const usage = await repos.mailboxes.usageForCampaign(enrollment.campaignId, today.start);
      if (usage.length === 0) throw new PermanentSendError('NoMailbox', 'The campaign has no mailbox to send from.');
      if (!usage.some((candidate) => candidate.mailbox.status === 'active')) {
        throw new TransientSendError('Every mailbox of the campaign is disabled; re-enable one to continue.');
      }
      mailbox = pickMailboxWithMostRoom(usage)?.mailbox ?? null;
      if (!mailbox) return { deferredUntil: today.end };
    }
    const messageId = messageIdFor(enrollment.id, position, mailbox.fromEmail);
    const attempt = await repos.messages.claim({
      organizationId: enrollment.organizationId,
      campaignId: enrollment.campaignId,
      enrollmentId: enrollment.id,
      stepPosition: position,
      mailboxId: mailbox.id,
      messageId,
      toEmail: contact.email,
      subject: content.subject,
      variantLabel: content.variantLabel,
    });
    return attempt === null ? 'taken' : { mailbox, messageId, attempt };
  });
}

async function settle(
  deps: StepSenderDeps,
  send: {
    enrollmentId: string;
    position: number;
    attempt: number;
    mailboxId: string;
    messageId: string;
    contact: ContactEntity;
  },
  result: SmtpResult,
): Promise<StepOutcome> {
  const { db } = deps;
  const row = { enrollmentId: send.enrollmentId, stepPosition: send.position, attempt: send.attempt };
  const at = new Date();
  switch (result.kind) {
    case 'sent':
      await db.transaction(async (repos) => {
        await repos.messages.settle(row, { status: 'sent', smtpResponse: result.response, at });
        await repos.enrollments.recordSend(send.enrollmentId, send.position, send.mailboxId);
      });
      // The same time a retry would read back from the row.
      return { kind: 'sent', sentAt: at.getTime(), messageId: send.messageId };
    case 'rejected_permanent':
      await db.transaction(async (repos) => {
        await repos.messages.settle(row, { status: 'bounced', smtpResponse: result.response, at });
        await repos.contacts.markBounced(send.contact.id);
      });
      return { kind: 'stopped', status: 'bounced', reason: `hard bounce: ${result.response}` };
    case 'rejected_temporary':
    case 'connection_error':
      await db.repos.messages.settle(row, { status: 'failed', smtpResponse: result.response, at });
      throw new TransientSendError(`SMTP send failed (${result.kind}): ${result.response}`);
    case 'unknown':
      await db.repos.messages.settle(row, { status: 'unknown', smtpResponse: result.response, at });
      deps.logger.warn({ enrollmentId: send.enrollmentId, position: send.position }, 'send outcome unknown; flagged');
      return unknownOutcome(send.position);
  }
}

function unknownOutcome(position: number): StepOutcome {
  return { kind: 'unknown', reason: `step ${position}: the send was interrupted and its outcome is unknown (flagged)` };
}
