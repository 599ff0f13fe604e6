import type { SecretBox } from '../../crypto/secret-box';
import type { Database } from '../../db/repositories';
import type { Logger } from '../../logger';
import type { SmtpTransports } from '../../mail/smtp';
import type { CampaignService } from './campaign.service';

/** What a campaign's steps say to a given contact: preview, test sends, and the renderability check of dispatch. */
export class CampaignContentService {
  constructor(
    readonly db: Database,
    readonly campaigns: CampaignService,
    readonly smtp: SmtpTransports,
    readonly secrets: SecretBox,
    readonly logger: Logger,
  ) {}
}
