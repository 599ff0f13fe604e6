import type { EnrollmentEntity, EnrollmentStatus } from '../../db/entities/enrollment.entity';
import type { MessageEntity } from '../../db/entities/message.entity';
import type { Database } from '../../db/repositories';
import type { EnrollmentControlService } from './enrollment-control.service';
import type { CampaignService } from '../campaigns/campaign.service';

/** Most enrollments one page returns. */
export const MAX_ENROLLMENTS_PER_PAGE = 500;

/** What operators read back: a campaign's enrollments, and the messages one enrollment was sent. */
export class EnrollmentHistoryService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
    private readonly control: EnrollmentControlService,
  ) {}

  /** One page of the campaign's enrollments in creation order, optionally of some statuses, and their count. */
  async page(
    organizationId: string,
    campaignId: string,
    options: { statuses?: EnrollmentStatus[] | undefined; page: number; perPage: number },
  ): Promise<{ enrollments: EnrollmentEntity[]; total: number }> {
    await this.campaigns.require(organizationId, campaignId);
    return this.db.repos.enrollmentControl.page(
      campaignId,
      options.statuses,
      (options.page - 1) * options.perPage,
      options.perPage,
    );
  }

  /** The enrollment's messages in step order. */
  async messages(organizationId: string, campaignId: string, enrollmentId: string): Promise<MessageEntity[]> {
    const enrollment = await this.control.require(organizationId, campaignId, enrollmentId);
    return this.db.repos.enrollmentControl.messages(enrollment.id);
  }
}
