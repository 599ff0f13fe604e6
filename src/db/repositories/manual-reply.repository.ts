import type { EntityManager } from 'typeorm';
import { ManualReplyEntity, type ManualReplyStatus } from '../entities/manual-reply.entity';

export type NewManualReply = Omit<
  ManualReplyEntity,
  'status' | 'attempts' | 'smtpResponse' | 'sentAt' | 'createdAt' | 'updatedAt'
>;

/** The replies operators send in conversations: their outbox rows, claimed before SMTP and settled after. */
export class ManualReplyRepository {
  constructor(private readonly manager: EntityManager) {}

  findById(id: string): Promise<ManualReplyEntity | null> {
    return this.manager.findOneBy(ManualReplyEntity, { id });
  }

  /** The reply asked for with this Idempotency-Key on the enrollment, if any. */
  findByKey(enrollmentId: string, idempotencyKey: string): Promise<ManualReplyEntity | null> {
    return this.manager.findOneBy(ManualReplyEntity, { enrollmentId, idempotencyKey });
  }

  /** Every reply sent (or being sent) in the enrollment's conversation, oldest first. */
  ofEnrollment(enrollmentId: string): Promise<ManualReplyEntity[]> {
    return this.manager.find(ManualReplyEntity, { where: { enrollmentId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Replies recorded but not yet taken by their workflow, oldest first. */
  async pendingIds(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.manager.query(
      `SELECT id FROM manual_replies WHERE status = 'pending' ORDER BY created_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Records the reply `pending`; false when the enrollment already has one under the same Idempotency-Key (a
   * repeated request, possibly concurrent: the unique index decides).
   */
  async insertPending(reply: NewManualReply): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .insert()
      .into(ManualReplyEntity)
      .values({ ...reply, status: 'pending', attempts: 0 })
      .orIgnore()
      .returning('id')
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  /** The row, locked until the end of the transaction: two attempts at one reply claim one after the other. */
  lock(id: string): Promise<ManualReplyEntity | null> {
    return this.manager
      .createQueryBuilder(ManualReplyEntity, 'reply')
      .setLock('pessimistic_write')
      .where('reply.id = :id', { id })
      .getOne();
  }

  /**
   * Marks the reply `sending` before SMTP is contacted: from `pending`, or `failed` (nothing was delivered). Returns
   * the attempt number, or null when it is in another state.
   */
  async claim(id: string): Promise<number | null> {
    const [rows]: [{ attempts: number }[], number] = await this.manager.query(
      `UPDATE manual_replies SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status IN ('pending', 'failed')
       RETURNING attempts`,
      [id],
    );
    return rows[0]?.attempts ?? null;
  }

  /** Settles the attempt that claimed the row; a stale attempt changes nothing. */
  async settle(
    id: string,
    attempt: number,
    outcome: { status: Exclude<ManualReplyStatus, 'pending' | 'sending'>; smtpResponse: string; at: Date },
  ): Promise<void> {
    await this.manager.query(
      `UPDATE manual_replies
          SET status = $3, smtp_response = $4, updated_at = now(),
              sent_at = CASE WHEN $3 = 'sent' THEN $5 ELSE sent_at END
        WHERE id = $1 AND status = 'sending' AND attempts = $2`,
      [id, attempt, outcome.status, outcome.smtpResponse.slice(0, 1000), outcome.at],
    );
  }

  /** A row left `sending` by a crashed attempt: its outcome is unknown, so flag it rather than send again. */
  async flagUnknown(id: string): Promise<void> {
    await this.manager.update(
      ManualReplyEntity,
      { id, status: 'sending' },
      { status: 'unknown', smtpResponse: 'outcome unknown: the send was interrupted; flagged, not re-sent' },
    );
  }

  /** The reply will not be sent (the contact may no longer be written to): from `pending` or `failed` only. */
  async cancel(id: string, reason: string): Promise<void> {
    await this.manager.query(
      `UPDATE manual_replies SET status = 'cancelled', smtp_response = $2, updated_at = now()
        WHERE id = $1 AND status IN ('pending', 'failed')`,
      [id, reason.slice(0, 1000)],
    );
  }
}
