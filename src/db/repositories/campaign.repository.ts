import type { EntityManager } from 'typeorm';
import { CampaignEntity, type CampaignStatus, type FanoutAction } from '../entities/campaign.entity';
import { SequenceStepEntity } from '../entities/sequence-step.entity';
import { StepVariantEntity } from '../entities/step-variant.entity';

/** The settings a campaign is created with and that PATCH changes. */
export type CampaignSettings = Pick<
  CampaignEntity,
  | 'name'
  | 'evergreen'
  | 'outreachId'
  | 'minWaitSeconds'
  | 'maxWaitSeconds'
  | 'verifyEmailMx'
  | 'bounceRateThreshold'
  | 'schedule'
  | 'maxNewPerDay'
  | 'stopOn'
  | 'trackOpens'
  | 'trackClicks'
  | 'unsubscribeText'
  | 'sendAsPlainText'
  | 'winnerMetric'
  | 'winnerMinSends'
>;
export type NewCampaign = CampaignSettings & { organizationId: string };
export type NewStep = Pick<SequenceStepEntity, 'position' | 'delayMinutes' | 'subject' | 'bodyHtml' | 'bodyText'> & {
  variants: Pick<StepVariantEntity, 'label' | 'subject' | 'bodyHtml' | 'bodyText' | 'weight'>[];
};

/** An active campaign, not evergreen, none of whose enrollments waits for dispatch or runs (`campaign` aliased). */
const FINISHED = `campaign.status = 'active' AND NOT campaign.evergreen
  AND NOT EXISTS (SELECT 1 FROM enrollments enrollment
                   WHERE enrollment.campaign_id = campaign.id AND enrollment.status IN ('pending', 'active', 'paused'))`;

/**
 * Completes the campaigns `campaign` passing `where` and records, in the same statement, `campaign.status_changed`
 * (active → completed) and `campaign.completed` for each, with the payloads of the domain's builders (see
 * src/domain/events/event-builders.ts). Returns the ids of the campaigns it completed. A campaign is completed only
 * from `active`, so no retry can record a completion twice.
 */
function completeWhere(where: string): string {
  return `WITH completed AS (
      UPDATE campaigns campaign SET status = 'completed', updated_at = now()
       WHERE ${where}
      RETURNING campaign.id, campaign.organization_id, campaign.name
    ), reported AS (
      INSERT INTO events (organization_id, type, campaign_id, data)
      SELECT completed.organization_id, event.type, completed.id, event.data
        FROM completed CROSS JOIN LATERAL (VALUES
          (1, 'campaign.status_changed', jsonb_build_object('campaign_id', completed.id, 'name', completed.name,
                                                            'old_status', 'active', 'new_status', 'completed')),
          (2, 'campaign.completed', jsonb_build_object('campaign_id', completed.id, 'name', completed.name))
        ) AS event(ordinal, type, data)
       ORDER BY completed.id, event.ordinal
    )
    SELECT id FROM completed`;
}

/** A campaign whose status a statement changed, and the status it had. */
export interface CampaignMove {
  campaign: CampaignEntity;
  previous: CampaignStatus;
}

export class CampaignRepository {
  constructor(private readonly manager: EntityManager) {}

  async create(campaign: NewCampaign, steps: NewStep[], mailboxIds: string[]): Promise<CampaignEntity> {
    const saved = await this.manager.save(this.manager.create(CampaignEntity, campaign));
    for (const { variants, ...step } of steps) {
      const stored = await this.manager.save(
        this.manager.create(SequenceStepEntity, { ...step, campaignId: saved.id }),
      );
      if (variants.length > 0) {
        await this.manager.insert(
          StepVariantEntity,
          variants.map((variant) => ({ ...variant, stepId: stored.id })),
        );
      }
    }
    await this.manager
      .createQueryBuilder()
      .relation(CampaignEntity, 'mailboxes')
      .of(saved.id)
      .add([...new Set(mailboxIds)]);
    return saved;
  }

  /** The campaign if it belongs to the organization; another organization's campaign is simply not found. */
  findById(organizationId: string, id: string): Promise<CampaignEntity | null> {
    return this.manager.findOneBy(CampaignEntity, { organizationId, id });
  }

