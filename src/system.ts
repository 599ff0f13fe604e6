import path from 'node:path';
import type { Server } from 'node:http';
import { Client, type Connection } from '@temporalio/client';
import { createApp, type AppDeps } from './app';
import type { Config } from './config';
import type { Logger } from './logger';
import { connectAndMigrate, createDataSource } from './db/data-source';
import { Database } from './db/repositories';
import { SecretBox } from './crypto/secret-box';
import { loadSecretKey } from './crypto/secret-key';
import { CampaignService } from './domain/campaigns/campaign.service';
import { EnrollmentService } from './domain/enrollments/enrollment.service';
import { ListService } from './domain/lists/list.service';
import { CampaignControlService } from './domain/campaigns/campaign-control.service';
import { CampaignFanoutService } from './domain/campaigns/campaign-fanout.service';
import { CampaignContentService } from './domain/campaigns/campaign-content.service';
import { EnrollmentControlService } from './domain/enrollments/enrollment-control.service';
import { EnrollmentHistoryService } from './domain/enrollments/enrollment-history.service';
import { UnknownSendService } from './domain/enrollments/unknown-sends.service';
import { TemporalMessageResends } from './temporal/message-resend-workflows';
import { IntegrationEventService } from './domain/enrollments/integration-events.service';
import { BlockListService } from './domain/block-list/block-list.service';
import type { Express } from 'express';
import { createMetricsApp, type MetricsAccess } from './http/metrics.routes';
import { PostgresRateLimitStore, type RateLimitSettings } from './http/rate-limit';
import { EngagementService } from './domain/engagement/engagement.service';
import { PublicLinks } from './domain/engagement/public-links';
import { PUBLIC_TOKENS_KEY, PublicTokens } from './crypto/public-tokens';
import { startEmbeddedPostgres } from './embedded/embedded-postgres';
import { resolveTemporalCli } from './temporal/cli-binary';
import { startTemporalDevServer } from './temporal/dev-server';
import { TemporalEnrollmentWorkflows } from './temporal/enrollment-workflows';
import { TemporalCampaignFanout } from './temporal/campaign-fanout-workflows';
import { connectClient, connectWorker } from './temporal/connection';
import { ensureNamespaceSetup } from './temporal/namespace-setup';
import { startWorker } from './temporal/worker';
import { SmtpClient } from './mail/smtp';
import { createMailHostResolver } from './mail/dns';
import { OutboundHostPolicy } from './mail/outbound-host-policy';
import type { MailHostResolver } from './domain/contacts/email-validation';
import { resumePendingValidations, TemporalEmailValidationWorkflows } from './temporal/email-validation-workflows';
import { resumeMailboxMonitors, TemporalMailboxMonitors } from './temporal/mailbox-monitor-workflows';
import { InboundMailService } from './domain/inbound/inbound-mail.service';
import { MailboxReader } from './domain/inbound/mailbox-reader';
import type { ShutdownSequence } from './shutdown';
import type { StepSenderDeps } from './domain/delivery/step-sender';
import { engineMetrics } from './metrics';
import type { ActivityDeps } from '../activities';
import { createDatabaseServices } from './database-services';

export interface Backends {
  databaseUrl: string;
  temporalAddress: string;
  /** Set when we run the embedded server; otherwise the operator knows where their UI is. */
  temporalUiUrl: string | null;
  embeddedPostgresDir: string | null;
}

/**
 * Uses `DATABASE_URL` and `TEMPORAL_ADDRESS` when set; otherwise starts the embedded PostgreSQL and the Temporal
 * dev server under `DATA_DIR` (in parallel: the first Temporal CLI build takes minutes).
 */
export async function startBackends(
  config: Config,
  logger: Logger,
  shutdown: ShutdownSequence,
  progress: (message: string) => void,
): Promise<Backends> {
  const postgres = async (): Promise<{ url: string; dir: string | null }> => {
    if (config.databaseUrl) return { url: config.databaseUrl, dir: null };
    const dir = path.join(config.dataDir, 'postgres');
    const handle = await startEmbeddedPostgres({ dir, port: config.embeddedPostgresPort, logger });
    shutdown.add('embedded postgres', handle.stop);
    return { url: handle.databaseUrl, dir };
  };
  const temporal = async (): Promise<{ address: string; uiUrl: string | null }> => {
    if (config.temporal.address) return { address: config.temporal.address, uiUrl: null };
    const cli = await resolveTemporalCli({
      cliPath: config.temporal.cliPath,
      cacheDir: config.cacheDir,
      pathEnv: config.searchPath,
      onProgress: progress,
    });
    logger.debug({ cli }, 'temporal cli resolved');
    const handle = await startTemporalDevServer({
      cliPath: cli.path,
      dir: path.join(config.dataDir, 'temporal'),
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      logger,
    });
    shutdown.add('temporal dev server', handle.stop);
    return { address: handle.address, uiUrl: handle.uiUrl };
  };
  const [db, tmp] = await Promise.all([postgres(), temporal()]);
  return { databaseUrl: db.url, embeddedPostgresDir: db.dir, temporalAddress: tmp.address, temporalUiUrl: tmp.uiUrl };
}

