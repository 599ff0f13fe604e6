import type { ManualReplyEntity } from '../../db/entities/manual-reply.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Repositories } from '../../db/repositories';
import { composeMessage, UnsendableMessageError } from '../../mail/compose';
import type { SmtpResult } from '../../mail/smtp';
import { whyContactUnreachable, whyMailboxCannotSend } from '../conversations/reply-rules';
import { mailboxError } from '../events/event-builders';
import { outgoingMessage, transmit } from './outgoing-message';
import type { StepSenderDeps } from './send-attempt';
import { TransientSendError } from './send-errors';
import { mailboxWaitMs, outageWaitMs } from './send-waits';

/** What became of one attempt at an operator's reply: final, or `deferred` until its mailbox can send. */
export type ManualReplyOutcome =
  | { kind: 'sent' | 'unknown' | 'bounced' | 'cancelled' | 'failed'; reason: string | null }
  | { kind: 'deferred'; until: number; reason: string };

type Claim =
  | { kind: 'claimed'; reply: ManualReplyEntity; mailbox: MailboxEntity; attempt: number }
  | { kind: 'done'; outcome: ManualReplyOutcome };

/**
 * Sends an operator's reply exactly once, as a step is sent: claim (one transaction: the row locked, an earlier
 * attempt's outcome, the contact and mailbox checked again, the row `sending`) → compose → transmit → settle. A
 * retry after a settled attempt returns its outcome; a row found still `sending` (the process died mid-send) is
 * flagged `unknown` and never sent again.
 */
export async function sendManualReply(deps: StepSenderDeps, replyId: string): Promise<ManualReplyOutcome> {
  const claim = await deps.db.transaction((repos) => claimReply(repos, replyId));
  if (claim.kind === 'done') return claim.outcome;
  const { reply, mailbox, attempt } = claim;
  let composed: Awaited<ReturnType<typeof composeMessage>>;
  try {
    composed = await composeMessage(
      outgoingMessage({
        // A person's reply: no tracking and no footer; List-Unsubscribe stays, as in every message of ours.
        campaign: {
          sendAsPlainText: reply.bodyHtml === null,
          unsubscribeText: null,
          trackOpens: false,
          trackClicks: false,
        },
        mailbox,
        to: reply.toEmail,
        subject: reply.subject,
        content: { subject: reply.subject, html: reply.bodyHtml ?? '', text: reply.bodyText, variantLabel: null },
        messageId: reply.messageId,
        thread: reply.references,
        links: deps.links,
        message: { enrollmentId: reply.enrollmentId, position: 0 },
      }),
    );
  } catch (error) {
    if (!(error instanceof UnsendableMessageError)) throw error;
    await deps.db.repos.manualReplies.settle(reply.id, attempt, {
      status: 'cancelled',
      smtpResponse: error.message,
      at: new Date(),
    });
    return { kind: 'cancelled', reason: error.message };
  }
  return settleReply(deps, reply, mailbox, attempt, await transmit(deps, mailbox, composed));
}

