import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { CampaignFanoutPort } from '../domain/campaigns/campaign-fanout.port';
import {
  CAMPAIGN_FANOUT_WORKFLOW_TYPE,
  campaignFanoutWorkflowId,
  fanoutRequestedSignal,
  type CampaignFanoutInput,
} from '../../workflows/campaign-fanout/definitions';
import type { campaignFanoutWorkflow } from '../../workflows/campaign-fanout/workflow';

/** Wakes campaigns' fan-out jobs through a Temporal client. */
export class TemporalCampaignFanout implements CampaignFanoutPort {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async wake(campaignId: string): Promise<void> {
    const input: CampaignFanoutInput = { version: 1, campaignId };
    // Signal-with-start signals the running job, or starts one (conflict policy USE_EXISTING, built in): one job per
    // campaign, never two, so passes never overlap. A finished job is replaced by a new run (ALLOW_DUPLICATE).
    await this.client.workflow.signalWithStart<typeof campaignFanoutWorkflow>(CAMPAIGN_FANOUT_WORKFLOW_TYPE, {
      workflowId: campaignFanoutWorkflowId(campaignId),
      taskQueue: this.taskQueue,
      args: [input],
      signal: fanoutRequestedSignal,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      staticSummary: `Fan-out for campaign ${campaignId}`,
    });
  }
}
