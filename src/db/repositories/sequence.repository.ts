import type { EntityManager } from 'typeorm';
import { CampaignEntity } from '../entities/campaign.entity';
import { StepVariantEntity } from '../entities/step-variant.entity';
import type { NewStep } from './campaign.repository';

/** The editing of a campaign's sequence: its steps by position, each with its A/B variants. */
export class SequenceRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Locks the campaign's row for an edit of its sequence. Claims share-lock it, so a claim under way ends before the
   * edit and the next one reads the edited sequence whole (never half of each).
   */
  async lockCampaign(organizationId: string, campaignId: string): Promise<CampaignEntity | null> {
    return this.manager
      .createQueryBuilder(CampaignEntity, 'campaign')
      .setLock('pessimistic_write')
      .where('campaign.id = :campaignId AND campaign.organization_id = :organizationId', {
        campaignId,
        organizationId,
      })
      .getOne();
  }

  /**
   * Makes the sequence the given steps: a step keeps its row (and its A/B winner while that variant still exists)
   * where its position stays, positions not given are removed, new ones added. Each given step's variants replace
   * the old ones.
   */
  async replace(campaignId: string, steps: NewStep[]): Promise<void> {
    await this.manager.query('DELETE FROM sequence_steps WHERE campaign_id = $1 AND NOT (position = ANY($2::int[]))', [
      campaignId,
      steps.map((step) => step.position),
    ]);
    for (const step of steps) await this.write(campaignId, step);
  }

  /** Writes one step at its position (replacing its content, delay and variants, or adding it). */
  async write(campaignId: string, { variants, ...step }: NewStep): Promise<void> {
    const [row]: { id: string }[] = await this.manager.query(
      `INSERT INTO sequence_steps (campaign_id, position, delay_minutes, subject, body_html, body_text)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (campaign_id, position) DO UPDATE
          SET delay_minutes = EXCLUDED.delay_minutes, subject = EXCLUDED.subject,
              body_html = EXCLUDED.body_html, body_text = EXCLUDED.body_text
       RETURNING id`,
      [campaignId, step.position, step.delayMinutes, step.subject, step.bodyHtml, step.bodyText],
    );
    const stepId = row!.id;
    await this.manager.delete(StepVariantEntity, { stepId });
    if (variants.length > 0) {
      await this.manager.insert(
        StepVariantEntity,
        variants.map((variant) => ({ ...variant, stepId })),
      );
    }
    // A decided winner stands only while a variant of that label is still there.
    await this.manager.query(
      `UPDATE sequence_steps SET winner_label = NULL, winner_decided_at = NULL
        WHERE id = $1 AND winner_label IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM sequence_step_variants WHERE step_id = $1 AND label = winner_label)`,
      [stepId],
    );
  }

  /**
   * Asks the campaign's fan-out job to tell its running enrollments to re-read their next step, in a new pass that
   * also repeats the campaign's status to them (harmless: the workflows take a repeated pause or resume as one).
   */
  async requestFanout(campaignId: string): Promise<void> {
    await this.manager.query(
      `UPDATE campaigns
          SET fanout_sequence = true,
              -- An unfinished pass's action (a pause, resume, stop or delete) is still to carry: the new pass does.
              fanout_action = CASE WHEN fanout_started_at IS NOT NULL AND fanout_finished_at IS NULL
                                   THEN fanout_action ELSE 'sequence' END,
              fanout_generation = fanout_generation + 1,
              fanout_total = (SELECT count(*) FROM enrollments
                               WHERE campaign_id = $1 AND status IN ('active', 'paused')),
              fanout_done = 0, fanout_started_at = now(), fanout_finished_at = NULL, updated_at = now()
        WHERE id = $1`,
      [campaignId],
    );
  }
}
