import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ListEntity } from '../../db/entities/list.entity';
import type { Database } from '../../db/repositories';
import { enrollmentWorkflowId } from '../../../workflows/enrollment/definitions';
import { importBatch, type ImportEntry, type ImportCounts } from '../contacts/contact-import';
import type { EnrollmentService } from '../enrollments/enrollment.service';
import { AppError } from '../errors';
import { MAX_CONTACTS_PER_REQUEST } from '../lists/list.service';
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

/** Campaign-wide state changes: pause, resume, and scheduling new contacts into evergreen campaigns. */
export class CampaignControlService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
    private readonly enrollments: EnrollmentService,
  ) {}

  /** Active → paused: running enrollments hold before their next step (signalled now, re-checked at every send). */
  pause(organizationId: string, campaignId: string): Promise<CampaignEntity> {
    return this.move(organizationId, campaignId, { from: 'active', to: 'paused', refusal: 'campaign_not_active' });
  }

  /** Paused → active: held enrollments continue; contacts scheduled into an evergreen campaign meanwhile start. */
  async resume(organizationId: string, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.move(organizationId, campaignId, {
      from: 'paused',
      to: 'active',
      refusal: 'campaign_not_paused',
    });
    if (campaign.evergreen)
      await this.enrollments.startEnrollments(await this.db.repos.enrollments.pending(campaignId));
    return campaign;
  }

  /**
   * Deletes the campaign with its steps, enrollments, messages and statistics (the database cascades), after
   * stopping its running enrollments so no workflow keeps sleeping toward a send. Returns how many were stopped.
   */
  async delete(organizationId: string, campaignId: string): Promise<number> {
    await this.campaigns.require(organizationId, campaignId);
    // Stopped first: a send racing the delete then finds the enrollment stopped (or gone) and sends nothing.
    await this.db.repos.campaigns.setStatus(campaignId, 'stopped');
    const stopped = await this.enrollments.signalRunning(campaignId, 'stop');
    await this.db.repos.campaigns.delete(campaignId);
    return stopped;
  }

  /** Moves the campaign between paused and active (refusing any other state) and tells its running enrollments. */
  private async move(
    organizationId: string,
    campaignId: string,
    change: {
      from: 'active' | 'paused';
      to: 'active' | 'paused';
      refusal: 'campaign_not_active' | 'campaign_not_paused';
    },
  ): Promise<CampaignEntity> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    if (!(await this.db.repos.campaigns.transition(campaignId, [change.from], change.to))) {
      const action = change.to === 'paused' ? 'paused' : 'resumed';
      throw new AppError(
        change.refusal,
        `Only ${change.from === 'active' ? 'an' : 'a'} ${change.from} campaign can be ${action}; this one is ${campaign.status}.`,
        {
          extra: { current_state: campaign.status },
        },
      );
    }
    await this.enrollments.signalRunning(campaignId, change.to === 'paused' ? 'campaignPaused' : 'campaignResumed');
    return { ...campaign, status: change.to };
  }

  /**
   * Starts enrollments of active evergreen campaigns left pending by an interrupted `schedule_contacts` or
   * resume (the process died between the commit and the workflow starts). Run when a worker starts.
   */
  async startStranded(): Promise<number> {
    let started = 0;
    for (;;) {
      const stranded = await this.db.repos.enrollments.strandedInEvergreen(500);
      if (stranded.length === 0) return started;
      await this.enrollments.startEnrollments(stranded);
      started += stranded.length;
    }
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
      const created = await repos.enrollments.insertMissing(
        imported.contactIds.map((contactId) => ({
          organizationId,
          campaignId,
          contactId,
          batchNumber: 1,
          priority: 0,
          workflowId: enrollmentWorkflowId(campaignId, contactId),
        })),
      );
      return { list, counts: imported, listContacts: await repos.lists.countMembers(list.id), created };
    });

    // Read again: a pause between the check above and now must keep the new enrollments waiting.
    const current = await this.campaigns.require(organizationId, campaignId);
    const scheduled = current.status === 'active' || current.status === 'pending';
    if (scheduled) {
      await this.enrollments.startEnrollments(created);
      if (current.status === 'pending') await this.db.repos.campaigns.transition(campaignId, ['pending'], 'active');
    }
    return {
      campaign: { ...current, status: scheduled ? 'active' : current.status },
      list,
      listContacts,
      counts,
      enrolled: created.length,
      scheduled,
    };
  }
}