/** Connects to Postgres (with at most `poolSize` connections) and applies pending migrations. */
export async function openDatabase(
  url: string,
  logger: Logger,
  shutdown: ShutdownSequence,
  poolSize?: number,
): Promise<Database> {
  const dataSource = createDataSource(url, { poolSize });
  const applied = await connectAndMigrate(dataSource);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  shutdown.add('database pool', () => dataSource.destroy());
  return new Database(dataSource);
}

export async function openSecrets(config: Config): Promise<SecretBox> {
  return new SecretBox(await loadSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir }));
}

/** What a system is built from besides its database, secrets and Temporal client: the process's settings. */
export interface SystemOptions {
  /** The enrollments' task queue: workflows started by this system run there. */
  taskQueue: string;
  logger: Logger;
  mailHosts: MailHostResolver;
  publicBaseUrl: string;
  /** Which SMTP and IMAP hosts tenants' mailboxes may connect to (OUTBOUND_HOSTS, OUTBOUND_ALLOW). */
  outboundHosts: OutboundHostPolicy;
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
  const enrollmentControl = new EnrollmentControlService(db, campaigns, workflows);
  const enrollmentHistory = new EnrollmentHistoryService(db, campaigns, enrollmentControl);
  const unknownSends = new UnknownSendService(db, enrollmentControl, ports.resends);
  const integrationEvents = new IntegrationEventService(db, campaigns, enrollmentControl);
  const blockList = new BlockListService(db, enrollmentControl);
  const engagement = new EngagementService(db, enrollmentControl, links, logger);
  // Inbound mail ends enrollments through the same enrollment control, so through this system's Temporal client.
  const inbound = new InboundMailService(db, enrollmentControl, logger, engineMetrics);
  const reader = new MailboxReader({ db, secrets, logger, hosts: outboundHosts, inbound });
  const sender: StepSenderDeps = { db, smtp, secrets, logger, links, replies: reader, metrics: engineMetrics };
  return {
    /** The domain services the API serves. */
    services: {
      organizations,
      campaigns,
      enrollments,
      lists,
      campaignControl,
      content,
      outreaches,
      enrollmentControl,
      enrollmentHistory,
      unknownSends,
      integrationEvents,
      blockList,
      engagement,
    },
    /** What the Temporal worker runs its activities with. */
    worker: {
      activities: {
        ...sender,
        mailHosts: options.mailHosts,
        // Each step of a campaign's job runs on the activity's own client and the queue it was given.
        campaignFanoutOn: (client: Client, queue: string) => campaignFanout(db, temporalPorts(client, queue)),
      } satisfies ActivityDeps,
      /** Reads mailboxes over IMAP: the monitors' sessions and the send path's just-in-time reply check. */
      reader,
      /** What the send activity runs with. */
      sender,
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
  });
}

/** The unsubscribe and tracking links of our messages, signed with a key derived from SECRET_KEY. */
export function publicLinks(publicBaseUrl: string, secrets: SecretBox): PublicLinks {
  return new PublicLinks(publicBaseUrl, new PublicTokens(secrets.deriveKey(PUBLIC_TOKENS_KEY)));
}

/**
 * Hands over work that the database marks but Temporal may not have (the process died between a commit and the
 * workflow start): pending email checks, and campaigns with queued enrollment starts or an unfinished pause, resume
 * or delete (their fan-out jobs are woken).
 * Run once the worker is up; failures are logged, the next start retries.
 */
export async function resumeInterruptedWork(
  config: Config,
  deps: { db: Database; client: Client; logger: Logger; services: Services },
): Promise<void> {
  const [validations, enrollments, monitors] = await Promise.allSettled([
    resumePendingValidations(deps.client, deps.db, config.temporal.taskQueue),
    deps.services.campaignControl.startStranded(),
    resumeMailboxMonitors(deps.client, deps.db, config.temporal.taskQueue),
  ]);
  if (validations.status === 'rejected') {
    deps.logger.warn({ err: validations.reason }, 'could not resume pending email checks; the next start will');
  }
  if (monitors.status === 'rejected') {
    deps.logger.warn({ err: monitors.reason }, 'could not start the mailbox monitors; the next start will');
  }
  if (enrollments.status === 'rejected') {
    deps.logger.warn({ err: enrollments.reason }, 'could not wake the campaign jobs; the next start will');
  } else if (enrollments.value > 0) {
    deps.logger.info({ queued: enrollments.value }, 'woke the campaign jobs of enrollments waiting for their start');
  }
}

/**
 * Connects the Temporal client and makes sure the namespace has our search attributes and retention.
 * On an external cluster that refuses operator calls (Temporal Cloud), it warns with the manual fix instead.
 */
