import type { EnrollmentStatus } from '../../db/entities/enrollment.entity';
import type { NextStep } from '../delivery/step-outcome';

/** Signals the API sends to all of a campaign's running enrollments. */
/** `sequenceChanged`: the campaign's sequence was edited; re-read the next step (its delay, or that it is gone). */
export type CampaignWideSignal = 'campaignPaused' | 'campaignResumed' | 'stop' | 'sequenceChanged';

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
  firstStep: NextStep;
  /** Epoch ms the first step's delay counts from: the time the starter recorded in the enrollment row. */
  startedAt: number;
}

/**
 * A running enrollment's live view, as its workflow answers it: `sending` while a step is with the SMTP server,
 * otherwise the enrollment's status (never `pending`: a workflow runs from its start). The Temporal adapter returns
 * the workflow's own `state` query answer as this type, so the compiler checks the two agree.
 */
export interface EnrollmentLiveState {
  status: Exclude<EnrollmentStatus, 'pending'> | 'sending';
  currentStep: number;
  totalSteps: number | null;
  nextStep: number | null;
  /** ISO time the next step becomes due, before sending-window and mailbox waits. */
  nextSendAt: string | null;
  paused: boolean;
  campaignPaused: boolean;
  lastError: string | null;
}

/** What the domain needs from Temporal: start enrollment workflows and read their live state. */
export interface EnrollmentWorkflowsPort {
  /**
   * The id the workflow of the contact's enrollment in the campaign runs under (one per campaign × contact, so
   * enrolling twice can never start two); stored in the enrollment row when it is created.
   */
  workflowIdOf(campaignId: string, contactId: string): string;
  /** Starts the workflow; a workflow already started under that id counts as success. */
  start(enrollment: EnrollmentToStart): Promise<void>;
  /** The workflow's live state, or null when it cannot be reached (not running, or Temporal down). */
  state(workflowId: string): Promise<EnrollmentLiveState | null>;
  /** Sends a running enrollment one of the campaign-wide signals; a finished workflow is skipped. */
  signal(workflowId: string, signal: CampaignWideSignal): Promise<void>;
  /** Sends any enrollment signal; false when the workflow is not running (finished, or never started). */
  signalEnrollment(workflowId: string, signal: EnrollmentSignal, payload?: EnrollmentSignalPayload): Promise<boolean>;
}
