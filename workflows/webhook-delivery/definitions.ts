import { defineSignal } from '@temporalio/workflow';
// A step's result is the activity's, made by the domain code it runs (WebhookDeliveryService.step).
import type { WebhookDeliveryStep, WebhookQueueState } from '../../activities/webhook.activities';

export type { WebhookDeliveryStep, WebhookQueueState };

/** Workflow input: the endpoint only, versioned so old histories keep replaying. */
export interface WebhookDeliveryInput {
  version: 1;
  webhookId: string;
  /** Carried across continue-as-new; absent on the first run. */
  totals?: WebhookDeliveryTotals;
}

/** Deliveries settled since the job first started (for its summary). */
export interface WebhookDeliveryTotals {
  delivered: number;
  failed: number;
}

export interface WebhookDeliveryResult extends WebhookDeliveryTotals {
  /** `idle`: nothing left to deliver; `deleted`, `disabled`: the endpoint is gone or off (its deliveries wait). */
  outcome: 'idle' | 'deleted' | 'disabled';
}

/** Sent (with signal-with-start) when deliveries were queued for the endpoint, or one was asked to go again. */
export const deliveriesQueuedSignal = defineSignal('deliveriesQueued');

export const WEBHOOK_DELIVERY_WORKFLOW_TYPE = 'webhookDeliveryWorkflow';

/** The business id: one job per endpoint, so its events go out one at a time, in order. */
export function webhookDeliveryWorkflowId(webhookId: string): string {
  return `webhook-delivery-${webhookId}`;
}

/**
 * The task queue of the job's activity, beside the enrollments' one: an endpoint that takes its 10 s to answer holds
 * a webhook slot, never one that sends need.
 */
export function webhookJobTaskQueue(taskQueue: string): string {
  return `${taskQueue}-webhooks`;
}
