import type { ActivityOptions } from '@temporalio/workflow';

/**
 * How a workflow calls the send activity (`sendStep`, `resendStep`): idempotent per (enrollment, step). Retried with
 * backoff until it answers: an unreachable server or a broken mailbox comes back as a wait, not an error, and the
 * activity itself gives up on a recipient that keeps answering 4xx; what is left (Postgres or the worker down) must
 * not end an enrollment.
 *
 * No heartbeat: every part of a send is bounded — the reply check (10 s), the render (1 s), the SMTP conversation
 * (45 s, src/mail/smtp.ts) — so the whole fits well within the timeout, and a worker that died mid-send is noticed
 * when it expires. The retry finds the step `sending` and flags it unknown, never sends it again.
 */
export const SEND_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};
