import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { SecretBox } from '../../src/crypto/secret-box';
import { startCaptureInbox } from '../../src/embedded/capture-inbox';
import { startEmbeddedPostgres } from '../../src/embedded/embedded-postgres';
import { createLogger } from '../../src/logger';
import { ShutdownSequence } from '../../src/shutdown';
import { openDatabase, openTemporalClient, runWorker } from '../../src/process-runtime';
import { resolveTemporalCli } from '../../src/temporal/cli-binary';
import { startTemporalDevServer } from '../../src/temporal/dev-server';
import { installTemporalRuntime } from '../../src/temporal/worker';
import { startTestDnsServer, TEST_DNS_ZONE } from './dns-server';
import { startDovecot, stopDovecot } from './dovecot';
import { freePorts } from './ports';
import { newStackFilePath, STACK_FILE_VARIABLE, type StackInfo } from './stack-file';

declare global {
  var __SEQUENCER_STACK__: ShutdownSequence | undefined;
}

/** Starts every real component once for the whole run; nothing here is mocked or skipped. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sequencer-test-'));
  const [postgresPort, temporalPort, uiPort, imapPort, temporalMetricsPort] = await freePorts(5);
  // Email validation resolves the fixed test zone on a real DNS server: offline, deterministic, timeouts included.
  const dnsServer = await startTestDnsServer();
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DATA_DIR: dir,
    TEMPORAL_TASK_QUEUE: 'sequencer-test',
    SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    DNS_SERVERS: `127.0.0.1:${dnsServer.port}`,
    DNS_TIMEOUT_MS: '500',
  });
  const logger = createLogger(config.logLevel, { component: 'test-stack' });
  const shutdown = new ShutdownSequence(logger);
  globalThis.__SEQUENCER_STACK__ = shutdown;
  shutdown.add('dns server', dnsServer.close);
  installTemporalRuntime(logger, temporalMetricsPort);
  try {
    // As root, Postgres runs as the `postgres` user, which must be able to reach its data directory.
    await fs.chmod(dir, 0o755);
    shutdown.add('test directory', () => fs.rm(dir, { recursive: true, force: true }));

    const cli = await resolveTemporalCli({
      cliPath: config.temporal.cliPath,
      cacheDir: config.cacheDir,
      pathEnv: config.searchPath,
      onProgress: (message) => process.stdout.write(`${message}\n`),
    });
    // Not in their own process group: a Ctrl-C on `npm test` takes the servers down too.
    // The Temporal dev server last: it binds internal services to ports it picks as free, and could take one chosen
    // for Postgres or Dovecot before they have bound it.
    const postgres = await startEmbeddedPostgres({
      dir: path.join(dir, 'postgres'),
      port: postgresPort!,
      logger,
      ownProcessGroup: false,
    });
    shutdown.add('postgres', postgres.stop);
    // Replies and bounce reports are read from a real IMAP server; a test may restart it, so it is stopped by dir.
    const imapDir = path.join(dir, 'dovecot');
    const imap = await startDovecot({ dir: imapDir, port: imapPort! });
    shutdown.add('dovecot', () => stopDovecot(imapDir));
    const temporal = await startTemporalDevServer({
      cliPath: cli.path,
      dir: path.join(dir, 'temporal'),
      port: temporalPort!,
      uiPort: uiPort!,
      logger,
      ownProcessGroup: false,
    });
    shutdown.add('temporal', temporal.stop);

    const db = await openDatabase(postgres.databaseUrl, logger, shutdown, config.databasePoolSize);
    await openTemporalClient(config, temporal.address, logger, shutdown);
    const inbox = await startCaptureInbox({ dir: path.join(dir, 'inbox'), port: 0, logger });
    shutdown.add('smtp server', inbox.close);
    await runWorker(config, temporal.address, { db, secrets: new SecretBox(config.secretKey!), logger }, shutdown);

    const info: StackInfo = {
      dir,
      databaseUrl: postgres.databaseUrl,
      temporalAddress: temporal.address,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      inboxDir: inbox.dir,
      smtpPort: inbox.port,
      secretKey: config.secretKey!,
      publicBaseUrl: config.publicBaseUrl,
      temporalMetricsUrl: `http://127.0.0.1:${temporalMetricsPort}/metrics`,
      dns: { port: dnsServer.port, zone: TEST_DNS_ZONE },
      imap,
    };
    const stackFile = newStackFilePath();
    await fs.writeFile(stackFile, JSON.stringify(info, null, 2));
    process.env[STACK_FILE_VARIABLE] = stackFile;
    shutdown.add('stack file', () => fs.rm(stackFile, { force: true }));
  } catch (error) {
    // Jest skips the global teardown when the setup fails: stop what did start, then fail the run.
    await shutdown.run('test stack failed to start');
    throw error;
  }
  process.stdout.write(`\nTest stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir}).\n`);
}
