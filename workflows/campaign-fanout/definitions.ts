import { defineSignal } from '@temporalio/workflow';
// A step's input and result are the activity's, made by the domain code it runs (CampaignFanoutService.step).
import type { CampaignFanoutPass, CampaignFanoutStep } from '../../activities/campaign.activities';

export type { CampaignFanoutPass, CampaignFanoutStep };

/** Workflow input: the campaign only, versioned so old histories keep replaying. */
export interface CampaignFanoutInput {
  version: 1;
  campaignId: string;
  /** Carried across continue-as-new; absent on the first run. */
  progress?: CampaignFanoutProgress;
}

export interface CampaignFanoutProgress {
  pass: CampaignFanoutPass | null;
  /** Enrollments told and started since the job first started (for its summary). */
  signalled: number;
  started: number;
}

export interface CampaignFanoutResult {
  outcome: 'idle' | 'deleted';
  signalled: number;
  started: number;
}

/** Sent (with signal-with-start) after the API queued starts or recorded a pause, resume or delete. */
export const fanoutRequestedSignal = defineSignal('fanoutRequested');

export const CAMPAIGN_FANOUT_WORKFLOW_TYPE = 'campaignFanoutWorkflow';

/** The business id: one job per campaign, so a pause and a resume in quick succession never run two passes at once. */
export function campaignFanoutWorkflowId(campaignId: string): string {
  return `campaign-fanout-${campaignId}`;
}

/**
 * The task queue of the job's activity, beside the enrollments' one: a page of starts or of pause signals never
 * waits for an activity slot behind a backlog of sends.
 */
export function campaignJobTaskQueue(taskQueue: string): string {
  return `${taskQueue}-campaign-jobs`;
}
