import type { ActivityOptions } from '@temporalio/workflow';

/**
 * How a workflow calls the send activity (`sendStep`, `resendStep`): idempotent per (enrollment, step). Retried with
 * backoff until it answers: an unreachable server or a broken mailbox comes back as a wait, not an error, and the
 * activity itself gives up on a recipient that keeps answering 4xx; what is left (Postgres or the worker down) must
 * not end an enrollment. It heartbeats every 3 s: a worker that died mid-send is noticed within 10 s.
 */
export const SEND_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};
