import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MessageEntity } from '../../db/entities/message.entity';
import type { ReplyEntity } from '../../db/entities/reply.entity';
import type { Database } from '../../db/repositories';
import type { LeadFilter } from '../../db/repositories/lead.repository';
import type { CampaignService } from '../campaigns/campaign.service';

/** The rows of an enrollment's history: the messages it was sent and the replies read that answer them. */
export type { MessageEntity, ReplyEntity };

/** Most enrollments one page returns. */
export const MAX_ENROLLMENTS_PER_PAGE = 500;

/** What operators read back: a campaign's enrollments (one enrollment's conversation: ConversationService). */
export class EnrollmentHistoryService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
  ) {}

  /** One page of the campaign's enrollments in creation order, those the filter keeps, and how many it keeps. */
  async page(
    organizationId: string,
    campaignId: string,
    filter: LeadFilter,
    paging: { page: number; perPage: number },
  ): Promise<{ enrollments: EnrollmentEntity[]; total: number }> {
    await this.campaigns.require(organizationId, campaignId);
    return this.db.repos.leads.page(campaignId, filter, (paging.page - 1) * paging.perPage, paging.perPage);
  }

  /** The campaign's enrollments (with their contacts) in creation order from `offset`, and how many the filter keeps. */
  async slice(
    organizationId: string,
    campaignId: string,
    filter: LeadFilter,
    offset: number,
    limit: number,
  ): Promise<{ enrollments: EnrollmentEntity[]; total: number }> {
    await this.campaigns.require(organizationId, campaignId);
    return this.db.repos.leads.page(campaignId, filter, offset, limit);
  }
}
