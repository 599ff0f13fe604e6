import { Router } from 'express';
import type { CampaignContentService } from '../domain/campaigns/campaign-content.service';

/** `/campaigns/:id/preview` and `/campaigns/:id/test_send`. */
export function campaignContentRoutes(_deps: { content: CampaignContentService }): Router {
  return Router();
}
