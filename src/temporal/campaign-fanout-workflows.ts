import type { Client } from '@temporalio/client';
import type { CampaignFanoutPort } from '../domain/campaigns/campaign-fanout.port';
import {
  CAMPAIGN_FANOUT_WORKFLOW_TYPE,
  campaignFanoutWorkflowId,
  fanoutRequestedSignal,
  type CampaignFanoutInput,
} from '../../workflows/campaign-fanout/definitions';
import { wakeJob } from './wake-job';

/** Wakes campaigns' fan-out jobs through a Temporal client. */
export class TemporalCampaignFanout implements CampaignFanoutPort {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  wake(campaignId: string): Promise<void> {
    // One job per campaign, never two, so passes never overlap.
    return wakeJob<CampaignFanoutInput>(this.client, {
      workflowType: CAMPAIGN_FANOUT_WORKFLOW_TYPE,
      workflowId: campaignFanoutWorkflowId(campaignId),
      taskQueue: this.taskQueue,
      input: { version: 1, campaignId },
      signal: fanoutRequestedSignal,
      staticSummary: `Fan-out for campaign ${campaignId}`,
    });
  }
}
