import { defineSignal } from '@temporalio/workflow';
// A step's input and result are the activity's, made by the domain code it runs (CampaignFanoutService.step).
import type { CampaignFanoutPass, CampaignFanoutStep } from '../../activities/campaign.activities';

export type { CampaignFanoutPass, CampaignFanoutStep };

/** Workflow input: the campaign only, versioned so old histories keep replaying. */
export interface CampaignFanoutInput {
  version: 1;
  campaignId: string;
  /**
   * The enrollments' task queue, for jobs that run on the campaign-jobs queue themselves; absent from jobs begun on
   * the enrollments' queue (their own queue is that one).
   */
  enrollmentTaskQueue?: string;
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
 * The task queue of the job (its workflow and its activity), beside the enrollments' one: a dispatch or a pause never
 * waits behind a backlog of sends, neither for a workflow task nor for an activity slot.
 */
export function campaignJobTaskQueue(taskQueue: string): string {
  return `${taskQueue}-campaign-jobs`;
}
