import type { Database } from '../src/db/repositories';
import type { MailHostResolver } from '../src/domain/contacts/email-validation';
import type { StepSenderDeps } from '../src/domain/delivery/step-sender';
import type { WebhookDeliveryService } from '../src/domain/webhooks/webhook-delivery.service';
import { createCampaignActivities, type CampaignFanoutOn } from './campaign.activities';
import { createEnrollmentActivities } from './enrollment.activities';
import { createManualReplyActivities } from './manual-reply.activities';
import { createSendActivities } from './send.activities';
import { createValidationActivities } from './validation.activities';
import { createWebhookActivities } from './webhook.activities';

/** What the activities run with: built once per worker by the composition root (src/system.ts). */
export type ActivityDeps = StepSenderDeps & {
  db: Database;
  mailHosts: MailHostResolver;
  campaignFanoutOn: CampaignFanoutOn;
  /** Posts endpoints' queued webhook deliveries (tests build one with a short retry schedule). */
  webhookDeliveries: Pick<WebhookDeliveryService, 'step' | 'endpointsWithPending'>;
};

/** Every activity of the main task queue, bound to their dependencies (IMAP sessions have their own queue). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createEnrollmentActivities(deps.db),
    ...createCampaignActivities(deps),
    ...createSendActivities(deps),
    ...createManualReplyActivities(deps),
    ...createValidationActivities(deps),
    ...createWebhookActivities(deps),
  };
}
