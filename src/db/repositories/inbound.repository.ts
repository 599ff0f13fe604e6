import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { BounceEntity } from '../entities/bounce.entity';
import { EnrollmentEntity } from '../entities/enrollment.entity';
import { MailboxCursorEntity } from '../entities/mailbox-cursor.entity';
import { COUNTED_SEND_STATUSES, MessageEntity } from '../entities/message.entity';
import { ReplyEntity } from '../entities/reply.entity';

export type NewReply = Omit<ReplyEntity, 'id' | 'createdAt'>;
export type NewBounce = Omit<BounceEntity, 'id' | 'createdAt'>;

/** What the mailbox monitors read: folder cursors, and the replies and reports matched to enrollments. */
export class InboundRepository {
  constructor(private readonly manager: EntityManager) {}

  cursor(mailboxId: string, folder: string): Promise<MailboxCursorEntity | null> {
    return this.manager.findOneBy(MailboxCursorEntity, { mailboxId, folder });
  }

  /**
   * Moves the folder's cursor forward. Within one UIDVALIDITY it never moves back (the monitor and a just-in-time
   * check may read the same folder at once); a new UIDVALIDITY replaces it.
   */
  async advanceCursor(mailboxId: string, folder: string, uidValidity: number, lastUid: number): Promise<void> {
    await this.manager.query(
      `INSERT INTO mailbox_cursors (mailbox_id, folder, uid_validity, last_uid) VALUES ($1, $2, $3, $4)
       ON CONFLICT (mailbox_id, folder) DO UPDATE
          SET last_uid = CASE WHEN mailbox_cursors.uid_validity = excluded.uid_validity
                              THEN greatest(mailbox_cursors.last_uid, excluded.last_uid) ELSE excluded.last_uid END,
              uid_validity = excluded.uid_validity,
              updated_at = now()`,
      [mailboxId, folder, uidValidity, lastUid],
    );
  }

  /** Whether a reply or report with this inbound Message-ID was already recorded for the mailbox. */
  async isRecorded(mailboxId: string, inboundMessageId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `SELECT 1 FROM replies WHERE mailbox_id = $1 AND inbound_message_id = $2
       UNION ALL
       SELECT 1 FROM bounces WHERE mailbox_id = $1 AND inbound_message_id = $2
       LIMIT 1`,
      [mailboxId, inboundMessageId],
    );
    return rows.length > 0;
  }

  /**
   * Of these Message-IDs, the messages the organization sent (most recent step first); a reply an operator sent
   * stands for the steps of its conversation, so an answer naming only it is matched as surely.
   */
  sentWithMessageIds(organizationId: string, messageIds: string[]): Promise<MessageEntity[]> {
    if (messageIds.length === 0) return Promise.resolve([]);
    return this.manager
      .createQueryBuilder(MessageEntity, 'message')
      .where('message.organization_id = :organizationId', { organizationId })
      .andWhere(
        `(message.message_id = ANY(:messageIds::text[]) OR message.enrollment_id IN (
           SELECT enrollment_id FROM manual_replies
            WHERE organization_id = :organizationId AND message_id = ANY(:messageIds::text[])))`,
        { messageIds },
      )
      .andWhere('message.status = ANY(:statuses::text[])', { statuses: COUNTED_SEND_STATUSES })
      .orderBy('message.step_position', 'DESC')
      .getMany();
  }

  /**
   * The latest message the mailbox sent to this address, in a campaign whose enrollment is running or finished after
   * sending (replies and reports arrive after the last step too): how mail without our Message-IDs is matched.
   */
  async lastSentTo(mailboxId: string, email: string): Promise<MessageEntity | null> {
    return this.manager
      .createQueryBuilder(MessageEntity, 'message')
      .innerJoin(EnrollmentEntity, 'enrollment', 'enrollment.id = message.enrollment_id')
      .where('message.mailbox_id = :mailboxId', { mailboxId })
      .andWhere('lower(message.to_email) = lower(:email)', { email })
      .andWhere('message.status = ANY(:statuses::text[])', { statuses: COUNTED_SEND_STATUSES })
      .andWhere(`enrollment.status IN ('active', 'paused', 'completed', 'replied')`)
      .orderBy('message.created_at', 'DESC')
      .getOne();
  }

  /** Records the reply; false when this mailbox already recorded that inbound message. */
  recordReply(reply: NewReply): Promise<boolean> {
    return this.insertOnce(ReplyEntity, reply);
  }

  /** Records the report; false when this mailbox already recorded that inbound message. */
  recordBounce(bounce: NewBounce): Promise<boolean> {
    return this.insertOnce(BounceEntity, bounce);
  }

  /** The replies recorded for these enrollments, oldest first. */
  repliesTo(enrollmentIds: string[]): Promise<ReplyEntity[]> {
    if (enrollmentIds.length === 0) return Promise.resolve([]);
    return this.manager
      .createQueryBuilder(ReplyEntity, 'reply')
      .where('reply.enrollment_id = ANY(:enrollmentIds::uuid[])', { enrollmentIds })
      .orderBy('reply.received_at', 'ASC')
      .getMany();
  }

  /** Inserts the row unless its unique (mailbox, inbound Message-ID) is taken; true when inserted. */
  private async insertOnce(entity: EntityTarget<ObjectLiteral>, values: ObjectLiteral): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values(values)
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }
}
