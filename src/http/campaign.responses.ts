import { z } from 'zod';
import { CAMPAIGN_STATUSES } from '../db/entities/campaign.entity';
import { timestamp } from './response-fields';

/** The shapes the campaign routes answer with: the presenters return these types, the OpenAPI document shows them. */
export const campaignSummaryResponse = z
  .object({ id: z.uuid(), name: z.string(), status: z.enum(CAMPAIGN_STATUSES), created_at: timestamp })
  .meta({ id: 'CampaignSummary' });
export type CampaignSummaryView = z.output<typeof campaignSummaryResponse>;
