import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MessageEntity } from '../../db/entities/message.entity';
import type { Database } from '../../db/repositories';
import { screenEnrollment } from '../delivery/step-screening';
import { AppError } from '../errors';
import type { EnrollmentControlService } from './enrollment-control.service';

/** What the domain needs from Temporal to resend a message durably. */
export interface MessageResendsPort {
  /** Starts the resend of this message's `attempt`; one already started for it counts as success. */
  start(enrollmentId: string, position: number, attempt: number): Promise<void>;
}

/**
 * The operator's decision on a send whose outcome is unknown (the connection broke after the message data, or a
 * worker died mid-send): it is never re-sent automatically. Checked and found delivered → `markSent`; found not
 * delivered → `resend`.
 */
export class UnknownSendService {
  constructor(
    private readonly db: Database,
    private readonly control: EnrollmentControlService,
    private readonly resends: MessageResendsPort,
  ) {}

  /**
   * Sends the message again, once, from the same mailbox with the same Message-ID (a receiving server that did get
   * the first copy may drop the second as a duplicate). Durable: a workflow carries it out, waiting for the mailbox's
   * rest and the sending window; the message shows `sending`, then its new outcome. Refused when someone asked to
   * stop in between (the contact unsubscribed, replied or bounced, the enrollment or campaign was stopped or paused).
   */
  async resend(organizationId: string, campaignId: string, enrollmentId: string, step: number): Promise<MessageEntity> {
    const { enrollment, message } = await this.requireUnknown(organizationId, campaignId, enrollmentId, step, 'resent');
    // The send screens again when it runs; a wait (the sending window) is no reason to refuse.
    const { outcome } = await screenEnrollment(this.db.repos, enrollment, { position: step, purpose: 'resend' });
    if (outcome?.kind === 'stopped') {
      throw new AppError('message_not_resendable', `The message cannot be resent: ${outcome.reason}.`, {
        extra: { current_state: message.status },
      });
    }
    await this.resends.start(enrollmentId, step, message.attempts);
    return message;
  }

  /** Records the message as delivered (the operator found it at the recipient's side or in the provider's logs). */
  async markSent(
    organizationId: string,
    campaignId: string,
    enrollmentId: string,
    step: number,
  ): Promise<MessageEntity> {
    await this.requireUnknown(organizationId, campaignId, enrollmentId, step, 'marked sent');
    if (!(await this.db.repos.messages.markUnknownSent(enrollmentId, step))) {
      // Resolved by someone else meanwhile: report the state it is in now.
      await this.requireUnknown(organizationId, campaignId, enrollmentId, step, 'marked sent');
    }
    return (await this.db.repos.messages.findByStep(enrollmentId, step))!;
  }

  private async requireUnknown(
    organizationId: string,
    campaignId: string,
    enrollmentId: string,
    step: number,
    action: string,
  ): Promise<{ enrollment: EnrollmentEntity; message: MessageEntity }> {
    const enrollment = await this.control.require(organizationId, campaignId, enrollmentId);
    const message = await this.db.repos.messages.findByStep(enrollmentId, step);
    if (!message) throw new AppError('message_not_found', `Step ${step} of this enrollment has no message.`);
    if (message.status !== 'unknown') {
      throw new AppError(
        'message_not_unknown',
        `Only a message whose outcome is unknown can be ${action}; this one is ${message.status}.`,
        { extra: { current_state: message.status } },
      );
    }
    return { enrollment, message };
  }
}
