import type { Client, Connection } from '@temporalio/client';
import type { AppDeps } from './app';
import type { MetricsAccess } from './http/metrics.routes';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Database } from './db/repositories';
import type { SecretBox } from './crypto/secret-box';
import { MailboxService } from './domain/mailboxes/mailbox.service';
import { MailboxChecker } from './domain/mailboxes/mailbox-check';
import { ContactService } from './domain/contacts/contact.service';
import { CampaignService } from './domain/campaigns/campaign.service';
import { EnrollmentService } from './domain/enrollments/enrollment.service';
import { ListService } from './domain/lists/list.service';
import { CampaignControlService } from './domain/campaigns/campaign-control.service';
import { CampaignSequenceService } from './domain/campaigns/campaign-sequence.service';
import { CampaignListsService } from './domain/campaigns/campaign-lists.service';
import { CampaignFanoutService } from './domain/campaigns/campaign-fanout.service';
import { CampaignContentService } from './domain/campaigns/campaign-content.service';
import { EnrollmentControlService } from './domain/enrollments/enrollment-control.service';
import { EnrollmentHistoryService } from './domain/enrollments/enrollment-history.service';
import { LeadService } from './domain/enrollments/lead.service';
import { UnknownSendService } from './domain/enrollments/unknown-sends.service';
import { TemporalMessageResends } from './temporal/message-resend-workflows';
import { ConversationService } from './domain/conversations/conversation.service';
import { TemporalManualReplies } from './temporal/manual-reply-workflows';
import { IntegrationEventService } from './domain/enrollments/integration-events.service';
import { BlockListService } from './domain/block-list/block-list.service';
import type { RateLimitSettings } from './http/rate-limit';
import { PostgresRateLimitStore } from './rate-limit-store';
import { EngagementService } from './domain/engagement/engagement.service';
import { PublicLinks } from './domain/engagement/public-links';
import { PUBLIC_TOKENS_KEY, PublicTokens } from './crypto/public-tokens';
import { TemporalEnrollmentWorkflows } from './temporal/enrollment-workflows';
import { TemporalCampaignFanout } from './temporal/campaign-fanout-workflows';
import { SmtpClient } from './mail/smtp';
import { ImapSession } from './mail/imap-client';
import { createMailHostResolver } from './mail/dns';
import { OutboundHostPolicy } from './mail/outbound-host-policy';
import type { MailHostResolver } from './domain/contacts/email-validation';
import { TemporalEmailValidationWorkflows } from './temporal/email-validation-workflows';
import { TemporalMailboxMonitors } from './temporal/mailbox-monitor-workflows';
import { InboundMailService } from './domain/inbound/inbound-mail.service';
import { WebhookService } from './domain/webhooks/webhook.service';
import { WebhookSender } from './domain/webhooks/webhook-sender';
import { WebhookDeliveryService } from './domain/webhooks/webhook-delivery.service';
import { AnalyticsService } from './domain/analytics/analytics.service';
import { SmartleadAliasService } from './domain/smartlead/smartlead-alias.service';
import { TemporalWebhookJobs } from './temporal/webhook-jobs';
import { MailboxReader } from './domain/inbound/mailbox-reader';
import type { StepSenderDeps } from './domain/delivery/step-sender';
import { engineMetrics } from './metrics';
import type { ActivityDeps } from '../activities';
import { createDatabaseServices } from './database-services';

/** What a system is built from besides its database, secrets and Temporal client: the process's settings. */
export interface SystemOptions {
  /** The enrollments' task queue: workflows started by this system run there. */
  taskQueue: string;
  logger: Logger;
  mailHosts: MailHostResolver;
  publicBaseUrl: string;
  /** Which SMTP and IMAP hosts tenants' mailboxes may connect to (OUTBOUND_HOSTS, OUTBOUND_ALLOW). */
  outboundHosts: OutboundHostPolicy;
  /** The longest date range an analytics request may ask for (ANALYTICS_MAX_DAYS; 90 when unset). */
  analyticsMaxDays?: number;
}

