import { CAMPAIGN_STATUSES, type CampaignEntity, type FanoutAction } from '../../db/entities/campaign.entity';
import type { ListEntity } from '../../db/entities/list.entity';
import type { Database } from '../../db/repositories';
import { importBatch, type ImportEntry, type ImportCounts } from '../contacts/contact-import';
import type { EnrollmentWorkflowsPort } from '../enrollments/enrollment-workflows.port';
import { AppError, notFound } from '../errors';
import { recordCampaignMove, transitionCampaign } from '../events/campaign-moves';
import { MAX_CONTACTS_PER_REQUEST } from '../lists/list.service';
import type { CampaignFanoutService } from './campaign-fanout.service';
import type { CampaignService } from './campaign.service';

export interface ScheduleResult {
  campaign: CampaignEntity;
  list: ListEntity;
  listContacts: number;
  counts: ImportCounts;
  /** Contacts newly enrolled in the campaign by this call. */
  enrolled: number;
  /** True when their sequences started now; false when they wait for the campaign to resume. */
  scheduled: boolean;
}

/**
 * Campaign-wide state changes: pause, resume, stop, archive, delete, and scheduling new contacts into evergreen
 * campaigns. The
 * campaign's status changes at once (every send re-checks it); the running enrollments are told in the background
 * by the campaign's fan-out job, whose progress the campaign shows (`fanout`). Every change of status records
 * `campaign.status_changed` in its transaction.
 */
