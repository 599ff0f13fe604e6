import type { WebhookService } from '../domain/webhooks/webhook.service';
import { operationsUsing, type ApiOperation } from './api-operation';

/** What the webhook operations use. */
export interface WebhookDeps {
  webhooks: WebhookService;
}
const operation = operationsUsing<WebhookDeps>();
void operation;

/** `/webhooks`: signed, durable delivery of the organization's events. */
export const webhookOperations: ApiOperation<WebhookDeps>[] = [];
