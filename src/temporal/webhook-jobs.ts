import type { Client } from '@temporalio/client';
import type { WebhookJobsPort } from '../domain/webhooks/webhook-jobs.port';
import {
  WEBHOOK_DELIVERY_WORKFLOW_TYPE,
  deliveriesQueuedSignal,
  webhookDeliveryWorkflowId,
  type WebhookDeliveryInput,
} from '../../workflows/webhook-delivery/definitions';
import { wakeJob } from './wake-job';

/** Wakes webhook endpoints' delivery jobs through a Temporal client. */
export class TemporalWebhookJobs implements WebhookJobsPort {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  wake(webhookId: string): Promise<void> {
    return wakeJob<WebhookDeliveryInput>(this.client, {
      workflowType: WEBHOOK_DELIVERY_WORKFLOW_TYPE,
      workflowId: webhookDeliveryWorkflowId(webhookId),
      taskQueue: this.taskQueue,
      input: { version: 1, webhookId },
      signal: deliveriesQueuedSignal,
      staticSummary: `Webhook deliveries for endpoint ${webhookId}`,
    });
  }
}