  listByOrganization(organizationId: string): Promise<CampaignEntity[]> {
    return this.manager.find(CampaignEntity, { where: { organizationId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  inOutreach(outreachId: string): Promise<CampaignEntity[]> {
    return this.manager.find(CampaignEntity, { where: { outreachId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findByIdUnscoped(id: string): Promise<CampaignEntity | null> {
    return this.manager.findOneBy(CampaignEntity, { id });
  }

  steps(campaignId: string): Promise<SequenceStepEntity[]> {
    return this.manager.find(SequenceStepEntity, { where: { campaignId }, order: { position: 'ASC' } });
  }

  step(campaignId: string, position: number): Promise<SequenceStepEntity | null> {
    return this.manager.findOneBy(SequenceStepEntity, { campaignId, position });
  }

  /** The variants of the campaign's steps, by step id. */
  async variants(campaignId: string): Promise<Map<string, StepVariantEntity[]>> {
    const variants = await this.manager
      .createQueryBuilder(StepVariantEntity, 'variant')
      .innerJoin(SequenceStepEntity, 'step', 'step.id = variant.step_id')
      .where('step.campaign_id = :campaignId', { campaignId })
      .orderBy('variant.label', 'ASC')
      .getMany();
    const byStep = new Map<string, StepVariantEntity[]>();
    for (const variant of variants) byStep.set(variant.stepId, [...(byStep.get(variant.stepId) ?? []), variant]);
    return byStep;
  }

  async update(id: string, settings: Partial<CampaignSettings>): Promise<void> {
    await this.manager.update(CampaignEntity, { id }, settings);
  }

  async delete(id: string): Promise<void> {
    await this.manager.delete(CampaignEntity, { id });
  }

  async setStatus(id: string, status: CampaignStatus): Promise<void> {
    await this.manager.update(CampaignEntity, { id }, { status });
  }

  /**
   * Moves the campaign from one status to another only if it is still in `from`; returns the campaign as it is now
   * with the status it had, or null when it was not in `from`.
   */
  async transition(id: string, from: CampaignStatus[], to: CampaignStatus): Promise<CampaignMove | null> {
    // The row lock makes `previous` the status this statement replaced, whatever ran at the same time.
    const [rows]: [{ previous: CampaignStatus }[], number] = await this.manager.query(
      `WITH target AS (SELECT id, status FROM campaigns WHERE id = $1 AND status = ANY($2::text[]) FOR UPDATE)
       UPDATE campaigns campaign SET status = $3, updated_at = now()
         FROM target
        WHERE campaign.id = target.id
       RETURNING target.status AS previous`,
      [id, from, to],
    );
    const previous = rows[0]?.previous;
    return previous ? { campaign: await this.manager.findOneByOrFail(CampaignEntity, { id }), previous } : null;
  }

  /**
   * Moves the campaign to `to` if it is in one of `from`, and records `action` as a new fan-out request in the same
   * statement: a newer generation, the running enrollments to tell as its total, no progress yet (a sequence edit
   * the unfinished pass was still telling stays to tell). Returns the campaign as it is now with the status it had,
   * or null when it was not in `from`.
   */
  async requestFanout(
    id: string,
    from: CampaignStatus[],
    to: CampaignStatus,
    action: FanoutAction,
  ): Promise<CampaignMove | null> {
    const [rows]: [{ previous: CampaignStatus }[], number] = await this.manager.query(
      `WITH target AS (SELECT id, status FROM campaigns WHERE id = $1 AND status = ANY($2::text[]) FOR UPDATE)
       UPDATE campaigns campaign
          SET status = $3, fanout_action = $4, fanout_generation = campaign.fanout_generation + 1,
              fanout_sequence = campaign.fanout_sequence AND campaign.fanout_finished_at IS NULL,
              fanout_total = (SELECT count(*) FROM enrollments
                               WHERE campaign_id = $1 AND status IN ('active', 'paused')),
              fanout_done = 0, fanout_started_at = now(), fanout_finished_at = NULL, updated_at = now()
         FROM target
        WHERE campaign.id = target.id
        RETURNING target.status AS previous`,
      [id, from, to, action],
    );
    const previous = rows[0]?.previous;
    return previous ? { campaign: await this.manager.findOneByOrFail(CampaignEntity, { id }), previous } : null;
  }

  /**
   * Completes the campaign when it is active, not evergreen, and none of its enrollments waits for dispatch or runs;
   * returns whether it did. Run after an ending commits: of two endings at once, the later check sees both.
   */
  async completeIfFinished(campaignId: string): Promise<boolean> {
    const rows: { id: string }[] = await this.manager.query(completeWhere(`campaign.id = $1 AND ${FINISHED}`), [
      campaignId,
    ]);
    return rows.length > 0;
  }

  /** completeIfFinished for the campaign of an enrollment that just ended (no read of the enrollment first). */
  async completeIfFinishedAfter(enrollmentId: string): Promise<boolean> {
    const rows: { id: string }[] = await this.manager.query(
      completeWhere(`campaign.id = (SELECT campaign_id FROM enrollments WHERE id = $1) AND ${FINISHED}`),
      [enrollmentId],
    );
    return rows.length > 0;
  }

  /** Completes every finished campaign (with at least one enrollment): the ones whose last ending's check was lost. */
  async completeAllFinished(): Promise<number> {
    const rows: { id: string }[] = await this.manager.query(
      completeWhere(
        `${FINISHED} AND EXISTS (SELECT 1 FROM enrollments enrollment WHERE enrollment.campaign_id = campaign.id)`,
      ),
    );
    return rows.length;
  }

  /** Counts enrollments told by the fan-out of that generation (a retried page may count twice: capped at the total). */
  async addFanoutProgress(id: string, generation: number, told: number): Promise<void> {
    await this.manager.query(
      `UPDATE campaigns SET fanout_done = LEAST(fanout_total, fanout_done + $3)
        WHERE id = $1 AND fanout_generation = $2`,
      [id, generation, told],
    );
  }

  /** Stamps the fan-out of that generation finished; a newer request made meanwhile stays unfinished. */
  async finishFanout(id: string, generation: number): Promise<void> {
    await this.manager.query(
      `UPDATE campaigns SET fanout_finished_at = COALESCE(fanout_finished_at, now())
        WHERE id = $1 AND fanout_generation = $2`,
      [id, generation],
    );
  }

  /** Campaigns whose last fan-out has not finished (a deletion in progress included). */
  async withUnfinishedFanout(): Promise<string[]> {
    const rows: { id: string }[] = await this.manager.query(
      `SELECT id FROM campaigns WHERE fanout_started_at IS NOT NULL AND fanout_finished_at IS NULL`,
    );
    return rows.map((row) => row.id);
  }

  async countMailboxes(campaignId: string): Promise<number> {
    const rows: { count: string }[] = await this.manager.query(
      'SELECT count(*) AS count FROM campaign_mailboxes WHERE campaign_id = $1',
      [campaignId],
    );
    return Number(rows[0]?.count ?? 0);
  }
}
