import { defineSignal } from '@temporalio/workflow';

/** Workflow input: the organization only, versioned so old histories keep replaying. */
export interface EmailValidationInput {
  version: 1;
  organizationId: string;
  /** Carried across continue-as-new; absent on the first run. */
  progress?: EmailValidationProgress;
}

export interface EmailValidationProgress {
  /** Contacts checked (definite or postponed) so far. */
  processed: number;
  batches: number;
}

export type EmailValidationResult = EmailValidationProgress;

/** Sent after contacts are marked for checking (with signalWithStart): wakes a job sleeping on postponed checks. */
export const checksRequestedSignal = defineSignal('checksRequested');

export const EMAIL_VALIDATION_WORKFLOW_TYPE = 'emailValidationWorkflow';

/** The business id: one validation job per organization, so waking it twice never starts two. */
export function emailValidationWorkflowId(organizationId: string): string {
  return `email-validation-${organizationId}`;
}
