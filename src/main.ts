import path from 'node:path';
import type { Server } from 'node:http';
import { createApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { ShutdownSequence } from './shutdown';
import { createServices, openDatabase, openSecrets, startBackends } from './system';
import { connectClient, connectWorker } from './temporal/connection';
import { ensureNamespaceSetup } from './temporal/namespace-setup';
import { installTemporalRuntime, startWorker } from './temporal/worker';
import { startCaptureInbox } from './embedded/capture-inbox';
import { SmtpTransports } from './mail/smtp';

/**
 * `npm start`: the whole system in one process tree. Postgres and the Temporal dev server are embedded unless
 * DATABASE_URL / TEMPORAL_ADDRESS point elsewhere; the worker, the API and the capture inbox run here.
 */
async function main(config: Config, logger: Logger): Promise<void> {
  const shutdown = new ShutdownSequence(logger);
  shutdown.exitOnSignals((signal) => say(`\n${signal} received: stopping Sequencer (Ctrl-C again to force)…`));
  shutdown.add('goodbye', () => say('Sequencer stopped; data is kept in DATA_DIR.'));
  installTemporalRuntime(logger);
  try {
    say('Starting Sequencer…');
    const backends = await startBackends(config, logger, shutdown, say);
    const db = await openDatabase(backends.databaseUrl, logger, shutdown);
    const secrets = await openSecrets(config);

    const { client, connection } = await connectClient(config.temporal, backends.temporalAddress);
    shutdown.add('temporal client', () => connection.close());
    await ensureNamespaceSetup(connection, config.temporal.namespace);

    const inbox =
      config.devSmtpPort === 0
        ? null
        : await startCaptureInbox({ dir: path.join(config.dataDir, 'inbox'), port: config.devSmtpPort, logger });
    if (inbox) shutdown.add('capture inbox', inbox.close);

    const smtp = new SmtpTransports();
    shutdown.add('smtp transports', () => smtp.close());
    const workerConnection = await connectWorker(config.temporal, backends.temporalAddress);
    shutdown.add('worker connection', () => workerConnection.close());
    const worker = await startWorker({
      connection: workerConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      deps: { db, smtp, secrets, logger },
    });
    shutdown.add('worker', worker.stop);
    void worker.running.catch((error: unknown) => {
      logger.fatal({ err: error }, 'the Temporal worker stopped unexpectedly');
      void shutdown.run('worker failure').then(() => process.exit(1));
    });

    const services = createServices(db, secrets, client, config.temporal.taskQueue);
    const bootstrap = await services.organizations.bootstrap(config.bootstrapApiKey);
    const app = createApp({
      logger,
      ...services,
      readiness: {
        postgres: () => db.ping(),
        temporal: async () => void (await connection.workflowService.getSystemInfo({})),
      },
    });
    const server = await listen(app, config.port);
    shutdown.add('http server', () => closeServer(server));

    say(
      [
        '',
        'Sequencer is running.',
        `  API            http://localhost:${config.port}/api/v1   (health: /healthz, readiness: /readyz)`,
        `  API key        ${describeKey(bootstrap, config)}`,
        `  Temporal UI    ${backends.temporalUiUrl ?? '(external Temporal: use your own UI)'}`,
        `  Temporal       ${backends.temporalAddress}, namespace "${config.temporal.namespace}"`,
        `  Postgres       ${backends.embeddedPostgresDir ? `embedded, data in ${backends.embeddedPostgresDir}` : 'DATABASE_URL'}`,
        `  Capture inbox  ${inbox ? `smtp://127.0.0.1:${inbox.port} (any login; list what arrived: npm run inbox)` : 'off (DEV_SMTP_PORT=0)'}`,
        '',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  } catch (error) {
    await shutdown.run('startup failure');
    throw error;
  }
}

function describeKey(
  bootstrap: Awaited<ReturnType<ReturnType<typeof createServices>['organizations']['bootstrap']>>,
  config: Config,
): string {
  if (!bootstrap.created) return 'use your existing key (the organization was created on an earlier start)';
  if (config.bootstrapApiKey) return 'the value of BOOTSTRAP_API_KEY';
  return `${bootstrap.apiKey}\n                 (generated now and shown only this once: store it)`;
}

function listen(app: ReturnType<typeof createApp>, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '0.0.0.0', (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}

/** Stops accepting connections and waits for in-flight requests; idle keep-alive sockets are closed. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

function say(message: string): void {
  process.stdout.write(`${message}\n`);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
const logger = createLogger(config.logLevel);
main(config, logger).catch((error: unknown) => {
  logger.fatal({ err: error }, 'Sequencer could not start');
  process.stderr.write(`\nSequencer could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
