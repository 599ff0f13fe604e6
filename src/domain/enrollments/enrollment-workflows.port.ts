import type { EnrollmentState } from '../../../workflows/enrollment/definitions';

export interface EnrollmentToStart {
  enrollmentId: string;
  campaignId: string;
  contactId: string;
  workflowId: string;
}

/** What the domain needs from Temporal: start enrollment workflows and read their live state. */
export interface EnrollmentWorkflowsPort {
  /** Starts the workflow; a workflow already started under that id counts as success. */
  start(enrollment: EnrollmentToStart): Promise<void>;
  /** The workflow's live state, or null when it cannot be reached (not running, or Temporal down). */
  state(workflowId: string): Promise<EnrollmentState | null>;
  /** Tells a running enrollment its campaign was paused or resumed; a finished workflow is skipped. */
  signalCampaign(workflowId: string, change: 'campaignPaused' | 'campaignResumed'): Promise<void>;
}
