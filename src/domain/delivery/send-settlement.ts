import type { Repositories } from '../../db/repositories';
import type { SentBody } from '../../mail/compose';
import type { SmtpResult } from '../../mail/smtp';
import { mailboxError } from '../events/event-builders';
import { checkMailboxHealth } from '../inbound/mailbox-health';
import { rowOf, type SendAttempt, type StepSenderDeps } from './send-attempt';
import { mailboxWaitMs, outageWaitMs } from './send-waits';
import { TransientSendError } from './send-errors';
import { deferred, stopped, unknownOutcome, type NextStep, type StepOutcome } from './step-outcome';

/** The `outcome` label of `sequencer_sends_total`: sent, bounced, unknown, or failed (nothing delivered). */
const SEND_METRIC_OUTCOMES: Record<SmtpResult['kind'], 'sent' | 'bounced' | 'failed' | 'unknown'> = {
  sent: 'sent',
  rejected_permanent: 'bounced',
  rejected_temporary: 'failed',
  connection_error: 'failed',
  mailbox_error: 'failed',
  unknown: 'unknown',
};

/**
 * Records what the server answered, with the bodies sent (`body`, in the statement that settles the row), and what
 * the workflow does next.
 */
export async function settle(
  deps: StepSenderDeps,
  send: SendAttempt,
  result: SmtpResult,
  body: SentBody | null = null,
): Promise<StepOutcome> {
  const { db } = deps;
  const row = rowOf(send);
  const at = new Date();
  const campaignId = send.campaign.id;
  const smtpResponse = result.response;
  const parties = { contactId: send.contact.id, fromEmail: send.mailbox.fromEmail };
  deps.metrics.send(campaignId, SEND_METRIC_OUTCOMES[result.kind]);
  switch (result.kind) {
    case 'sent':
      // Not one transaction, to spare its two round trips on every send: the row is the send's truth, and what
      // follows from it is recorded again by a retry's claim if the process dies in between (see earlier-attempt).
      await db.repos.messages.settle(row, { status: 'sent', smtpResponse, at, body }, parties);
      // A resend repeats an earlier step: the enrollment's progress is where the sequence left it.
      if (send.purpose === 'sequence') await recordProgress(db.repos, progressOf(send, at));
      await endSend(db.repos, send, at);
      // The same time a retry would read back from the row.
      return { kind: 'sent', sentAt: at.getTime(), messageId: send.messageId, next: send.next };
    case 'rejected_permanent':
      await db.transaction(async (repos) => {
        await repos.messages.settle(row, { status: 'bounced', smtpResponse, at, body }, parties);
        await repos.contacts.markBounced(send.contact.id);
        await endSend(repos, send, at);
      });
      deps.metrics.bounce(campaignId, 'hard');
      await checkMailboxHealth(db, deps.logger, send.mailbox.id, send.campaign);
      return stopped('bounced', `hard bounce: ${smtpResponse}`);
    case 'rejected_temporary':
      // The recipient's server asks to come back later: the activity's retries do, with backoff.
      await db.transaction(async (repos) => {
        await repos.messages.settle(row, { status: 'failed', smtpResponse, at, body });
        await endSend(repos, send, at);
      });
      throw new TransientSendError(`SMTP send failed (${result.code}): ${smtpResponse}`);
    case 'connection_error': {
      // Nothing was delivered and the fault is not the recipient's: wait and retry, never give up on the contact.
      await db.transaction(async (repos) => {
        await repos.messages.settle(row, { status: 'failed', smtpResponse, at, body });
        await endSend(repos, send, at);
      });
      return deferred(
        at.getTime() + outageWaitMs(send.attempt),
        `the SMTP server of ${send.mailbox.fromEmail} could not be reached (${smtpResponse}): step ${send.position}`,
      );
    }
    case 'mailbox_error': {
      const newlyFailing = await db.transaction(async (repos) => {
        await repos.messages.settle(row, { status: 'failed', smtpResponse, at, body });
        await endSend(repos, send, at);
        const newly = await repos.mailboxes.recordSmtpError(send.mailbox.id, smtpResponse);
        if (newly) await repos.events.record([mailboxError(send.mailbox, { protocol: 'smtp', error: smtpResponse })]);
        return newly;
      });
      if (newlyFailing) {
        deps.logger.warn({ mailboxId: send.mailbox.id, reply: smtpResponse }, 'mailbox put in error by its server');
      }
      // Step 1 goes again at once, from another mailbox; a follow-up waits for this one to be fixed.
      return deferred(
        send.position === 1 ? at.getTime() : at.getTime() + mailboxWaitMs(null, at),
        `the mailbox ${send.mailbox.fromEmail} is in error: ${smtpResponse}`,
      );
    }
    case 'unknown':
      await db.transaction(async (repos) => {
        await repos.messages.settle(row, { status: 'unknown', smtpResponse, at, body });
        await endSend(repos, send, at);
        // It may have arrived: the conversation stays on this mailbox, as after a send.
        if (send.purpose === 'sequence') await recordProgress(repos, progressOf(send, at));
      });
      deps.logger.warn(
        { enrollmentId: send.enrollment.id, position: send.position, reply: smtpResponse },
        'send outcome unknown: the connection broke after the message data; flagged, not re-sent',
      );
      return unknownOutcome(send.position, {
        why: `the connection broke after the message was transmitted (${smtpResponse})`,
        next: send.next,
      });
  }
}

/** A step done (sent, or flagged unknown) at `at`, from `mailbox`, and what follows it in the sequence. */
export interface StepProgress {
  enrollmentId: string;
  position: number;
  mailboxId: string;
  next: NextStep;
  at: Date;
}

function progressOf(send: SendAttempt, at: Date): StepProgress {
  const { enrollment, position, mailbox, next } = send;
  return { enrollmentId: enrollment.id, position, mailboxId: mailbox.id, next, at };
}

/**
 * The step is done: the enrollment row moves to it, keeps its mailbox, and shows what comes next — the next step's
 * due time, or the enrollment completed — as the workflow would record it, so it need not (see `next` in
 * StepOutcome). Idempotent: recorded again when a retry finds the step settled.
 */
export async function recordProgress(repos: Repositories, progress: StepProgress): Promise<void> {
  const { step } = progress.next;
  const next = step ? { dueAt: new Date(progress.at.getTime() + step.delayMs) } : ('completed' as const);
  await repos.enrollments.recordSend(progress.enrollmentId, progress.position, progress.mailboxId, next);
}

/**
 * The send no longer holds its mailbox; one that rests between sends rests from now on. In the settle's
 * transaction, whatever the outcome: a slow send (a new connection, a busy server) must not shorten the gap the
 * receiving side sees before the mailbox's next message.
 */
export async function endSend(repos: Repositories, send: SendAttempt, at: Date): Promise<void> {
  if (send.restMs === 0) return;
  await repos.mailboxes.endRestingSend(send.mailbox.id, send.messageId, new Date(at.getTime() + send.restMs));
}
