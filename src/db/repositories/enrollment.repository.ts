// The enrollments table as the engine writes it: inserting enrollments, the start queue dispatch drains, the progress
// their workflows record (started, schedule, send, finish) and the pages campaign-wide signals walk. Over ~300 lines:
// its queries guard the same transitions (no change to a finished enrollment, no step back), read together here; the
// status changes asked for over the API are in enrollment-control.repository.ts.
import type { EntityManager } from 'typeorm';
import { EnrollmentEntity, FINAL_ENROLLMENT_STATUSES, type EnrollmentStatus } from '../entities/enrollment.entity';

export type NewEnrollment = Pick<
  EnrollmentEntity,
  'organizationId' | 'campaignId' | 'contactId' | 'batchNumber' | 'priority' | 'workflowId'
>;

/**
 * Records `enrollment.completed` / `enrollment.stopped` for the rows of the CTE `ended` (id, organization_id,
 * campaign_id, contact_id, mailbox_id, current_step, status, reason) that pass `condition`, in the statement that
 * ended them: no round trip of its own on the send path. The payload is the domain's enrollmentStopped's (see
 * src/domain/events/event-builders.ts); the key makes an ending recorded again (a retry) one event.
 */
function reportEndings(condition: string): string {
  return `INSERT INTO events (organization_id, type, campaign_id, mailbox_id, enrollment_id, contact_id, step_position,
                             recipient_domain, data, dedupe_key)
    SELECT ended.organization_id, 'enrollment.' || ended.status, ended.campaign_id, ended.mailbox_id, ended.id,
           ended.contact_id, nullif(ended.current_step, 0), lower(substring(contact.email FROM '[^@]*$')),
           jsonb_strip_nulls(jsonb_build_object(
             'enrollment_id', ended.id, 'campaign_id', ended.campaign_id, 'contact_id', ended.contact_id,
             'email', contact.email, 'mailbox_id', ended.mailbox_id, 'step', nullif(ended.current_step, 0),
             'reason', ended.reason)),
           'enrollment.' || ended.status || ':' || ended.id
      FROM ended LEFT JOIN contacts contact ON contact.id = ended.contact_id
     WHERE ended.status IN ('completed', 'stopped') AND (${condition})
    ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`;
}