export async function openTemporalClient(
  config: Config,
  address: string,
  logger: Logger,
  shutdown: ShutdownSequence,
): Promise<{ client: Client; connection: Connection }> {
  const { client, connection } = await connectClient(config.temporal, address);
  shutdown.add('temporal client', () => connection.close());
  try {
    const { added } = await ensureNamespaceSetup(connection, config.temporal.namespace);
    if (added.length > 0) logger.info({ searchAttributes: added }, 'registered Temporal search attributes');
  } catch (error) {
    if (!config.temporal.address) throw error;
    logger.warn(
      { err: error },
      'could not register search attributes on the external Temporal namespace; register CampaignId, ContactId, ' +
        'EnrollmentStatus (Keyword) and NextSendAt (Datetime) yourself, e.g. with `temporal operator search-attribute create`',
    );
  }
  return { client, connection };
}

/** Starts the Temporal worker (every workflow and activity) and registers its graceful stop. */
export async function runWorker(
  config: Config,
  address: string,
  deps: { db: Database; secrets: SecretBox; logger: Logger },
  shutdown: ShutdownSequence,
): Promise<void> {
  const connection = await connectWorker(config.temporal, address);
  shutdown.add('worker connection', () => connection.close());
  // Inbound mail and campaign jobs signal enrollment workflows: the worker's own connection serves as a client too.
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const { worker: system } = createSystemFromConfig(config, { ...deps, client });
  const stopping = new AbortController();
  const worker = await startWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: system.activities,
    inbound: { reader: system.reader, stopping: stopping.signal },
    tuning: config.worker,
  });
  shutdown.add('worker', async () => {
    stopping.abort(); // IMAP sessions end now instead of holding the shutdown for the grace time
    await worker.stop();
    system.smtp.close(); // the connections kept open for a next message
  });
  void worker.running.catch((error: unknown) => {
    deps.logger.fatal({ err: error }, 'the Temporal worker stopped unexpectedly');
    void shutdown.run('worker failure').then(() => process.exit(1));
  });
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
    corsOrigins: settings.corsOrigins,
    temporalMetricsUrl: settings.temporalMetricsUrl,
    metricsAccess: settings.metricsAccess,
  };
}

/** Builds the API on the domain services, bootstraps the first organization, and listens on PORT. */
export async function runApi(
  config: Config,
  deps: { db: Database; connection: Connection; logger: Logger; services: Services },
  shutdown: ShutdownSequence,
) {
  const { services } = deps;
  const bootstrap = await services.organizations.bootstrap(config.bootstrapApiKey);
  const metricsOnOwnPort = await serveMetrics(config, deps.logger, shutdown);
  const app = createApp(
    createAppDeps(services, deps, {
      rateLimit: config.rateLimit,
      corsOrigins: config.corsOrigins,
      temporalMetricsUrl: temporalMetricsUrl(config),
      metricsAccess: { token: config.metricsToken, ownPort: metricsOnOwnPort },
    }),
  );
  const server = await listen(app, config.port);
  // A client that trickles its headers or body cannot hold a connection for ever (Node's defaults are 60 s / 5 min).
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  shutdown.add('http server', () => closeServer(server));
  return { bootstrap };
}

/** The Temporal SDK's Prometheus exporter in this process, when TEMPORAL_METRICS_PORT turns it on. */
function temporalMetricsUrl(config: Config): string | null {
  return config.temporalMetricsPort ? `http://127.0.0.1:${config.temporalMetricsPort}/metrics` : null;
}

/**
 * `GET /metrics` on METRICS_PORT (at METRICS_HOST), behind METRICS_TOKEN when set: the API's instead of on its own
 * port, or a standalone worker's. Nothing when METRICS_PORT is unset (or 0). Whether it serves them: the API's port
 * serves `/metrics` exactly when this does not.
 */
export async function serveMetrics(config: Config, logger: Logger, shutdown: ShutdownSequence): Promise<boolean> {
  const port = config.metricsPort;
  if (!port) return false;
  const app = createMetricsApp(temporalMetricsUrl(config), config.metricsToken);
  const server = await listen(app, port, config.metricsHost);
  shutdown.add('metrics server', () => closeServer(server));
  logger.info({ host: config.metricsHost, port }, 'metrics served on /metrics');
  return true;
}

/** Listens on every interface unless told otherwise; a port already taken rejects instead of crashing the process. */
function listen(app: Express, port: number, host = '0.0.0.0'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
}

/** Stops accepting connections and waits for in-flight requests; idle keep-alive sockets are closed. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Fails fast when a standalone process is missing the external services it cannot start itself. */
export function requireExternalServices(
  config: Config,
  processName: string,
): { databaseUrl: string; temporalAddress: string } {
  const missing = [!config.databaseUrl && 'DATABASE_URL', !config.temporal.address && 'TEMPORAL_ADDRESS'].filter(
    Boolean,
  );
  if (!config.databaseUrl || !config.temporal.address) {
    throw new Error(
      `The ${processName} process needs ${missing.join(' and ')}; it never starts embedded servers. ` +
        'For everything on one machine, use `npm start`.',
    );
  }
  return { databaseUrl: config.databaseUrl, temporalAddress: config.temporal.address };
}
