import type { ListSummary } from '../../db/repositories/list.repository';
import type { Database } from '../../db/repositories';
import type { EnrollmentService } from '../enrollments/enrollment.service';
import { AppError, notFound } from '../errors';
import type { CampaignService } from './campaign.service';

/** What attaching a list did: the list, and how many of its contacts were enrolled now or were already. */
export interface AttachedList {
  list: ListSummary;
  attached: boolean;
  enrolled: number;
  alreadyEnrolled: number;
}

/**
 * The lists of a campaign: where its contacts come from. The first list receives the contacts an evergreen campaign
 * schedules. Attaching a list enrolls its contacts (pending: the next dispatch starts them); detaching one leaves
 * the enrollments made, unless those nobody dispatched yet are to go too.
 */
export class CampaignListsService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
    private readonly enrollments: Pick<EnrollmentService, 'enrollList'>,
  ) {}

  /** The campaign's lists in order, with their contact counts. */
  async lists(organizationId: string, campaignId: string): Promise<ListSummary[]> {
    await this.campaigns.require(organizationId, campaignId);
    const [attached, summaries] = await Promise.all([
      this.db.repos.lists.forCampaign(campaignId),
      this.db.repos.lists.summaries(organizationId),
    ]);
    return attached.flatMap((list) => summaries.filter((summary) => summary.list.id === list.id));
  }

  /** Attaches one of the organization's lists after the others and, unless told not to, enrolls its contacts. */
  async attach(
    organizationId: string,
    campaignId: string,
    listUuid: string,
    options: { enroll: boolean; batchNumber: number; priority: number },
  ): Promise<AttachedList> {
    await this.campaigns.require(organizationId, campaignId);
    const list = await this.requireList(organizationId, listUuid);
    const attached = await this.db.repos.lists.attachToCampaign(campaignId, list.id);
    const counts = options.enroll
      ? await this.enrollments.enrollList(organizationId, campaignId, listUuid, options.batchNumber, options.priority)
      : { enrolled: 0, alreadyEnrolled: 0 };
    const [summary] = await this.db.repos.lists.summaries(organizationId, list.id);
    return { list: summary!, attached, ...counts };
  }

  /**
   * Detaches the list. Its contacts' enrollments stay (remove leads one by one to end them), except, with
   * `removeUndispatched`, those still waiting for a dispatch nobody asked for yet; returns how many went.
   */
  async detach(
    organizationId: string,
    campaignId: string,
    listUuid: string,
    removeUndispatched: boolean,
  ): Promise<{ removedEnrollments: number }> {
    await this.campaigns.require(organizationId, campaignId);
    const list = await this.requireList(organizationId, listUuid);
    return this.db.transaction(async (repos) => {
      if (!(await repos.lists.detachFromCampaign(campaignId, list.id))) {
        throw new AppError('list_not_found', `List ${listUuid} is not attached to this campaign.`);
      }
      const removedEnrollments = removeUndispatched
        ? await repos.enrollments.deleteUndispatchedOfList(campaignId, list.id)
        : 0;
      return { removedEnrollments };
    });
  }

  private async requireList(organizationId: string, uuid: string) {
    const list = await this.db.repos.lists.findByUuid(organizationId, uuid);
    if (!list) throw notFound('list_not_found', 'List');
    return list;
  }
}
