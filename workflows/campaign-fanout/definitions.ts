import { defineSignal } from '@temporalio/workflow';

/** Workflow input: the campaign only, versioned so old histories keep replaying. */
export interface CampaignFanoutInput {
  version: 1;
  campaignId: string;
  /** Carried across continue-as-new; absent on the first run. */
  progress?: CampaignFanoutProgress;
}

/** Where a pass over the running enrollments stands: the request it carries out and the last enrollment told. */
export interface CampaignFanoutPass {
  /** The campaign's `fanout_generation` when the pass began: a newer one starts the pass over. */
  generation: number;
  /** Enrollment id cursor: the pass goes on after it (null: from the beginning). */
  cursor: string | null;
}

export interface CampaignFanoutProgress {
  pass: CampaignFanoutPass | null;
  /** Enrollments told and started since the job first started (for its summary). */
  signalled: number;
  started: number;
}

/** What one step of the job (one activity run) did. */
export type CampaignFanoutStep =
  /** Told one page of running enrollments; `pass` is null once the pass is complete. */
  | { kind: 'signalled'; count: number; pass: CampaignFanoutPass | null }
  /** Started one page of queued enrollments. */
  | { kind: 'started'; count: number }
  /** Nothing to do now: no pass pending, and no start queued in an active campaign. */
  | { kind: 'idle' }
  /** The campaign is gone: deleted by this job's last pass, or by someone else. */
  | { kind: 'deleted' };

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