export class CampaignControlService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
    private readonly workflows: Pick<EnrollmentWorkflowsPort, 'workflowIdOf'>,
    private readonly fanout: CampaignFanoutService,
  ) {}

  /** Active → paused: no step goes out from now on; sleeping enrollments are told to hold in the background. */
  async pause(organizationId: string, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.move(organizationId, campaignId, {
      from: 'active',
      to: 'paused',
      action: 'pause',
      refusal: 'campaign_not_active',
    });
    await this.fanout.wake(campaignId);
    return campaign;
  }

  /**
   * Paused → active: held enrollments are told to continue in the background; contacts scheduled into an evergreen
   * campaign meanwhile, and dispatched enrollments whose start the pause held back, start.
   */
  async resume(organizationId: string, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.move(organizationId, campaignId, {
      from: 'paused',
      to: 'active',
      action: 'resume',
      refusal: 'campaign_not_paused',
    });
    if (campaign.evergreen) await this.db.repos.enrollments.requestPendingStarts(campaignId);
    await this.fanout.wake(campaignId);
    return campaign;
  }

  /**
   * Pending, active or paused → stopped, for good: no step goes out from now on, enrollments never started end as
   * `stopped`, and the running ones are told to stop in the background. Stopping a stopped campaign changes nothing.
   */
  async stop(organizationId: string, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    if (campaign.status === 'stopped') return campaign;
    const stopped = await this.db.transaction(async (repos) => {
      const moved = await repos.campaigns.requestFanout(campaignId, ['pending', 'active', 'paused'], 'stopped', 'stop');
      if (!moved) return null;
      await recordCampaignMove(repos, moved);
      await repos.enrollments.stopPending(campaignId, 'the campaign was stopped');
      return moved.campaign;
    });
    if (!stopped) {
      throw new AppError(
        'campaign_not_stoppable',
        `The campaign is ${campaign.status}; only a pending, active or paused campaign can be stopped.`,
        { extra: { current_state: campaign.status } },
      );
    }
    await this.fanout.wake(campaignId);
    return stopped;
  }

  /**
   * Puts away a campaign that no longer sends (pending, completed or stopped): it keeps its history and statistics,
   * and can no longer be dispatched. Archiving an archived campaign changes nothing.
   */
  async archive(organizationId: string, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    // A campaign being deleted is as good as gone.
    if (campaign.fanoutAction === 'delete') throw notFound('campaign_not_found', 'Campaign');
    if (campaign.status === 'archived') return campaign;
    if (!(await transitionCampaign(this.db, campaignId, ['pending', 'completed', 'stopped'], 'archived'))) {
      throw new AppError(
        'campaign_not_archivable',
        `The campaign is ${campaign.status}; stop it first (only a pending, completed or stopped campaign can be ` +
          'archived).',
        { extra: { current_state: campaign.status } },
      );
    }
    return this.campaigns.require(organizationId, campaignId);
  }

  /**
   * Stops the campaign at once (no step goes out from now on) and hands the rest to its background job: telling its
   * running enrollments to stop, then deleting it with its steps, enrollments, messages and statistics (the database
   * cascades). Until then the campaign reads as `stopped`, with a `delete` fan-out in progress; asked again meanwhile,
   * the deletion simply goes on. Returns the campaign as it is now.
   */
  async delete(organizationId: string, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    const deleting =
      campaign.status === 'stopped' && campaign.fanoutAction === 'delete'
        ? campaign
        : await this.db.transaction(async (repos) => {
            const moved = await repos.campaigns.requestFanout(campaignId, [...CAMPAIGN_STATUSES], 'stopped', 'delete');
            await recordCampaignMove(repos, moved);
            return moved?.campaign ?? null;
          });
    if (!deleting) throw notFound('campaign_not_found', 'Campaign'); // deleted meanwhile
    await this.fanout.wake(campaignId);
    return deleting;
  }

  /** Moves the campaign between paused and active (refusing any other state) and records the fan-out to do. */
  private async move(
    organizationId: string,
    campaignId: string,
    change: {
      from: 'active' | 'paused';
      to: 'active' | 'paused';
      action: FanoutAction;
      refusal: 'campaign_not_active' | 'campaign_not_paused';
    },
  ): Promise<CampaignEntity> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    const moved = await this.db.transaction(async (repos) => {
      const move = await repos.campaigns.requestFanout(campaignId, [change.from], change.to, change.action);
      await recordCampaignMove(repos, move);
      return move?.campaign ?? null;
    });
    if (!moved) {
      const action = change.to === 'paused' ? 'paused' : 'resumed';
      throw new AppError(
        change.refusal,
        `Only ${change.from === 'active' ? 'an' : 'a'} ${change.from} campaign can be ${action}; this one is ${campaign.status}.`,
        {
          extra: { current_state: campaign.status },
        },
      );
    }
    return moved;
  }

  /**
   * Hands work a dead process left behind to the campaigns' jobs: enrollments of active campaigns queued for their
   * start (or left pending in an active evergreen campaign by an interrupted `schedule_contacts`), and pauses,
   * resumes and deletes not carried out to the end. Returns how many enrollments wait to start. Run when a worker
   * starts.
   */
  async startStranded(): Promise<number> {
    // A campaign whose last enrollment ended as the process died was not completed then.
    await this.db.repos.campaigns.completeAllFinished();
    return this.fanout.wakeInterrupted();
  }

  /**
   * Adds contacts to an evergreen campaign's first list and enrolls them, in one transaction. A pending or active
   * campaign starts their sequences at once; a paused one keeps them pending until it is resumed.
   */
  async scheduleContacts(
    organizationId: string,
    campaignId: string,
    entries: ImportEntry[],
    removeDuplicates: boolean,
  ): Promise<ScheduleResult> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    if (!campaign.evergreen) {
      throw new AppError(
        'campaign_not_evergreen',
        'Only evergreen campaigns can schedule new contacts. Please create an evergreen campaign.',
        { extra: { current_state: campaign.status, evergreen: false } },
      );
    }
    if (campaign.status === 'stopped' || campaign.status === 'completed') {
      throw new AppError('campaign_not_schedulable', `The campaign is ${campaign.status}; it takes no new contacts.`, {
        extra: { current_state: campaign.status, evergreen: true },
      });
    }
    if (entries.length > MAX_CONTACTS_PER_REQUEST) {
      throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
        errors: [`contacts: at most ${MAX_CONTACTS_PER_REQUEST} contacts per request (got ${entries.length})`],
      });
    }

    const { list, counts, listContacts, created } = await this.db.transaction(async (repos) => {
      const list = (await repos.lists.forCampaign(campaignId))[0];
      if (!list) {
        throw new AppError(
          'campaign_has_no_list',
          'Campaign must have at least one associated list; create it with list_uuids.',
          { extra: { current_state: campaign.status, evergreen: true } },
        );
      }
      const imported = await importBatch(repos, organizationId, list.id, entries, {
        removeDuplicates,
        autoClean: false,
      });
      // Queued for their start in the same transaction: whatever happens next, they start once the campaign is
      // active (at once, or when it resumes), and a worker start finds them if this process dies before.
      const created = await repos.enrollments.insertMissing(
        imported.contactIds.map((contactId) => ({
          organizationId,
          campaignId,
          contactId,
          batchNumber: 1,
          priority: 0,
          workflowId: this.workflows.workflowIdOf(campaignId, contactId),
        })),
        { requestStart: true },
      );
      return { list, counts: imported, listContacts: await repos.lists.countMembers(list.id), created };
    });

    // Read again: a pause between the check above and now must keep the new enrollments waiting.
    const current = await this.campaigns.require(organizationId, campaignId);
    const scheduled = current.status === 'active' || current.status === 'pending';
    if (scheduled) {
      if (current.status === 'pending') await transitionCampaign(this.db, campaignId, ['pending'], 'active');
      await this.fanout.startSoon(campaignId);
    }
    return {
      campaign: { ...current, status: scheduled ? 'active' : current.status },
      list,
      listContacts,
      counts,
      enrolled: created,
      scheduled,
    };
  }
}
