import type { DataSource, EntityManager } from 'typeorm';
import { AnalyticsRepository } from './analytics.repository';
import { BlockListRepository } from './block-list.repository';
import { CampaignRepository } from './campaign.repository';
import { CampaignContentRepository } from './campaign-content.repository';
import { ContactRepository } from './contact.repository';
import { EmailValidationRepository } from './email-validation.repository';
import { EnrollmentRepository } from './enrollment.repository';
import { EnrollmentControlRepository } from './enrollment-control.repository';
import { EventRepository } from './event.repository';
import { InboundRepository } from './inbound.repository';
import { LeadRepository } from './lead.repository';
import { ListRepository } from './list.repository';
import { MailboxRepository } from './mailbox.repository';
import { MailboxAdminRepository } from './mailbox-admin.repository';
import { ManualReplyRepository } from './manual-reply.repository';
import { MessageRepository } from './message.repository';
import { OrganizationRepository } from './organization.repository';
import { OutreachRepository } from './outreach.repository';
import { RateLimitRepository } from './rate-limit.repository';
import { SendContextRepository } from './send-context.repository';
import { SendQuotaRepository } from './send-quota.repository';
import { SequenceRepository } from './sequence.repository';
import { SkipRepository } from './skip.repository';
import { SmartleadAliasRepository } from './smartlead-alias.repository';
import { StatsRepository } from './stats.repository';
import { WebhookRepository } from './webhook.repository';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';

function repositoriesOf(manager: EntityManager) {
  return {
    organizations: new OrganizationRepository(manager),
    contacts: new ContactRepository(manager),
    emailValidation: new EmailValidationRepository(manager),
    lists: new ListRepository(manager),
    mailboxes: new MailboxRepository(manager),
    mailboxAdmin: new MailboxAdminRepository(manager),
    campaigns: new CampaignRepository(manager),
    outreaches: new OutreachRepository(manager),
    skips: new SkipRepository(manager),
    enrollments: new EnrollmentRepository(manager),
    messages: new MessageRepository(manager),
    manualReplies: new ManualReplyRepository(manager),
    quotas: new SendQuotaRepository(manager),
    sends: new SendContextRepository(manager),
    stats: new StatsRepository(manager),
    content: new CampaignContentRepository(manager),
    sequences: new SequenceRepository(manager),
    blockList: new BlockListRepository(manager),
    enrollmentControl: new EnrollmentControlRepository(manager),
    inbound: new InboundRepository(manager),
    leads: new LeadRepository(manager),
    rateLimits: new RateLimitRepository(manager),
    events: new EventRepository(manager),
    webhooks: new WebhookRepository(manager),
    webhookDeliveries: new WebhookDeliveryRepository(manager),
    analytics: new AnalyticsRepository(manager),
    smartleadAliases: new SmartleadAliasRepository(manager),
  };
}

export type Repositories = ReturnType<typeof repositoriesOf>;

/** The domain's only door to Postgres: repositories, optionally inside one transaction. */
export class Database {
  readonly repos: Repositories;

  constructor(readonly dataSource: DataSource) {
    this.repos = repositoriesOf(dataSource.manager);
  }

  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(repositoriesOf(manager)));
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