/** What `ended` returns for reportEndings, `target` being the row as it was (locked). */
const ENDED_COLUMNS = `enrollment.id, enrollment.organization_id, enrollment.campaign_id, enrollment.contact_id,
  enrollment.mailbox_id, enrollment.current_step, enrollment.status, target.status AS previous`;

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

  /**
   * Inserts the enrollments that do not exist yet, in one statement whatever their number (one array parameter per
   * column); returns how many were inserted. With `requestStart`, they join their campaign's start queue at once.
   */
  async insertMissing(enrollments: NewEnrollment[], options: { requestStart?: boolean } = {}): Promise<number> {
    if (enrollments.length === 0) return 0;
    const rows: { inserted: string }[] = await this.manager.query(
      `WITH inserted AS (
         INSERT INTO enrollments
           (organization_id, campaign_id, contact_id, batch_number, priority, workflow_id, start_requested_at)
         SELECT input.organization_id, input.campaign_id, input.contact_id, input.batch_number, input.priority,
                input.workflow_id, CASE WHEN $7::boolean THEN now() END
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::int[], $6::text[])
                WITH ORDINALITY AS input(organization_id, campaign_id, contact_id, batch_number, priority, workflow_id, ordinal)
          ORDER BY input.ordinal
         ON CONFLICT (campaign_id, contact_id) DO NOTHING
         RETURNING 1
       )
       SELECT count(*) AS inserted FROM inserted`,
      [
        enrollments.map((enrollment) => enrollment.organizationId),
        enrollments.map((enrollment) => enrollment.campaignId),
        enrollments.map((enrollment) => enrollment.contactId),
        enrollments.map((enrollment) => enrollment.batchNumber),
        enrollments.map((enrollment) => enrollment.priority),
        enrollments.map((enrollment) => enrollment.workflowId),
        options.requestStart === true,
      ],
    );
    return Number(rows[0]?.inserted ?? 0);
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
    await this.manager.query(
      `UPDATE enrollments SET status = 'skipped', finished_at = now(), updated_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [ids],
    );
  }

  /** Puts these pending enrollments in their campaign's start queue (their workflows start in the background). */
  async requestStarts(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.manager.query(
      `UPDATE enrollments SET start_requested_at = COALESCE(start_requested_at, now()), updated_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [ids],
    );
  }

  /** Puts every pending enrollment of the campaign in its start queue (an evergreen campaign resumed). */
  async requestPendingStarts(campaignId: string): Promise<void> {
    await this.manager.query(
      `UPDATE enrollments SET start_requested_at = now(), updated_at = now()
        WHERE campaign_id = $1 AND status = 'pending' AND start_requested_at IS NULL`,
      [campaignId],
    );
  }

  /**
   * Queues the pending enrollments of active evergreen campaigns that are not queued yet: left so by a process that
   * died between committing them and starting their workflows, before starts were queued in the same transaction.
   */
  async requestStrandedEvergreenStarts(): Promise<void> {
    await this.manager.query(
      `UPDATE enrollments enrollment SET start_requested_at = now(), updated_at = now()
         FROM campaigns campaign
        WHERE campaign.id = enrollment.campaign_id AND campaign.evergreen AND campaign.status = 'active'
          AND enrollment.status = 'pending' AND enrollment.start_requested_at IS NULL`,
    );
  }

  /** The next queued enrollments of the campaign, highest priority first, as dispatch orders them. */
  async startQueue(
    campaignId: string,
    limit: number,
  ): Promise<Pick<EnrollmentEntity, 'id' | 'campaignId' | 'contactId' | 'workflowId'>[]> {
    const rows: { id: string; campaign_id: string; contact_id: string; workflow_id: string }[] =
      await this.manager.query(
        `SELECT id, campaign_id, contact_id, workflow_id FROM enrollments
          WHERE campaign_id = $1 AND status = 'pending' AND start_requested_at IS NOT NULL
          ORDER BY priority DESC, created_at, id LIMIT $2`,
        [campaignId, limit],
      );
    return rows.map((row) => ({
      id: row.id,
      campaignId: row.campaign_id,
      contactId: row.contact_id,
      workflowId: row.workflow_id,
    }));
  }

  /** Active campaigns with queued starts, and how many each has queued. */
  async queuedStartsByCampaign(): Promise<Map<string, number>> {
    const rows: { campaign_id: string; queued: string }[] = await this.manager.query(
      `SELECT enrollment.campaign_id, count(*) AS queued
         FROM enrollments enrollment JOIN campaigns campaign ON campaign.id = enrollment.campaign_id
        WHERE campaign.status = 'active' AND enrollment.status = 'pending' AND enrollment.start_requested_at IS NOT NULL
        GROUP BY enrollment.campaign_id`,
    );
    return new Map(rows.map((row) => [row.campaign_id, Number(row.queued)]));
  }

  /**
   * What the forecast needs of the campaign's enrollments whose sequence is running and not held. An enrollment whose
   * step 1 is claimed but not yet settled has no mailbox of its own yet; its claimed message's mailbox stands in, so
   * the slot the claim reserved is not counted a second time for it.
   */
  async scheduled(
    campaignId: string,
  ): Promise<Pick<EnrollmentEntity, 'currentStep' | 'nextSendAt' | 'startedAt' | 'mailboxId'>[]> {
    const rows: {
      current_step: number;
      next_send_at: Date | null;
      started_at: Date | null;
      mailbox_id: string | null;
    }[] = await this.manager.query(
      `SELECT enrollment.current_step, enrollment.next_send_at, enrollment.started_at,
                COALESCE(enrollment.mailbox_id,
                  (SELECT message.mailbox_id FROM messages message
                    WHERE message.enrollment_id = enrollment.id AND message.status <> 'failed'
                    ORDER BY message.step_position LIMIT 1)) AS mailbox_id
           FROM enrollments enrollment
          WHERE enrollment.campaign_id = $1 AND enrollment.status = 'active'`,
      [campaignId],
    );
    return rows.map((row) => ({
      currentStep: row.current_step,
      nextSendAt: row.next_send_at,
      startedAt: row.started_at,
      mailboxId: row.mailbox_id,
    }));
  }

  async countHeld(campaignId: string): Promise<number> {
    return this.manager.countBy(EnrollmentEntity, { campaignId, status: 'paused' });
  }

  /**
   * One page of the campaign's enrollments whose workflow is running (sending or waiting), after the `afterId`
   * cursor in id order: campaign-wide signals page through them without OFFSET.
   */
  async runningPage(
    campaignId: string,
    afterId: string | null,
    limit: number,
  ): Promise<Pick<EnrollmentEntity, 'id' | 'workflowId'>[]> {
    const rows: { id: string; workflow_id: string }[] = await this.manager.query(
      `SELECT id, workflow_id FROM enrollments
        WHERE campaign_id = $1 AND status IN ('active', 'paused') AND ($2::uuid IS NULL OR id > $2::uuid)
        ORDER BY id LIMIT $3`,
      [campaignId, afterId, limit],
    );
    return rows.map((row) => ({ id: row.id, workflowId: row.workflow_id }));
  }

  /** Deletes up to `limit` of the campaign's enrollments (with what cascades from them); returns how many. */
  async deleteSomeOfCampaign(campaignId: string, limit: number): Promise<number> {
    const [, deleted]: [unknown[], number] = await this.manager.query(
      `DELETE FROM enrollments WHERE id IN (SELECT id FROM enrollments WHERE campaign_id = $1 LIMIT $2)`,
      [campaignId, limit],
    );
    return deleted;
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

  /** The batch's pending enrollments with their contacts (read once, for screening and the merge-field check). */
  pendingInBatch(campaignId: string, batchNumber: number): Promise<EnrollmentEntity[]> {
    return this.manager.find(EnrollmentEntity, {
      where: { campaignId, batchNumber, status: 'pending' },
      relations: { contact: true },
      order: { priority: 'DESC', createdAt: 'ASC', id: 'ASC' },
    });
  }

  /**
   * The enrollments' workflows were started: pending ones become active, due for step 1 at `firstDueAt` (null: the
   * campaign has no step) — their workflows record no schedule of their own before that step. A workflow may already
   * have recorded a later status or step, which is kept.
   */
  /**
   * Deletes the campaign's enrollments of the list's contacts that wait for a dispatch not asked for yet (nothing
   * was sent to them, and no start is queued); returns how many.
   */
  async deleteUndispatchedOfList(campaignId: string, listId: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.manager.query(
      `DELETE FROM enrollments enrollment
        USING list_contacts member
        WHERE enrollment.campaign_id = $1 AND member.list_id = $2 AND member.contact_id = enrollment.contact_id
          AND enrollment.status = 'pending' AND enrollment.start_requested_at IS NULL`,
      [campaignId, listId],
    );
    return affected;
  }

  /**
   * Ends the campaign's enrollments that were never started (the campaign was stopped), recording
   * `enrollment.stopped` for each in the same statement; returns how many.
   */
  async stopPending(campaignId: string, reason: string): Promise<number> {
    const rows: { stopped: string }[] = await this.manager.query(
      `WITH ended AS (
         UPDATE enrollments SET status = 'stopped', last_error = $2, next_send_at = NULL, finished_at = now(),
                updated_at = now()
          WHERE campaign_id = $1 AND status = 'pending'
         RETURNING id, organization_id, campaign_id, contact_id, mailbox_id, current_step, status, $2::text AS reason
       ), reported AS (${reportEndings('true')})
       SELECT count(*) AS stopped FROM ended`,
      [campaignId, reason],
    );
    return Number(rows[0]?.stopped ?? 0);
  }

  async markStarted(ids: string[], firstDueAt: Date | null): Promise<void> {
    if (ids.length === 0) return;
    // Each SET expression reads the row as it was: only a pending enrollment that sent nothing yet gets its due time.
    await this.manager.query(
      `UPDATE enrollments
          SET next_send_at = CASE WHEN status = 'pending' AND current_step = 0 THEN $2 ELSE next_send_at END,
              status = CASE WHEN status = 'pending' THEN 'active' ELSE status END,
              started_at = COALESCE(started_at, now()), updated_at = now()
        WHERE id = ANY($1::uuid[])`,
      [ids, firstDueAt],
    );
  }

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

  /**
   * A step was sent (or flagged): the enrollment is at `position` on its mailbox. `next`, when given, is what the
   * sequence does next, recorded as its workflow would (which then need not), unless the enrollment already
   * finished: the next step due at a time, or — the last step sent — the enrollment completed. An enrollment
   * already past `position` (a step recorded again after a later one) is left as it is. The completion records
   * `enrollment.completed` in the same statement, only when this statement made it.
   */
  async recordSend(
    id: string,
    position: number,
    mailboxId: string,
    next?: { dueAt: Date } | 'completed',
  ): Promise<void> {
    // The row lock makes `previous` the status this statement replaced, whatever ran at the same time.
    await this.manager.query(
      `WITH target AS (
         SELECT id, status FROM enrollments WHERE id = $1 AND current_step <= $2 FOR UPDATE
       ), ended AS (
         UPDATE enrollments enrollment
            SET current_step = $2, mailbox_id = COALESCE(enrollment.mailbox_id, $3), updated_at = now(),
                next_send_at = CASE WHEN $4::text IS NOT NULL AND enrollment.status <> ALL($6::text[]) THEN $5
                                    ELSE enrollment.next_send_at END,
                status = CASE WHEN $4 = 'completed' AND enrollment.status <> ALL($6::text[]) THEN 'completed'
                              ELSE enrollment.status END,
                finished_at = CASE WHEN $4 = 'completed' AND enrollment.status <> ALL($6::text[]) THEN now()
                                   ELSE enrollment.finished_at END
           FROM target
          WHERE enrollment.id = target.id
         RETURNING ${ENDED_COLUMNS}, NULL::text AS reason
       )
       ${reportEndings(`ended.status = 'completed' AND ended.previous <> 'completed'`)}`,
      [
        id,
        position,
        mailboxId,
        next === undefined ? null : next === 'completed' ? 'completed' : 'due',
        next === undefined || next === 'completed' ? null : next.dueAt,
        FINAL_ENROLLMENT_STATUSES,
      ],
    );
  }

  /**
   * Records how the workflow ended the enrollment. Ending it `completed` or `stopped` records the event in the same
   * statement, unless it already was so (the API stopped it first; the last send completed it).
   */
  async finish(id: string, status: EnrollmentStatus, error: string | null): Promise<void> {
    await this.manager.query(
      `WITH target AS (SELECT id, status FROM enrollments WHERE id = $1 FOR UPDATE),
       ended AS (
         UPDATE enrollments enrollment
            -- A reason recorded earlier (e.g. by the API that stopped it) is kept when the workflow gives none.
            SET status = $2, last_error = COALESCE($3::text, enrollment.last_error), next_send_at = NULL,
                finished_at = now(), updated_at = now()
           FROM target
          WHERE enrollment.id = target.id
         RETURNING ${ENDED_COLUMNS}, $3::text AS reason
       )
       ${reportEndings('ended.previous <> ended.status')}`,
      [id, status, error],
    );
  }
}
