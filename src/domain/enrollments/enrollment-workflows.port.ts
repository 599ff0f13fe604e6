import type { EnrollmentState } from '../../../workflows/enrollment/definitions';
import type { NextStep } from '../delivery/step-outcome';

/** Signals the API sends to all of a campaign's running enrollments. */
export type CampaignWideSignal = 'campaignPaused' | 'campaignResumed' | 'stop';

/** Every signal an enrollment workflow takes, by its registered name (see the README for payloads). */
export type EnrollmentSignal = CampaignWideSignal | 'pause' | 'resume' | 'replied' | 'bounced' | 'unsubscribed';

/** The payload of `resume`; the other signals take none. */
export interface EnrollmentSignalPayload {
  delayMinutes?: number;
}

export interface EnrollmentToStart {
  enrollmentId: string;
  campaignId: string;
  contactId: string;
  workflowId: string;
  /** The campaign's first step, as the starter read it: the workflow schedules it without reading it itself. */
  firstStep?: NextStep;
}

/** What the domain needs from Temporal: start enrollment workflows and read their live state. */
export interface EnrollmentWorkflowsPort {
  /** Starts the workflow; a workflow already started under that id counts as success. */
  start(enrollment: EnrollmentToStart): Promise<void>;
  /** The workflow's live state, or null when it cannot be reached (not running, or Temporal down). */
  state(workflowId: string): Promise<EnrollmentState | null>;
  /** Sends a running enrollment one of the campaign-wide signals; a finished workflow is skipped. */
  signal(workflowId: string, signal: CampaignWideSignal): Promise<void>;
  /** Sends any enrollment signal; false when the workflow is not running (finished, or never started). */
  signalEnrollment(workflowId: string, signal: EnrollmentSignal, payload?: EnrollmentSignalPayload): Promise<boolean>;
}
