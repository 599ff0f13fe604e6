import { defineSignal } from '@temporalio/workflow';

/** Workflow input: the endpoint only, versioned so old histories keep replaying. */
export interface WebhookDeliveryInput {
  version: 1;
  webhookId: string;
}

/** Sent (with signal-with-start) when deliveries were queued for the endpoint, or one was asked to go again. */
export const deliveriesQueuedSignal = defineSignal('deliveriesQueued');

export const WEBHOOK_DELIVERY_WORKFLOW_TYPE = 'webhookDeliveryWorkflow';

/** The business id: one job per endpoint, so its events go out one at a time, in order. */
export function webhookDeliveryWorkflowId(webhookId: string): string {
  return `webhook-delivery-${webhookId}`;
}
