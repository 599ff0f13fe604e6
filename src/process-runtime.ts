import path from 'node:path';
import type { Server } from 'node:http';
import { Client, type Connection } from '@temporalio/client';
import type { Express } from 'express';
import { createApp } from './app';
import type { Config } from './config';
import type { Logger } from './logger';
import type { ShutdownSequence } from './shutdown';
import { connectAndMigrate, createDataSource } from './db/data-source';
import { Database } from './db/repositories';
import { SecretBox } from './crypto/secret-box';
import { loadSecretKey } from './crypto/secret-key';
import { createMetricsApp } from './http/metrics.routes';
import { createSmartleadApp } from './http/smartlead';
import { startEmbeddedPostgres } from './embedded/embedded-postgres';
import { resolveTemporalCli } from './temporal/cli-binary';
import { startTemporalDevServer } from './temporal/dev-server';
import { connectClient, connectWorker } from './temporal/connection';
import { ensureNamespaceSetup } from './temporal/namespace-setup';
import { startWorker } from './temporal/worker';
import { resumePendingValidations } from './temporal/email-validation-workflows';
import { resumeMailboxMonitors } from './temporal/mailbox-monitor-workflows';
import { createAppDeps, createSystemFromConfig, type Services } from './system';

/**
 * What a process of ours opens, runs and stops — the backends (embedded or external), the database, secrets and
 * Temporal client the system is built on (src/system.ts builds it), the worker, the API and the metrics server —
 * each registered with the process's shutdown sequence. The entry points (main, api, worker) are sequences of these.
 */

/** The database, secrets and Temporal client a process builds its system on, and the system's services. */
export async function openSystem(
  config: Config,
  addresses: { databaseUrl: string; temporalAddress: string },
  logger: Logger,
  shutdown: ShutdownSequence,
) {
  const db = await openDatabase(addresses.databaseUrl, logger, shutdown, config.databasePoolSize);
  const secrets = await openSecrets(config);
  // The client registers search attributes, and hands over work interrupted by a crash.
  const { client, connection } = await openTemporalClient(config, addresses.temporalAddress, logger, shutdown);
  const { services } = createSystemFromConfig(config, { db, secrets, client, logger });
  return { db, secrets, client, connection, services };
}

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

/**
 * Hands over work that the database marks but Temporal may not have (the process died between a commit and the
 * workflow start): pending email checks, campaigns with queued enrollment starts or an unfinished pause, resume or
 * delete (their fan-out jobs are woken), and operators' replies recorded but not yet handed to their workflow.
 * Run once the worker is up; failures are logged, the next start retries.
 */
export async function resumeInterruptedWork(
  config: Config,
  deps: { db: Database; client: Client; logger: Logger; services: Services },
): Promise<void> {
  const [validations, enrollments, monitors, replies] = await Promise.allSettled([
    resumePendingValidations(deps.client, deps.db, config.temporal.taskQueue),
    deps.services.campaignControl.startStranded(),
    resumeMailboxMonitors(deps.client, deps.db, config.temporal.taskQueue),
    deps.services.conversations.startStranded(),
  ]);
  if (replies.status === 'rejected') {
    deps.logger.warn({ err: replies.reason }, 'could not send the replies recorded before; the next start will');
  }
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

/** Builds the API on the domain services, bootstraps the first organization, and listens on PORT. */
export async function runApi(
  config: Config,
  deps: { db: Database; connection: Connection; logger: Logger; services: Services },
  shutdown: ShutdownSequence,
) {
  const { services } = deps;
  const bootstrap = await services.organizations.bootstrap(config.bootstrapApiKey);
  const metricsOnOwnPort = await serveMetrics(config, deps.logger, shutdown);
  const appDeps = createAppDeps(services, deps, {
    rateLimit: config.rateLimit,
    smartleadRateLimit: config.smartlead.rateLimit,
    corsOrigins: config.corsOrigins,
    temporalMetricsUrl: temporalMetricsUrl(config),
    metricsAccess: { token: config.metricsToken, ownPort: metricsOnOwnPort },
  });
  const server = await listen(createApp(appDeps), config.port);
  // A client that trickles its headers or body cannot hold a connection for ever (Node's defaults are 60 s / 5 min).
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  shutdown.add('http server', () => closeServer(server));
  // SMARTLEAD_PORT: the Smartlead-compatible API also at `/api/v1` on a port of its own (one limit per key for both).
  const smartleadPort = config.smartlead.port;
  if (smartleadPort) {
    const smartleadServer = await listen(createSmartleadApp(appDeps), smartleadPort);
    smartleadServer.headersTimeout = 20_000;
    smartleadServer.requestTimeout = 120_000;
    shutdown.add('smartlead server', () => closeServer(smartleadServer));
    deps.logger.info({ port: smartleadPort }, 'Smartlead-compatible API served on /api/v1');
  }
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
