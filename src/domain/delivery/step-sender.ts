import type { ContactEntity } from '../../db/entities/contact.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Database } from '../../db/repositories';
import { FINAL_ENROLLMENT_STATUSES } from '../../db/repositories/enrollment.repository';
import type { SecretBox } from '../../crypto/secret-box';
import { composeMessage, messageIdFor } from '../../mail/compose';
import { MissingMergeFieldError, renderTemplate } from '../../mail/render';
import type { SmtpResult, SmtpTransports } from '../../mail/smtp';
import type { Logger } from '../../logger';
import { pickMailboxWithMostRoom, startOfUtcDay } from './mailbox-selection';

/** What became of one step; the workflow decides what comes next. */
export type StepOutcome =
  | { kind: 'sent'; sentAt: number; messageId: string }
  /** A previous attempt crashed mid-send: flagged for review and never re-sent. */
  | { kind: 'unknown'; reason: string }
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

/** Nothing was delivered and a later attempt may succeed (4xx, connection refused, all mailboxes full). */
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

  const existing = await db.repos.messages.findByStep(enrollmentId, position);
  if (existing) {
    switch (existing.status) {
      case 'sent':
        return {
          kind: 'sent',
          sentAt: (existing.sentAt ?? existing.updatedAt).getTime(),
          messageId: existing.messageId,
        };
      case 'sending':
        await db.repos.messages.flagUnknown(enrollmentId, position);
        return unknownOutcome(position);
      case 'unknown':
        return unknownOutcome(position);
      case 'bounced':
        return { kind: 'stopped', status: 'bounced', reason: existing.smtpResponse ?? 'hard bounce' };
      case 'failed':
        break; // nothing was delivered: try again below
    }
  }

  const [contact, campaign, step] = await Promise.all([
    db.repos.contacts.findById(enrollment.organizationId, enrollment.contactId),
    db.repos.campaigns.findByIdUnscoped(enrollment.campaignId),
    db.repos.campaigns.step(enrollment.campaignId, position),
  ]);
  // The last look before sending: anything that ended the sequence wins over the send.
  if (!contact || !campaign)
    return { kind: 'stopped', status: 'stopped', reason: 'the contact or campaign was deleted' };
  if (FINAL_ENROLLMENT_STATUSES.includes(enrollment.status)) {
    return {
      kind: 'stopped',
      status: enrollment.status as 'stopped',
      reason: `the enrollment is ${enrollment.status}`,
    };
  }
  const contactStop = stopForContact(contact);
  if (contactStop) return contactStop;
  if (campaign.status === 'stopped') return { kind: 'stopped', status: 'stopped', reason: 'the campaign was stopped' };
  if (!step) throw new PermanentSendError('StepNotFound', `Step ${position} no longer exists in the campaign.`);

  const mailbox = await chooseMailbox(db, enrollment.campaignId, enrollment.mailboxId);
  const thread = await db.repos.messages.thread(enrollmentId, position);
  const fields = { ...contact.fields, email: contact.email };
  let subject: string;
  let html: string;
  try {
    subject = renderTemplate(step.subject, fields, 'text');
    html = renderTemplate(step.bodyHtml, fields, 'html');
  } catch (error) {
    if (error instanceof MissingMergeFieldError) {
      throw new PermanentSendError(
        'MissingMergeField',
        `Contact ${contact.email} (${contact.id}) has no value for "${error.field}" used by step ${position}; ` +
          `add the field to the contact or give it a fallback such as {{ ${error.field} | default: "…" }}.`,
      );
    }
    throw error;
  }

  const messageId = messageIdFor(enrollmentId, position, mailbox.fromEmail);
  const attempt = await db.repos.messages.claim({
    organizationId: enrollment.organizationId,
    campaignId: enrollment.campaignId,
    enrollmentId,
    stepPosition: position,
    mailboxId: mailbox.id,
    messageId,
    toEmail: contact.email,
    subject,
  });
  if (attempt === null) return sendStep(deps, enrollmentId, position); // another attempt got there first: read its result

  const result = await deps.smtp.send(
    {
      cacheKey: `${mailbox.id}:${mailbox.updatedAt.getTime()}`,
      host: mailbox.smtpHost,
      port: mailbox.smtpPort,
      security: mailbox.smtpSecurity,
      username: mailbox.smtpUsername,
      password: deps.secrets.decrypt(mailbox.smtpPasswordEncrypted),
    },
    composeMessage({
      from: { email: mailbox.fromEmail, name: mailbox.fromName },
      to: contact.email,
      subject,
      html,
      messageId,
      thread: thread.map((message) => message.messageId),
    }),
  );
  return settle(deps, { enrollmentId, position, attempt, mailboxId: mailbox.id, messageId, contact }, result);
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

async function chooseMailbox(db: Database, campaignId: string, pinnedId: string | null): Promise<MailboxEntity> {
  if (pinnedId) {
    // Follow-ups keep step 1's mailbox so the thread stays in one conversation.
    const pinned = await db.repos.mailboxes.findById(pinnedId);
    if (pinned) return pinned;
  }
  const usage = await db.repos.mailboxes.usageForCampaign(campaignId, startOfUtcDay(new Date()));
  if (usage.length === 0) throw new PermanentSendError('NoMailbox', 'The campaign has no mailbox to send from.');
  const chosen = pickMailboxWithMostRoom(usage);
  if (!chosen) throw new TransientSendError('Every mailbox of the campaign is disabled or at its daily limit.');
  return chosen.mailbox;
}

function stopForContact(contact: ContactEntity): StepOutcome | null {
  switch (contact.status) {
    case 'active':
      return null;
    case 'unsubscribed':
    case 'complained':
      return { kind: 'stopped', status: 'unsubscribed', reason: `the contact is ${contact.status}` };
    case 'bounced':
      return { kind: 'stopped', status: 'bounced', reason: 'the contact has bounced' };
    case 'deactivated':
      return { kind: 'stopped', status: 'stopped', reason: 'the contact is deactivated' };
  }
}

function unknownOutcome(position: number): StepOutcome {
  return { kind: 'unknown', reason: `step ${position}: the send was interrupted and its outcome is unknown (flagged)` };
}
