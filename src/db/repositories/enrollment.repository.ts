import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { EnrollmentEntity, type EnrollmentStatus } from '../entities/enrollment.entity';

/** Statuses after which an enrollment never sends again. */
export const FINAL_ENROLLMENT_STATUSES: EnrollmentStatus[] = [
  'replied',
  'bounced',
  'unsubscribed',
  'completed',
  'stopped',
  'failed',
  'skipped',
];

export type NewEnrollment = Pick<
  EnrollmentEntity,
  'organizationId' | 'campaignId' | 'contactId' | 'batchNumber' | 'priority' | 'workflowId'
>;

export class EnrollmentRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Inserts the enrollment; null when the contact is already enrolled in the campaign. */
  async insertIfAbsent(enrollment: NewEnrollment): Promise<EnrollmentEntity | null> {
    const result = await this.manager
      .createQueryBuilder()
      .insert()
      .into(EnrollmentEntity)
      .values(enrollment)
      .orIgnore()
      .returning('id')
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id ? this.manager.findOneByOrFail(EnrollmentEntity, { id }) : null;
  }

  /** Inserts the enrollments that do not exist yet (one statement); returns those inserted. */
  async insertMissing(enrollments: NewEnrollment[]): Promise<EnrollmentEntity[]> {
    if (enrollments.length === 0) return [];
    const result = await this.manager
      .createQueryBuilder()
      .insert()
      .into(EnrollmentEntity)
      .values(enrollments)
      .orIgnore()
      .returning('id')
      .execute();
    const ids = (result.raw as { id: string }[]).map((row) => row.id);
    if (ids.length === 0) return [];
    return this.manager.find(EnrollmentEntity, { where: { id: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * Of these contacts, those enrolled (not skipped) in another campaign of the outreach, with that campaign's
   * name: a `unique_contacts` outreach sends to each contact from one campaign only.
   */
  async contactsInSiblingCampaigns(
    outreachId: string,
    campaignId: string,
    contactIds: string[],
  ): Promise<Map<string, string>> {
    if (contactIds.length === 0) return new Map();
    const rows: { contact_id: string; name: string }[] = await this.manager.query(
      `SELECT DISTINCT ON (enrollment.contact_id) enrollment.contact_id, campaign.name
         FROM enrollments enrollment JOIN campaigns campaign ON campaign.id = enrollment.campaign_id
        WHERE campaign.outreach_id = $1 AND campaign.id <> $2 AND enrollment.contact_id = ANY($3::uuid[])
          AND enrollment.status <> 'skipped'
        ORDER BY enrollment.contact_id, enrollment.created_at`,
      [outreachId, campaignId, contactIds],
    );
    return new Map(rows.map((row) => [row.contact_id, row.name]));
  }

  async markSkipped(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.manager.update(
      EnrollmentEntity,
      { id: In(ids), status: 'pending' },
      { status: 'skipped', finishedAt: () => 'now()' },
    );
  }

  /** What the forecast needs of the campaign's enrollments whose sequence is running and not held. */
  scheduled(
    campaignId: string,
  ): Promise<Pick<EnrollmentEntity, 'currentStep' | 'nextSendAt' | 'startedAt' | 'mailboxId'>[]> {
    return this.manager.find(EnrollmentEntity, {
      where: { campaignId, status: 'active' },
      select: { currentStep: true, nextSendAt: true, startedAt: true, mailboxId: true },
    });
  }

  async countHeld(campaignId: string): Promise<number> {
    return this.manager.countBy(EnrollmentEntity, { campaignId, status: 'paused' });
  }

  /** Enrollments whose workflow is running (sending or waiting), for campaign-wide signals. */
  running(campaignId: string): Promise<Pick<EnrollmentEntity, 'id' | 'workflowId'>[]> {
    return this.manager.find(EnrollmentEntity, {
      where: { campaignId, status: In(['active', 'paused']) },
      select: { id: true, workflowId: true },
    });
  }

  /** Pending enrollments of active evergreen campaigns: their start was interrupted (they start on their own). */
  strandedInEvergreen(limit: number): Promise<EnrollmentEntity[]> {
    return this.manager
      .createQueryBuilder(EnrollmentEntity, 'enrollment')
      .innerJoin('enrollment.campaign', 'campaign')
      .where("enrollment.status = 'pending' AND campaign.evergreen AND campaign.status = 'active'")
      .orderBy('enrollment.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Every pending enrollment of the campaign, highest priority first. */
  pending(campaignId: string): Promise<EnrollmentEntity[]> {
    return this.manager.find(EnrollmentEntity, {
      where: { campaignId, status: 'pending' },
      order: { priority: 'DESC', createdAt: 'ASC', id: 'ASC' },
    });
  }

  findInCampaign(organizationId: string, campaignId: string, id: string): Promise<EnrollmentEntity | null> {
    return this.manager.findOne(EnrollmentEntity, {
      where: { organizationId, campaignId, id },
      relations: { contact: true },
    });
  }

  findById(id: string): Promise<EnrollmentEntity | null> {
    return this.manager.findOneBy(EnrollmentEntity, { id });
  }

  /** The lowest batch number that still has pending enrollments. */
  async nextPendingBatch(campaignId: string): Promise<number | null> {
    const rows: { batch: number | null }[] = await this.manager.query(
      `SELECT min(batch_number) AS batch FROM enrollments WHERE campaign_id = $1 AND status = 'pending'`,
      [campaignId],
    );
    return rows[0]?.batch ?? null;
  }

  pendingInBatch(campaignId: string, batchNumber: number): Promise<EnrollmentEntity[]> {
    return this.manager.find(EnrollmentEntity, {
      where: { campaignId, batchNumber, status: 'pending' },
      order: { priority: 'DESC', createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Marks dispatched enrollments started; their workflow may already have recorded a later status. */
  async markStarted(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.manager
      .createQueryBuilder()
      .update(EnrollmentEntity)
      .set({
        status: () => "CASE WHEN status = 'pending' THEN 'active' ELSE status END",
        startedAt: () => 'COALESCE(started_at, now())',
      })
      .where({ id: In(ids) })
      .execute();
  }

  /** Records the workflow's schedule, unless the enrollment already finished. */
  /**
   * Records the schedule the workflow observed at `observedAt`, unless the enrollment already finished. The status
   * is left alone when the API changed it after that moment: the workflow writes one activity after observing, so
   * its view may predate a pause or resume it has not processed yet.
   */
  async recordSchedule(
    id: string,
    status: 'active' | 'paused',
    nextSendAt: Date | null,
    observedAt: Date,
  ): Promise<void> {
    await this.manager.query(
      `UPDATE enrollments
          SET next_send_at = $3,
              status = CASE WHEN control_changed_at IS NULL OR control_changed_at <= $4 THEN $2 ELSE status END,
              updated_at = now()
        WHERE id = $1 AND status <> ALL($5::text[])`,
      [id, status, nextSendAt, observedAt, FINAL_ENROLLMENT_STATUSES],
    );
  }

  async recordSend(id: string, position: number, mailboxId: string): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .update(EnrollmentEntity)
      .set({ currentStep: position, mailboxId: () => 'COALESCE(mailbox_id, :mailboxId)' })
      .setParameter('mailboxId', mailboxId)
      .where('id = :id', { id })
      .execute();
  }

  async finish(id: string, status: EnrollmentStatus, error: string | null): Promise<void> {
    await this.manager.update(
      EnrollmentEntity,
      { id },
      // A reason recorded earlier (e.g. by the API that stopped it) is kept when the workflow gives none.
      { status, lastError: error ?? (() => 'last_error'), nextSendAt: null, finishedAt: () => 'now()' },
    );
  }
}
