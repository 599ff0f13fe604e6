/** Workflow input: the message's enrollment and step, versioned so old histories keep replaying. */
export interface MessageResendInput {
  version: 1;
  enrollmentId: string;
  position: number;
}

/** How the resend ended: `sent`, `unknown` again, or `stopped` with why (the contact unsubscribed meanwhile…). */
export interface MessageResendResult {
  outcome: 'sent' | 'unknown' | 'bounced' | 'stopped';
  reason: string | null;
}

export const MESSAGE_RESEND_WORKFLOW_TYPE = 'messageResendWorkflow';

/**
 * One resend per message and attempt: the attempt number of the row when the operator asked, so a repeated request
 * starts nothing new, and a resend that ended `unknown` again can be asked for once more.
 */
export function messageResendWorkflowId(enrollmentId: string, position: number, attempt: number): string {
  return `message-resend-${enrollmentId}-${position}-${attempt}`;
}