async function claimReply(repos: Repositories, replyId: string): Promise<Claim> {
  const done = (kind: Exclude<ManualReplyOutcome['kind'], 'deferred'>, reason: string | null = null): Claim => ({
    kind: 'done',
    outcome: { kind, reason },
  });
  const reply = await repos.manualReplies.lock(replyId);
  if (!reply) return done('cancelled', 'the reply was deleted with its enrollment');
  switch (reply.status) {
    case 'sent':
    case 'bounced':
    case 'unknown':
    case 'cancelled':
      return done(reply.status, reply.smtpResponse);
    case 'sending':
      await repos.manualReplies.flagUnknown(reply.id);
      return done('unknown', 'the send was interrupted; flagged, not re-sent');
    case 'pending':
    case 'failed':
      break;
  }
  const enrollment = await repos.enrollments.findById(reply.enrollmentId);
  const unreachable = enrollment ? await whyContactUnreachable(repos, enrollment) : 'the enrollment was deleted';
  if (unreachable) {
    await repos.manualReplies.cancel(reply.id, `not sent: ${unreachable}`);
    return done('cancelled', unreachable);
  }
  const mailbox = await repos.mailboxes.findById(reply.mailboxId);
  if (!mailbox) {
    await repos.manualReplies.cancel(reply.id, 'not sent: the mailbox of the conversation was deleted');
    return done('cancelled', 'the mailbox of the conversation was deleted');
  }
  const cannotSend = whyMailboxCannotSend(mailbox);
  if (cannotSend) {
    const now = new Date();
    const until = now.getTime() + mailboxWaitMs(mailbox.smtpErrorAt ?? mailbox.disabledAt, now);
    return { kind: 'done', outcome: { kind: 'deferred', until, reason: `${cannotSend}: fix or re-enable it` } };
  }
  const attempt = await repos.manualReplies.claim(reply.id);
  if (attempt === null) throw new TransientSendError('The reply was claimed by another attempt meanwhile.');
  return { kind: 'claimed', reply, mailbox, attempt };
}

/** Records what the server answered, and whether the workflow waits and tries again. */
async function settleReply(
  deps: StepSenderDeps,
  reply: ManualReplyEntity,
  mailbox: MailboxEntity,
  attempt: number,
  result: SmtpResult,
): Promise<ManualReplyOutcome> {
  const { db } = deps;
  const at = new Date();
  const smtpResponse = result.response;
  switch (result.kind) {
    case 'sent':
      await db.repos.manualReplies.settle(reply.id, attempt, { status: 'sent', smtpResponse, at });
      return { kind: 'sent', reason: null };
    case 'unknown':
      await db.repos.manualReplies.settle(reply.id, attempt, { status: 'unknown', smtpResponse, at });
      deps.logger.warn({ replyId: reply.id, reply: smtpResponse }, 'reply outcome unknown: flagged, not re-sent');
      return { kind: 'unknown', reason: `the connection broke after the message was transmitted (${smtpResponse})` };
    case 'rejected_permanent': {
      const enrollment = await db.repos.enrollments.findById(reply.enrollmentId);
      await db.transaction(async (repos) => {
        await repos.manualReplies.settle(reply.id, attempt, { status: 'bounced', smtpResponse, at });
        if (enrollment) await repos.contacts.markBounced(enrollment.contactId);
      });
      return { kind: 'bounced', reason: `hard bounce: ${smtpResponse}` };
    }
    case 'rejected_temporary':
      // The recipient's server asks to come back later: the activity's retries do, with backoff.
      await db.repos.manualReplies.settle(reply.id, attempt, { status: 'failed', smtpResponse, at });
      throw new TransientSendError(`SMTP send failed (${result.code}): ${smtpResponse}`);
    case 'connection_error':
      await db.repos.manualReplies.settle(reply.id, attempt, { status: 'failed', smtpResponse, at });
      return {
        kind: 'deferred',
        until: at.getTime() + outageWaitMs(attempt),
        reason: `the SMTP server of ${mailbox.fromEmail} could not be reached (${smtpResponse})`,
      };
    case 'mailbox_error': {
      const newlyFailing = await db.transaction(async (repos) => {
        await repos.manualReplies.settle(reply.id, attempt, { status: 'failed', smtpResponse, at });
        const newly = await repos.mailboxes.recordSmtpError(mailbox.id, smtpResponse);
        if (newly) await repos.events.record([mailboxError(mailbox, { protocol: 'smtp', error: smtpResponse })]);
        return newly;
      });
      if (newlyFailing) deps.logger.warn({ mailboxId: mailbox.id, reply: smtpResponse }, 'mailbox put in error');
      return {
        kind: 'deferred',
        until: at.getTime() + mailboxWaitMs(null, at),
        reason: `the mailbox ${mailbox.fromEmail} is in error: ${smtpResponse}`,
      };
    }
  }
}