/**
 * The composition root: every service and adapter of the system, on one database, one set of secrets and one
 * Temporal client, each constructed here and nowhere else. Processes differ only in what they pass and what they
 * use: the API serves `services` (on its client), the Temporal worker runs its activities on `worker` (on the
 * worker's own connection), the test stack uses both, in-process. `npm start` builds one system per role, as the
 * API and worker processes do.
 */
export function createSystem(db: Database, secrets: SecretBox, temporal: Client, options: SystemOptions) {
  const { taskQueue, logger, outboundHosts } = options;
  const { organizations, outreaches } = createDatabaseServices(db);
  const campaigns = new CampaignService(db, secrets, outboundHosts);
  const ports = temporalPorts(temporal, taskQueue);
  const { workflows } = ports;
  const links = publicLinks(options.publicBaseUrl, secrets);
  // The API sends test messages through it, the worker its steps (each process role builds its own system).
  const smtp = new SmtpClient(outboundHosts);
  const content = new CampaignContentService(db, campaigns, smtp, secrets, links, logger);
  const fanout = campaignFanout(db, ports);
  const enrollments = new EnrollmentService(db, campaigns, workflows, options.mailHosts, content, fanout);
  const lists = new ListService(db, ports.validation, logger);
  const campaignControl = new CampaignControlService(db, campaigns, workflows, fanout);
  const sequences = new CampaignSequenceService(db, fanout);
  const campaignLists = new CampaignListsService(db, campaigns, enrollments);
  const enrollmentControl = new EnrollmentControlService(db, campaigns, workflows);
  const enrollmentHistory = new EnrollmentHistoryService(db, campaigns);
  const leads = new LeadService(db, campaigns, enrollmentControl);
  const unknownSends = new UnknownSendService(db, enrollmentControl, ports.resends);
  const conversations = new ConversationService(db, enrollmentControl, ports.manualReplies);
  const integrationEvents = new IntegrationEventService(db, campaigns, enrollmentControl);
  const blockList = new BlockListService(db, enrollmentControl);
  const mailboxes = new MailboxService(
    db,
    secrets,
    outboundHosts,
    ports.monitors,
    // `POST /mailboxes/{id}/check`: the send path's SMTP client and the monitor's IMAP session, hosts vetted alike.
    new MailboxChecker({ db, secrets, smtp, openSession: (account) => ImapSession.open(account, outboundHosts) }),
  );
  const contacts = new ContactService(db);
  const engagement = new EngagementService(db, enrollmentControl, links, logger);
  // Inbound mail ends enrollments through the same enrollment control, so through this system's Temporal client.
  const inbound = new InboundMailService(db, enrollmentControl, logger, engineMetrics);
  const reader = new MailboxReader({
    db,
    secrets,
    logger,
    inbound,
    openSession: (account) => ImapSession.open(account, outboundHosts),
  });
  const sender: StepSenderDeps = { db, smtp, secrets, logger, links, replies: reader, metrics: engineMetrics };
  const webhookSender = new WebhookSender(outboundHosts);
  const webhooks = new WebhookService(db, secrets, campaigns, ports.webhookJobs, webhookSender, outboundHosts);
  const analytics = new AnalyticsService(db, campaigns, options.analyticsMaxDays);
  return {
    /** The domain services the API serves. */
    services: {
      organizations,
      campaigns,
      enrollments,
      lists,
      campaignControl,
      content,
      sequences,
      campaignLists,
      outreaches,
      enrollmentControl,
      enrollmentHistory,
      leads,
      unknownSends,
      conversations,
      integrationEvents,
      blockList,
      mailboxes,
      contacts,
      engagement,
      webhooks,
      analytics,
      /** The integer ids of the Smartlead-compatible API. */
      smartleadAliases: new SmartleadAliasService(db),
    },
    /** What the Temporal worker runs its activities with. */
    worker: {
      activities: {
        ...sender,
        mailHosts: options.mailHosts,
        // Each step of a campaign's job runs on the activity's own client and the queue it was given.
        campaignFanoutOn: (client: Client, queue: string) => campaignFanout(db, temporalPorts(client, queue)),
        webhookDeliveries: new WebhookDeliveryService(db, secrets, webhookSender),
      } satisfies ActivityDeps,
      /** Reads mailboxes over IMAP: the monitors' sessions and the send path's just-in-time reply check. */
      reader,
      /** What the send activity runs with. */
      sender,
      /** Posts webhook deliveries (the delivery job's activity). */
      webhookSender,
      /** Keeps connections open for an account's next message: closed when the worker stops. */
      smtp,
    },
  };
}

