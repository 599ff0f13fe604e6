/** Workflow input: the reply's row, versioned so old histories keep replaying. Its bodies stay in the database. */
export interface ManualReplyInput {
  version: 1;
  replyId: string;
}

/** How the reply ended: `sent`, `unknown` (never re-sent), `bounced`, `cancelled` or `failed`, with why. */
export interface ManualReplyResult {
  outcome: 'sent' | 'unknown' | 'bounced' | 'cancelled' | 'failed';
  reason: string | null;
}

export const MANUAL_REPLY_WORKFLOW_TYPE = 'manualReplyWorkflow';

/** One workflow per reply row: a repeated request (same Idempotency-Key) finds it and starts nothing new. */
export function manualReplyWorkflowId(replyId: string): string {
  return `manual-reply-${replyId}`;
}
