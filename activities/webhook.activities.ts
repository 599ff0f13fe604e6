import { Context } from '@temporalio/activity';
import type { WebhookDeliveryService, WebhookDeliveryStep } from '../src/domain/webhooks/webhook-delivery.service';

export type { WebhookDeliveryStep, WebhookQueueState } from '../src/domain/webhooks/webhook-delivery.service';

/** A step posts for up to a minute or so (a slow endpoint takes up to 10 s a message): it says it is alive meanwhile. */
const HEARTBEAT_MS = 5_000;

/** The activity of webhook endpoints' delivery jobs, on the delivery service the composition root built. */
export function createWebhookActivities(deps: { webhookDeliveries: Pick<WebhookDeliveryService, 'step'> }) {
  return {
    /** One step of an endpoint's delivery job (see WebhookDeliveryService.step): its due deliveries, in order. */
    async webhookDeliveryStep(args: { webhookId: string }): Promise<WebhookDeliveryStep> {
      const context = Context.current();
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
      try {
        // Cancelled (the worker shuts down): no new POST starts; what is not recorded goes out again later.
        return await deps.webhookDeliveries.step(args.webhookId, context.cancellationSignal);
      } finally {
        clearInterval(heartbeat);
      }
    },
  };
}
