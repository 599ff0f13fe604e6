import type { EntityManager } from 'typeorm';
import { MessageEntity, type MessageStatus } from '../entities/message.entity';

export type OutboxClaim = Pick<
  MessageEntity,
  | 'organizationId'
  | 'campaignId'
  | 'enrollmentId'
  | 'stepPosition'
  | 'mailboxId'
  | 'messageId'
  | 'toEmail'
  | 'subject'
  | 'variantLabel'
>;

export class MessageRepository {
  constructor(private readonly manager: EntityManager) {}

  findByStep(enrollmentId: string, stepPosition: number): Promise<MessageEntity | null> {
    return this.manager.findOneBy(MessageEntity, { enrollmentId, stepPosition });
  }

  /**
   * Writes the outbox row as `sending` before SMTP is contacted, atomically: a new row, or a retry of a send that
   * definitely failed. Returns the attempt number, or null when another attempt owns or settled the step.
   */
  async claim(claim: OutboxClaim): Promise<number | null> {
    const rows: { attempts: number }[] = await this.manager.query(
      `INSERT INTO messages
         (organization_id, campaign_id, enrollment_id, step_position, mailbox_id, message_id, to_email, subject,
          variant_label, status, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'sending', 1)
       ON CONFLICT (enrollment_id, step_position) DO UPDATE
         SET status = 'sending', attempts = messages.attempts + 1, mailbox_id = EXCLUDED.mailbox_id,
             message_id = EXCLUDED.message_id, subject = EXCLUDED.subject, variant_label = EXCLUDED.variant_label,
             updated_at = now()
         WHERE messages.status = 'failed'
       RETURNING attempts`,
      [
        claim.organizationId,
        claim.campaignId,
        claim.enrollmentId,
        claim.stepPosition,
        claim.mailboxId,
        claim.messageId,
        claim.toEmail,
        claim.subject,
        claim.variantLabel,
      ],
    );
    return rows[0]?.attempts ?? null;
  }

  /** Settles the attempt that claimed the row; a stale attempt changes nothing. */
  async settle(
    id: { enrollmentId: string; stepPosition: number; attempt: number },
    outcome: { status: Exclude<MessageStatus, 'sending'>; smtpResponse: string; at: Date },
  ): Promise<void> {
    const now = outcome.at;
    await this.manager
      .createQueryBuilder()
      .update(MessageEntity)
      .set({
        status: outcome.status,
        smtpResponse: outcome.smtpResponse.slice(0, 1000),
        ...(outcome.status === 'sent' ? { sentAt: now } : {}),
        ...(outcome.status === 'bounced' ? { bouncedAt: now } : {}),
      })
      .where('enrollment_id = :enrollmentId AND step_position = :stepPosition', id)
      .andWhere("status = 'sending' AND attempts = :attempt", { attempt: id.attempt })
      .execute();
  }

  /** A row left `sending` by a crashed attempt: its outcome is unknown, so flag it rather than send again. */
  async flagUnknown(enrollmentId: string, stepPosition: number): Promise<void> {
    await this.manager.update(
      MessageEntity,
      { enrollmentId, stepPosition, status: 'sending' },
      { status: 'unknown', smtpResponse: 'outcome unknown: the send was interrupted; flagged for review' },
    );
  }

  /**
   * Stamps the first open (or click, which implies an open) of a sent message. True only for the first of its kind,
   * so a pixel loaded twice or a link clicked again counts once.
   */
  async recordEngagement(
    message: { enrollmentId: string; position: number },
    kind: 'open' | 'click',
  ): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.manager.query(
      kind === 'open'
        ? `UPDATE messages SET opened_at = now(), updated_at = now()
            WHERE enrollment_id = $1 AND step_position = $2 AND status = 'sent' AND opened_at IS NULL
           RETURNING id`
        : `UPDATE messages SET clicked_at = now(), opened_at = coalesce(opened_at, now()), updated_at = now()
            WHERE enrollment_id = $1 AND step_position = $2 AND status = 'sent' AND clicked_at IS NULL
           RETURNING id`,
      [message.enrollmentId, message.position],
    );
    return rows.length > 0;
  }

  /** The Message-IDs of the steps already sent, oldest first, to thread the next one under. */
  async thread(enrollmentId: string, beforePosition: number): Promise<{ messageId: string; subject: string }[]> {
    return this.manager
      .createQueryBuilder(MessageEntity, 'message')
      .select(['message.messageId', 'message.subject'])
      .where('message.enrollment_id = :enrollmentId AND message.step_position < :beforePosition', {
        enrollmentId,
        beforePosition,
      })
      .andWhere("message.status IN ('sent', 'unknown')")
      .orderBy('message.step_position', 'ASC')
      .getMany();
  }
}
