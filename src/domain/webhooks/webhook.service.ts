import type { SecretBox } from '../../crypto/secret-box';
import type { Database } from '../../db/repositories';
import type { CampaignService } from '../campaigns/campaign.service';
import type { WebhookJobsPort } from './webhook-jobs.port';
import type { WebhookSender } from './webhook-sender';

/** Webhook endpoints of an organization: create, read, change, delete; their deliveries, retries and test sends. */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly campaigns: CampaignService,
    private readonly jobs: WebhookJobsPort,
    private readonly sender: WebhookSender,
  ) {}
}
