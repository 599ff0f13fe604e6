import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { connectAndMigrate, createDataSource } from '../../src/db/data-source';
import { Database } from '../../src/db/repositories';
import { SecretBox } from '../../src/crypto/secret-box';
import { startCaptureInbox } from '../../src/embedded/capture-inbox';
import { startEmbeddedPostgres } from '../../src/embedded/embedded-postgres';
import { createLogger } from '../../src/logger';
import { SmtpTransports } from '../../src/mail/smtp';
import { ShutdownSequence } from '../../src/shutdown';
import { resolveTemporalCli } from '../../src/temporal/cli-binary';
import { connectClient, connectWorker } from '../../src/temporal/connection';
import { startTemporalDevServer } from '../../src/temporal/dev-server';
import { ensureNamespaceSetup } from '../../src/temporal/namespace-setup';
import { installTemporalRuntime, startWorker } from '../../src/temporal/worker';
import { newStackFilePath, STACK_FILE_VARIABLE, type StackInfo } from './stack-file';

declare global {
  var __SEQUENCER_STACK__: ShutdownSequence | undefined;
}

/** Starts every real component once for the whole run; nothing here is mocked or skipped. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const logger = createLogger(config.logLevel, { component: 'test-stack' });
  const shutdown = new ShutdownSequence(logger);
  globalThis.__SEQUENCER_STACK__ = shutdown;
  installTemporalRuntime(logger);

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sequencer-test-'));
  // As root, Postgres runs as the `postgres` user, which must be able to reach its data directory.
  await fs.chmod(dir, 0o755);
  shutdown.add('test directory', () => fs.rm(dir, { recursive: true, force: true }));

  const cli = await resolveTemporalCli({
    cliPath: config.temporal.cliPath,
    cacheDir: config.cacheDir,
    pathEnv: config.searchPath,
    onProgress: (message) => process.stdout.write(`${message}\n`),
  });
  const [postgresPort, temporalPort, uiPort] = await freePorts(3);
  const [postgres, temporal] = await Promise.all([
    startEmbeddedPostgres({ dir: path.join(dir, 'postgres'), port: postgresPort!, logger }),
    startTemporalDevServer({
      cliPath: cli.path,
      dir: path.join(dir, 'temporal'),
      port: temporalPort!,
      uiPort: uiPort!,
      logger,
    }),
  ]);
  shutdown.add('postgres', postgres.stop);
  shutdown.add('temporal', temporal.stop);

  const dataSource = createDataSource(postgres.databaseUrl);
  await connectAndMigrate(dataSource);
  shutdown.add('database pool', () => dataSource.destroy());
  const { connection } = await connectClient(config.temporal, temporal.address);
  await ensureNamespaceSetup(connection, config.temporal.namespace);
  await connection.close();

  const inbox = await startCaptureInbox({ dir: path.join(dir, 'inbox'), port: 0, logger });
  shutdown.add('smtp server', inbox.close);

  const secretKey = crypto.randomBytes(32).toString('hex');
  const taskQueue = 'sequencer-test';
  const smtp = new SmtpTransports();
  shutdown.add('smtp transports', () => smtp.close());
  const workerConnection = await connectWorker(config.temporal, temporal.address);
  shutdown.add('worker connection', () => workerConnection.close());
  const worker = await startWorker({
    connection: workerConnection,
    namespace: config.temporal.namespace,
    taskQueue,
    deps: { db: new Database(dataSource), smtp, secrets: new SecretBox(secretKey), logger },
  });
  shutdown.add('worker', worker.stop);

  const info: StackInfo = {
    dir,
    databaseUrl: postgres.databaseUrl,
    temporalAddress: temporal.address,
    namespace: config.temporal.namespace,
    taskQueue,
    inboxDir: inbox.dir,
    smtpPort: inbox.port,
    secretKey,
  };
  const stackFile = newStackFilePath();
  await fs.writeFile(stackFile, JSON.stringify(info, null, 2));
  process.env[STACK_FILE_VARIABLE] = stackFile;
  shutdown.add('stack file', () => fs.rm(stackFile, { force: true }));
  process.stdout.write(`\nTest stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir}).\n`);
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = net.createServer();
      return new Promise<net.Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
    }),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
