import crypto from 'node:crypto';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { ManualReplyEntity } from '../../db/entities/manual-reply.entity';
import type { Database } from '../../db/repositories';
import { messageIdFor } from '../../mail/compose';
import type { EnrollmentControlService } from '../enrollments/enrollment-control.service';
import { AppError } from '../errors';
import type { ManualReplyWorkflowsPort } from './manual-reply-workflows.port';
import { whyContactUnreachable, whyMailboxCannotSend } from './reply-rules';
import { conversationMailboxId, replySubject, threadHeaders, threadOf, type ThreadEntry } from './thread';

/** How many stranded replies one worker start hands over (the next start takes the rest). */
const STRANDED_BATCH = 1000;

/** An operator's reply, as asked for: at least one body; the subject defaults to `Re: ` the conversation's. */
export interface ReplyRequest {
  subject: string | undefined;
  bodyText: string | undefined;
  bodyHtml: string | undefined;
  /** The client's Idempotency-Key: the same key on the same enrollment is the same reply. */
  idempotencyKey: string | undefined;
}

/** One enrollment's conversation: what was sent and read, in order, and the replies operators send in it. */
export class ConversationService {
  constructor(
    private readonly db: Database,
    private readonly control: EnrollmentControlService,
    private readonly workflows: ManualReplyWorkflowsPort,
  ) {}

  /** The enrollment's conversation, oldest first: its steps, the replies sent in it and those read. */
  async thread(organizationId: string, campaignId: string, enrollmentId: string): Promise<ThreadEntry[]> {
    const enrollment = await this.control.require(organizationId, campaignId, enrollmentId);
    return this.threadOf(enrollment);
  }

  /**
   * Records a reply in the conversation (`pending`) and starts its workflow, which sends it once from the
   * conversation's mailbox, threaded under its last message. With an Idempotency-Key already used on this enrollment,
   * answers the reply recorded then (`repeated`) and sends nothing new; another body under that key is a 409.
   */
  async reply(
    organizationId: string,
    campaignId: string,
    enrollmentId: string,
    request: ReplyRequest,
  ): Promise<{ reply: ManualReplyEntity; repeated: boolean }> {
    const { repos } = this.db;
    const enrollment = await this.control.require(organizationId, campaignId, enrollmentId);
    const key = request.idempotencyKey;
    const earlier = key ? await repos.manualReplies.findByKey(enrollment.id, key) : null;
    if (earlier) return this.repeat(earlier, request);

    const unreachable = await whyContactUnreachable(repos, enrollment);
    if (unreachable) throw new AppError('recipient_unreachable', `No reply can be sent: ${unreachable}.`);
    const entries = await this.threadOf(enrollment);
    const headers = threadHeaders(entries);
    const mailboxId = conversationMailboxId(enrollment.mailboxId, entries);
    if (!headers || !mailboxId) {
      throw new AppError(
        'conversation_not_started',
        'No message of this enrollment has reached the contact yet: there is nothing to reply to.',
      );
    }
    const mailbox = await repos.mailboxes.findById(mailboxId);
    const cannotSend = mailbox ? whyMailboxCannotSend(mailbox) : 'the mailbox of the conversation was deleted';
    if (!mailbox || cannotSend) {
      throw new AppError(
        'mailbox_cannot_send',
        `No reply can be sent: ${cannotSend}. Fix or re-enable the mailbox, then reply again.`,
      );
    }
    const id = crypto.randomUUID();
    const contact = (await repos.contacts.findById(organizationId, enrollment.contactId))!;
    const inserted = await repos.manualReplies.insertPending({
      id,
      organizationId,
      campaignId: enrollment.campaignId,
      enrollmentId: enrollment.id,
      mailboxId: mailbox.id,
      idempotencyKey: key ?? null,
      messageId: messageIdFor(id, 0, mailbox.fromEmail),
      inReplyTo: headers.inReplyTo,
      references: headers.references,
      toEmail: contact.email,
      subject: request.subject ?? replySubject(entries),
      bodyText: request.bodyText ?? null,
      bodyHtml: request.bodyHtml ?? null,
    });
    // The same key in a concurrent request: its reply is the one.
    if (!inserted) return this.repeat((await repos.manualReplies.findByKey(enrollment.id, key!))!, request);
    await this.workflows.start(id);
    return { reply: (await repos.manualReplies.findById(id))!, repeated: false };
  }

  /**
   * Starts the workflows of replies still `pending` (the API process died between recording one and starting its
   * workflow); one already started is not started again. Run at worker start; returns how many it looked at.
   */
  async startStranded(): Promise<number> {
    const ids = await this.db.repos.manualReplies.pendingIds(STRANDED_BATCH);
    for (const id of ids) await this.workflows.start(id);
    return ids.length;
  }

  /** A request repeated under its Idempotency-Key: the reply recorded then, its workflow started if it was not. */
  private async repeat(
    earlier: ManualReplyEntity,
    request: ReplyRequest,
  ): Promise<{ reply: ManualReplyEntity; repeated: boolean }> {
    const same =
      earlier.bodyText === (request.bodyText ?? null) &&
      earlier.bodyHtml === (request.bodyHtml ?? null) &&
      (request.subject === undefined || request.subject === earlier.subject);
    if (!same) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used for another reply on this enrollment; use a new key for a new reply.',
      );
    }
    // The first request may have ended before it started the workflow; a started one is not started again.
    if (earlier.status === 'pending') await this.workflows.start(earlier.id);
    return { reply: earlier, repeated: true };
  }

  private async threadOf(enrollment: EnrollmentEntity): Promise<ThreadEntry[]> {
    const { repos } = this.db;
    const [messages, replies, sent] = await Promise.all([
      repos.enrollmentControl.messages(enrollment.id),
      repos.inbound.repliesTo([enrollment.id]),
      repos.manualReplies.ofEnrollment(enrollment.id),
    ]);
    return threadOf(messages, replies, sent);
  }
}