export type System = ReturnType<typeof createSystem>;
export type Services = System['services'];

/** The domain services alone, on the API's client (for code that needs nothing of the worker side). */
export function createServices(db: Database, secrets: SecretBox, temporal: Client, options: SystemOptions): Services {
  return createSystem(db, secrets, temporal, options).services;
}

/** The Temporal adapters of the domain's ports, on a client and the enrollments' task queue. */
function temporalPorts(client: Client, taskQueue: string) {
  return {
    workflows: new TemporalEnrollmentWorkflows(client, taskQueue),
    monitors: new TemporalMailboxMonitors(client, taskQueue),
    campaignJobs: new TemporalCampaignFanout(client, taskQueue),
    validation: new TemporalEmailValidationWorkflows(client, taskQueue),
    resends: new TemporalMessageResends(client, taskQueue),
    manualReplies: new TemporalManualReplies(client, taskQueue),
    webhookJobs: new TemporalWebhookJobs(client, taskQueue),
  };
}

/**
 * The campaign fan-out service on a set of ports: the system's own (on its client), or, for each step of a campaign's
 * job, ports on the activity's client (activities/campaign.activities.ts asks for them with campaignFanoutOn).
 */
function campaignFanout(db: Database, ports: ReturnType<typeof temporalPorts>): CampaignFanoutService {
  return new CampaignFanoutService(db, ports.workflows, ports.monitors, ports.campaignJobs);
}

/**
 * The system of a process, built from its config: the API, the start-up hand-over of interrupted work, and the
 * worker (on its own connection's client) each use one.
 */
export function createSystemFromConfig(
  config: Config,
  deps: { db: Database; secrets: SecretBox; client: Client; logger: Logger },
): System {
  return createSystem(deps.db, deps.secrets, deps.client, {
    taskQueue: config.temporal.taskQueue,
    logger: deps.logger,
    mailHosts: createMailHostResolver(config.dns),
    publicBaseUrl: config.publicBaseUrl,
    outboundHosts: new OutboundHostPolicy(config.outboundHosts),
    analyticsMaxDays: config.analyticsMaxDays,
  });
}

/** The unsubscribe and tracking links of our messages, signed with a key derived from SECRET_KEY. */
export function publicLinks(publicBaseUrl: string, secrets: SecretBox): PublicLinks {
  return new PublicLinks(publicBaseUrl, new PublicTokens(secrets.deriveKey(PUBLIC_TOKENS_KEY)));
}

/**
 * What the HTTP app is built from: the domain services, readiness checks on Postgres and Temporal, the rate limit
 * (counted in Postgres). The API process and the test stack build theirs here, with their own settings.
 */
export function createAppDeps(
  services: Services,
  deps: { db: Database; connection: Connection; logger: Logger },
  settings: {
    rateLimit: RateLimitSettings;
    /** The Smartlead-compatible API's own limit per key (`requests: 0` = off). */
    smartleadRateLimit: RateLimitSettings;
    corsOrigins: string[];
    temporalMetricsUrl: string | null;
    metricsAccess?: MetricsAccess;
  },
): AppDeps {
  return {
    logger: deps.logger,
    ...services,
    readiness: {
      postgres: () => deps.db.ping(),
      temporal: async () => void (await deps.connection.workflowService.getSystemInfo({})),
    },
    rateLimit: { ...settings.rateLimit, store: new PostgresRateLimitStore(deps.db) },
    // A store of its own: express-rate-limit gives each limiter's store its window.
    smartleadRateLimit: { ...settings.smartleadRateLimit, store: new PostgresRateLimitStore(deps.db) },
    corsOrigins: settings.corsOrigins,
    temporalMetricsUrl: settings.temporalMetricsUrl,
    metricsAccess: settings.metricsAccess,
  };
}
