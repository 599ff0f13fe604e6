import crypto from 'node:crypto';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { MessageEntity } from '../../db/entities/message.entity';
import type { MatchConfidence, ReplyKind } from '../../db/entities/reply.entity';
import type { Database } from '../../db/repositories';
import type { Logger } from '../../logger';
import { parseInboundMessage, type InboundMessage } from '../../mail/inbound-message';
import type { EnrollmentControlService } from '../enrollments/enrollment-control.service';
import { UNCOUNTED, type EngineMetricsPort } from '../engine-metrics.port';
import { automaticCategory } from '../enrollments/lead-category';
import {
  emailBouncedByReport,
  emailComplained,
  emailReplied,
  enrollmentFacts,
  leadCategoryChanged,
} from '../events/event-builders';
import { checkMailboxHealth } from './mailbox-health';

/** What became of one inbound message. */
export type InboundOutcome =
  'duplicate' | 'unmatched' | 'reply' | 'auto_reply' | 'unsubscribe' | 'hard_bounce' | 'soft_bounce' | 'complaint';

export interface InboundMail {
  raw: Buffer;
  folder: string;
  receivedAt: Date;
}

/** One of our sent messages that an inbound message answers or reports on, and its enrollment. */
interface Match {
  message: MessageEntity;
  enrollment: EnrollmentEntity;
  confidence: MatchConfidence;
}

/**
 * Turns one inbound message into its effects: a reply ends the enrollment (unless the campaign's `stop_on` is
 * `never`), a hard bounce or complaint ends every enrollment of the contact, and each is recorded once.
 *
 * The effects are idempotent and applied before the record is written: a crash in between re-applies them on the
 * next read (changing nothing) and then records. A message already recorded for the mailbox is skipped, which is
 * what makes a rescan after a UIDVALIDITY change harmless. The record's event (`email.replied`, `email.bounced`,
 * `email.complained`) is written in the record's transaction, so it too is written once.
 */
export class InboundMailService {
  constructor(
    private readonly db: Database,
    private readonly control: EnrollmentControlService,
    private readonly logger: Logger,
    private readonly metrics: EngineMetricsPort = UNCOUNTED,
  ) {}

  async handle(mailbox: MailboxEntity, mail: InboundMail): Promise<InboundOutcome> {
    const inbound = await parseInboundMessage(mail.raw);
    // Without a Message-ID, the message's own bytes identify it (a rescan reads the same bytes).
    const inboundId = inbound.messageId ?? `<sha256-${crypto.createHash('sha256').update(mail.raw).digest('hex')}>`;
    if (await this.db.repos.inbound.isRecorded(mailbox.id, inboundId)) return 'duplicate';
    const outcome = await this.apply(mailbox, mail, inbound, inboundId);
    this.logger.info(
      { mailboxId: mailbox.id, folder: mail.folder, inboundMessageId: inboundId, outcome },
      'inbound message read',
    );
    return outcome;
  }

  private async apply(
    mailbox: MailboxEntity,
    mail: InboundMail,
    inbound: InboundMessage,
    inboundId: string,
  ): Promise<InboundOutcome> {
    const classification = inbound.classification;
    switch (classification.kind) {
      case 'bounce':
      case 'complaint': {
        const match = await this.matchReport(mailbox, classification.originalMessageId, classification.recipient);
        if (!match) return 'unmatched';
        const kind = classification.kind === 'complaint' ? 'complaint' : classification.severity;
        if (kind === 'hard') await this.hardBounce(match);
        if (kind === 'complaint') await this.complaint(match);
        const status = classification.kind === 'complaint' ? classification.feedbackType : classification.status;
        const diagnostic = classification.kind === 'complaint' ? null : classification.diagnostic;
        const contactId = match.enrollment.contactId;
        await this.db.transaction(async (repos) => {
          const first = await repos.inbound.recordBounce({
            ...recorded(mailbox, mail, inboundId, match),
            kind,
            recipient: classification.recipient,
            status,
            diagnostic,
          });
          if (!first) return;
          await repos.events.record([
            kind === 'complaint'
              ? emailComplained(match.message, contactId, status)
              : emailBouncedByReport(match.message, contactId, {
                  bounceType: kind,
                  status,
                  diagnostic,
                  recipient: classification.recipient,
                }),
          ]);
        });
        this.metrics.bounce(match.message.campaignId, kind);
        return kind === 'complaint' ? 'complaint' : kind === 'hard' ? 'hard_bounce' : 'soft_bounce';
      }
      case 'auto_reply':
      case 'message': {
        const match = await this.matchReply(mailbox, inbound);
        if (!match) return 'unmatched';
        const kind =
          classification.kind === 'auto_reply' ? 'auto_reply' : isUnsubscribeRequest(inbound) ? 'unsubscribe' : 'reply';
        // An auto-reply (out of office, vacation) is recorded, but is no answer: the sequence goes on.
        if (kind === 'reply') await this.reply(match);
        if (kind === 'unsubscribe') await this.unsubscribe(match);
        await this.categorize(match, kind, classification.kind === 'auto_reply' ? classification.reason : null);
        await this.db.transaction(async (repos) => {
          const first = await repos.inbound.recordReply({
            ...recorded(mailbox, mail, inboundId, match),
            kind,
            confidence: match.confidence,
            fromEmail: inbound.from,
            subject: inbound.subject,
            snippet: inbound.snippet,
            bodyText: inbound.text,
            folder: mail.folder,
          });
          // An auto-reply is no answer, and an unsubscribe request records `lead.unsubscribed`.
          if (!first || kind !== 'reply') return;
          const category = (await repos.enrollments.findById(match.enrollment.id))?.category ?? null;
          await repos.events.record([
            emailReplied(match.message, match.enrollment.contactId, {
              fromEmail: inbound.from,
              subject: inbound.subject,
              snippet: inbound.snippet,
              text: inbound.text,
              category,
              confidence: match.confidence,
            }),
          ]);
        });
        this.metrics.reply(match.message.campaignId, kind);
        return kind;
      }
    }
  }

