import type { Database } from '../../db/repositories';
import type { CampaignService } from '../campaigns/campaign.service';

/** Counts of what happened, by day, campaign, mailbox, recipient provider and lead category (from the events). */
export class AnalyticsService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
  ) {}
}
