import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { NextStep } from '../../activities/enrollment.activities';

export type { NextStep };

/**
 * Workflow input: ids only, never bodies, versioned so old histories keep replaying.
 * - 1: the run asks `patched()` which path to take, as it did when it began.
 * - 2: the run was started by code that knows every patch of the workflow, so it takes today's path without asking:
 *   its history has no patch markers, each of which also costs the server a search-attribute update. It counts from
 *   `startedAt`, and its search attributes are those the starter set (see `startAttributes`).
 */
export interface EnrollmentInput {
  version: 1 | 2;
  enrollmentId: string;
  campaignId: string;
  contactId: string;
  /**
   * The campaign's first step as the starter read it, its due time already in the enrollment row: the first run
   * schedules it without reading or recording it (absent from workflows started before it existed).
   */
  firstStep?: NextStep;
  /** Version 2: epoch ms the starter counted the first step's delay from (the enrollment row's due time). */
  startedAt?: number;
  /** Carried across continue-as-new; absent on the first run. */
  progress?: EnrollmentProgress;
}

export interface EnrollmentProgress {
  /** Position of the last step handled (sent or flagged); 0 before the first. */
  lastPosition: number;
  /** Epoch ms of the last send, or of the enrollment start before the first send. */
  lastSentAt: number;
  paused: boolean;
  /** Held because the whole campaign is paused (kept apart from `paused`, the enrollment's own pause). */
  campaignPaused?: boolean;
  /** Epoch ms before which nothing is sent (set by `resume` with `delayMinutes`, or when mailboxes are full). */
  notBefore: number;
  stepsSent: number;
}

export type EnrollmentFinalStatus =
  'completed' | 'stopped' | 'bounced' | 'unsubscribed' | 'replied' | 'failed' | 'skipped';

export interface EnrollmentResult {
  status: EnrollmentFinalStatus;
  stepsSent: number;
}

/** What the `state` query answers: the live view the API shows. */
export interface EnrollmentState {
  status: 'active' | 'paused' | 'sending' | EnrollmentFinalStatus;
  currentStep: number;
  totalSteps: number | null;
  nextStep: number | null;
  /** ISO time the next step becomes due, before sending-window and mailbox waits. */
  nextSendAt: string | null;
  paused: boolean;
  campaignPaused: boolean;
  lastError: string | null;
}

export interface ResumeArgs {
  /** Push the next send at least this far into the future. */
  delayMinutes?: number;
}

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal<[ResumeArgs?]>('resume');
export const stopSignal = defineSignal('stop');
/** The contact replied, hard-bounced or unsubscribed: the enrollment ends with that status (first one wins). */
export const repliedSignal = defineSignal('replied');
export const bouncedSignal = defineSignal('bounced');
export const unsubscribedSignal = defineSignal('unsubscribed');
/** Sent to every running enrollment when its campaign is paused or resumed. */
export const campaignPausedSignal = defineSignal('campaignPaused');
export const campaignResumedSignal = defineSignal('campaignResumed');
/**
 * Sent to every running enrollment when its campaign's sequence is edited so that steps fall due at other times (a
 * delay changed, a step added or removed): the next step is read again. Edited content needs no signal: each send
 * renders the step as it is then.
 */
export const sequenceChangedSignal = defineSignal('sequenceChanged');
export const stateQuery = defineQuery<EnrollmentState>('state');

export const ENROLLMENT_WORKFLOW_TYPE = 'enrollmentWorkflow';

/**
 * What a version-2 run's status and wake-up search attributes say when it starts: active, and when the first step
 * is due if it sleeps until then (a step due at once shows no wake-up). The starter sets them; the run takes them as
 * shown, so its first workflow task upserts nothing.
 */
export function startAttributes(firstStep: NextStep | undefined, startedAt: number) {
  const delayMs = firstStep?.step?.delayMs ?? 0;
  return { status: 'active' as const, nextSendAt: delayMs > 0 ? startedAt + delayMs : null };
}

/** The business id: one workflow per campaign × contact, so enrolling twice can never start two. */
export function enrollmentWorkflowId(campaignId: string, contactId: string): string {
  return `enrollment-${campaignId}-${contactId}`;
}