  /**
   * In-Reply-To / References naming one of our messages is a sure match; otherwise the sender is matched against
   * the contacts this mailbox wrote to (a client that drops the thread headers, a new message instead of a reply).
   */
  private async matchReply(mailbox: MailboxEntity, inbound: InboundMessage): Promise<Match | null> {
    const [referenced] = await this.db.repos.inbound.sentWithMessageIds(mailbox.organizationId, inbound.referencedIds);
    if (referenced) return this.withEnrollment(referenced, 'high');
    const bySender = inbound.from ? await this.db.repos.inbound.lastSentTo(mailbox.id, inbound.from) : null;
    return bySender ? this.withEnrollment(bySender, 'low') : null;
  }

  /** A report names the original by its Message-ID when it returns the headers; else by the failed recipient. */
  private async matchReport(
    mailbox: MailboxEntity,
    originalMessageId: string | null,
    recipient: string | null,
  ): Promise<Match | null> {
    if (originalMessageId) {
      const [original] = await this.db.repos.inbound.sentWithMessageIds(mailbox.organizationId, [originalMessageId]);
      if (original) return this.withEnrollment(original, 'high');
    }
    const byRecipient = recipient ? await this.db.repos.inbound.lastSentTo(mailbox.id, recipient) : null;
    return byRecipient ? this.withEnrollment(byRecipient, 'low') : null;
  }

  private async withEnrollment(message: MessageEntity, confidence: MatchConfidence): Promise<Match | null> {
    const enrollment = await this.db.repos.enrollments.findById(message.enrollmentId);
    return enrollment ? { message, enrollment, confidence } : null;
  }

  private async reply({ message, enrollment }: Match): Promise<void> {
    const campaign = await this.db.repos.campaigns.findByIdUnscoped(message.campaignId);
    if (campaign?.stopOn === 'never') {
      // Counted as a reply, but the campaign keeps writing to people who answered.
      await this.db.repos.enrollmentControl.stampLastSent(enrollment.id, 'replied_at');
      return;
    }
    // `reply`, and also `open` / `click`: an answer is more engagement than either.
    await this.control.recordReply([enrollment]);
  }

  /** The contact used the List-Unsubscribe mailto (or answered "unsubscribe"): as the one-click link does. */
  private async unsubscribe({ enrollment }: Match): Promise<void> {
    const contact = await this.db.repos.contacts.findById(enrollment.organizationId, enrollment.contactId);
    if (contact) await this.control.unsubscribeContactEntity(contact, { source: 'mailto', enrollment });
    await this.db.repos.enrollmentControl.stampLastSent(enrollment.id, 'unsubscribed_at');
  }

  /** Sets the lead's category when the classifier is sure of one; a category set by hand is kept. */
  private async categorize({ enrollment, confidence }: Match, kind: ReplyKind, reason: string | null): Promise<void> {
    const category = automaticCategory({ kind, confidence, reason });
    if (!category) return;
    await this.db.transaction(async (repos) => {
      const written = await repos.leads.setCategory(enrollment.id, category, 'automatic');
      if (!written || written.previous === category) return;
      const email = (await repos.contacts.findById(enrollment.organizationId, enrollment.contactId))?.email ?? null;
      await repos.events.record([
        leadCategoryChanged(enrollmentFacts(enrollment, email), {
          from: written.previous,
          to: category,
          source: 'automatic',
        }),
      ]);
    });
  }

  private async hardBounce({ message, enrollment }: Match): Promise<void> {
    const contact = await this.db.repos.contacts.findById(enrollment.organizationId, enrollment.contactId);
    if (contact) await this.control.bounceContact(contact, [enrollment]);
    const campaign = await this.db.repos.campaigns.findByIdUnscoped(message.campaignId);
    if (campaign) await checkMailboxHealth(this.db, this.logger, message.mailboxId, campaign);
  }

  private async complaint({ enrollment }: Match): Promise<void> {
    const contact = await this.db.repos.contacts.findById(enrollment.organizationId, enrollment.contactId);
    if (contact) await this.control.complainContact(contact);
  }
}

/** Our List-Unsubscribe mailto sets the subject to "unsubscribe"; people write the same by hand. */
function isUnsubscribeRequest(inbound: InboundMessage): boolean {
  return /^\s*(re:\s*)?unsubscribe\b/i.test(inbound.subject ?? '');
}

/** What a reply and a report record alike: where it was read, and the message and enrollment it concerns. */
function recorded(mailbox: MailboxEntity, mail: InboundMail, inboundMessageId: string, match: Match) {
  return {
    organizationId: mailbox.organizationId,
    mailboxId: mailbox.id,
    inboundMessageId,
    campaignId: match.message.campaignId,
    enrollmentId: match.message.enrollmentId,
    contactId: match.enrollment.contactId,
    messageId: match.message.id,
    receivedAt: mail.receivedAt,
  };
}
