import type { SequenceStepEntity } from '../../db/entities/sequence-step.entity';
import type { StepVariantEntity } from '../../db/entities/step-variant.entity';
import type { Database, Repositories } from '../../db/repositories';
import type { NewStep } from '../../db/repositories/campaign.repository';
import { AppError, notFound } from '../errors';
import type { CampaignFanoutService } from './campaign-fanout.service';

/** A campaign's sequence as stored: its steps in order, and each step's A/B variants by step id. */
export interface Sequence {
  steps: SequenceStepEntity[];
  variants: Map<string, StepVariantEntity[]>;
}

/** One step as written: its position, delay, content and variants. */
export type StepInput = NewStep;

/** The fields of one step an edit may change; those left out keep their value (`variants: []` removes them). */
export type StepPatch = Partial<Omit<NewStep, 'position'>>;

/**
 * Edits the sequence of a campaign, running or not. Positions are a step's identity: an enrollment that sent
 * position 2 goes on with the first position after 2, so edits apply to the steps it has not sent yet, a removed
 * step is skipped, and sent steps stay history. Content needs nothing more (each send renders the step as it is
 * then); an edit that changes when steps fall due (a delay, a step added or removed) has the campaign's job tell the
 * running enrollments to read their next step again.
 */
export class CampaignSequenceService {
  constructor(
    private readonly db: Database,
    private readonly fanout: Pick<CampaignFanoutService, 'wake'>,
  ) {}

  /** The campaign's steps with their variants. */
  async read(organizationId: string, campaignId: string): Promise<Sequence> {
    const { repos } = this.db;
    if (!(await repos.campaigns.findById(organizationId, campaignId))) throw notFound('campaign_not_found', 'Campaign');
    return this.sequenceOf(repos, campaignId);
  }

  /** Makes the sequence exactly `steps` (positions unique, the first with a subject: the schema checks both). */
  async replace(organizationId: string, campaignId: string, steps: NewStep[]): Promise<Sequence> {
    return this.edit(organizationId, campaignId, async (repos) => {
      await repos.sequences.replace(campaignId, steps);
    });
  }

  /** Changes the given fields of the step at `position`. */
  async patchStep(organizationId: string, campaignId: string, position: number, patch: StepPatch): Promise<Sequence> {
    return this.edit(organizationId, campaignId, async (repos, before) => {
      const step = before.steps.find((candidate) => candidate.position === position);
      if (!step) throw notFound('step_not_found', 'Step');
      const edited: NewStep = {
        position,
        delayMinutes: patch.delayMinutes ?? step.delayMinutes,
        subject: patch.subject !== undefined ? patch.subject : step.subject,
        bodyHtml: patch.bodyHtml ?? step.bodyHtml,
        bodyText: patch.bodyText !== undefined ? patch.bodyText : step.bodyText,
        variants:
          patch.variants ??
          (before.variants.get(step.id) ?? []).map(({ label, subject, bodyHtml, bodyText, weight }) => ({
            label,
            subject,
            bodyHtml,
            bodyText,
            weight,
          })),
      };
      if (position === before.steps[0]!.position && !edited.subject) {
        throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
          errors: ['step.subject: the first step needs a subject (follow-ups without one answer under it as "Re: …")'],
        });
      }
      await repos.sequences.write(campaignId, edited);
    });
  }

  /**
   * Runs an edit with the campaign's row locked (claims under way end first; later ones read the edited sequence
   * whole), then has the running enrollments told when it changed the timing of the steps.
   */
  private async edit(
    organizationId: string,
    campaignId: string,
    change: (repos: Repositories, before: Sequence) => Promise<void>,
  ): Promise<Sequence> {
    const { after, retimed } = await this.db.transaction(async (repos) => {
      if (!(await repos.sequences.lockCampaign(organizationId, campaignId))) {
        throw notFound('campaign_not_found', 'Campaign');
      }
      const before = await this.sequenceOf(repos, campaignId);
      await change(repos, before);
      const after = await this.sequenceOf(repos, campaignId);
      const retimed = timingOf(before) !== timingOf(after);
      if (retimed) await repos.sequences.requestFanout(campaignId);
      return { after, retimed };
    });
    if (retimed) await this.fanout.wake(campaignId);
    return after;
  }

  private async sequenceOf(repos: Repositories, campaignId: string): Promise<Sequence> {
    const [steps, variants] = await Promise.all([
      repos.campaigns.steps(campaignId),
      repos.campaigns.variants(campaignId),
    ]);
    return { steps, variants };
  }
}

/** When the steps fall due: their positions and delays, compared before and after an edit. */
function timingOf({ steps }: Sequence): string {
  return steps.map((step) => `${step.position}:${step.delayMinutes}`).join(',');
}
