import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { loadConfig, type Config } from '../../src/config';
import { SecretBox } from '../../src/crypto/secret-box';
import type { Database } from '../../src/db/repositories';
import { readCapturedMessages, startCaptureInbox, type CaptureInbox } from '../../src/embedded/capture-inbox';
import { createLogger } from '../../src/logger';
import { createMailHostResolver } from '../../src/mail/dns';
import { OutboundHostPolicy } from '../../src/mail/outbound-host-policy';
import { ShutdownSequence } from '../../src/shutdown';
import { openDatabase, openTemporalClient } from '../../src/process-runtime';
import { createServices } from '../../src/system';
import { resolveTemporalCli } from '../../src/temporal/cli-binary';
import { startTemporalDevServer, type DevServerHandle } from '../../src/temporal/dev-server';
import { eventually, sleep } from '../helpers/test-stack';
import { freePorts } from '../helpers/ports';

const ENROLLMENTS = 100;
const STEPS = 3;
const MAILBOXES = 10;
const WORKER_KILLS = 5;
/** Longer than a send takes even on a starved CI machine: a send that outlasts the rest lets the next one start. */
const REST_SECONDS = 3;

/**
 * The exactly-once promise under fire: two worker processes are killed (-9) five times at random moments and
 * restarted, and the Temporal server and Postgres are each restarted once, while 100 enrollments send 3 steps
 * (and, with a lowered threshold, continue-as-new mid-sequence).
 * Every enrollment must complete and no (enrollment, step) may reach the SMTP server twice. This suite runs its own
 * Postgres, Temporal and SMTP server, so the restarts disturb no other suite.
 */
describe('exactly once through crashes', () => {
  const logger = createLogger('warn', { component: 'crash-test' });
  const shutdown = new ShutdownSequence(logger);
  const workers = new Set<ChildProcess>();
  let dir: string;
  let config: Config;
  let ports: { postgres: number; temporal: number; ui: number };
  let cliPath: string;
  let postgres: { databaseUrl: string; stop: () => Promise<void> } | undefined;
  let temporal: DevServerHandle | undefined;
  let inbox: CaptureInbox;
  let db: Database;
  let client: Client;
  let workerCount = 0;

  /** Postgres runs in a child process (test/helpers/postgres-process.ts) so it can be stopped and restarted. */
  const startPostgres = async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/postgres-process.ts', path.join(dir, 'postgres'), String(ports.postgres)],
      { cwd: path.join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const databaseUrl = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) =>
        resolve((JSON.parse(chunk.toString()) as { databaseUrl: string }).databaseUrl),
      );
      child.on('exit', (code) => reject(new Error(`postgres process exited with ${code}`)));
    });
    postgres = {
      databaseUrl,
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    };
  };
  const startTemporal = async () => {
    temporal = await startTemporalDevServer({
      cliPath,
      dir: path.join(dir, 'temporal'),
      port: ports.temporal,
      uiPort: ports.ui,
      logger,
      ownProcessGroup: false,
      // A 3-step enrollment makes about 70 history events: with this, most continue-as-new mid-sequence.
      dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 40 },
    });
  };

  /** A standalone worker process (`src/worker.ts`), as in production; resolves once it polls. */
  async function startWorker(): Promise<ChildProcess> {
    workerCount += 1;
    const log = createWriteStream(path.join(dir, `worker-${workerCount}.log`));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: path.join(__dirname, '..', '..'),
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATA_DIR: path.join(dir, 'worker'),
        DATABASE_URL: postgres!.databaseUrl,
        TEMPORAL_ADDRESS: temporal!.address,
        TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
        SECRET_KEY: config.secretKey,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    workers.add(child);
    child.on('exit', () => workers.delete(child));
    child.stderr.pipe(log);
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        log.write(chunk);
        if (chunk.toString().includes('"msg":"worker running"')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`worker exited with ${code} before polling; see ${dir}`)));
    });
    return child;
  }

  /** A campaign sending to the capture inbox from `mailboxes` mailboxes, with `enrollments` contacts enrolled. */
  async function enrolledCampaign(
    name: string,
    shape: { enrollments: number; steps: number; mailboxes: number; restSeconds: number },
  ) {
    const services = createServices(db, new SecretBox(config.secretKey!), client, {
      taskQueue: config.temporal.taskQueue,
      logger,
      mailHosts: createMailHostResolver({ servers: [], timeoutMs: 500 }),
      publicBaseUrl: config.publicBaseUrl,
      outboundHosts: new OutboundHostPolicy(config.outboundHosts),
    });
    const { organizationId } = await services.organizations.create(name);
    const campaign = await services.campaigns.create(organizationId, {
      name,
      evergreen: false,
      listUuids: [],
      outreachId: null,
      minWaitSeconds: shape.restSeconds,
      maxWaitSeconds: shape.restSeconds,
      verifyEmailMx: false,
      bounceRateThreshold: 8,
      schedule: null,
      maxNewPerDay: null,
      stopOn: 'reply',
      trackOpens: false,
      trackClicks: false,
      unsubscribeText: null,
      sendAsPlainText: false,
      winnerMetric: null,
      winnerMinSends: null,
      mailboxes: Array.from({ length: shape.mailboxes }, (_, index) => ({
        smtpHost: '127.0.0.1',
        smtpPort: inbox.port,
        smtpSecurity: 'none' as const,
        smtpUsername: `sender${index}@${name.toLowerCase().replace(/\W+/g, '-')}.test`,
        smtpPassword: 'password',
        dailyLimit: 1000,
      })),
      steps: Array.from({ length: shape.steps }, (_, index) => ({
        position: index + 1,
        delayMinutes: index === 0 ? 0 : 3 / 60,
        subject: `Step ${index + 1} for {{first_name}}`,
        bodyHtml: `<p>Step ${index + 1}</p>`,
        bodyText: null,
        variants: [],
      })),
    });
    for (let index = 0; index < shape.enrollments; index += 1) {
      await services.enrollments.enrollContact(organizationId, campaign.id, {
        contact: {
          email: `${name.split(' ')[0]!.toLowerCase()}${index}@example.test`,
          fields: { first_name: `C${index}` },
          timezone: null,
        },
        batchNumber: 1,
        priority: 0,
      });
    }
    return { campaign, organizationId, services };
  }

  /** Polls until every enrollment of the campaign has completed (a query failing while Postgres restarts is a no). */
  async function allCompleted(campaignId: string, count: number): Promise<void> {
    await eventually(
      async () => {
        const completed = await db.repos.leads
          .page(campaignId, { statuses: ['completed'], removed: 'include' }, 0, 1)
          .then(
            (page) => page.total,
            () => 0,
          );
        return completed === count;
      },
      { timeoutMs: 8 * 60_000, intervalMs: 1_000, what: 'every enrollment to complete' },
    );
  }

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sequencer-crash-'));
    await fs.chmod(dir, 0o755);
    // Registered before anything starts, so a failure half-way still stops what did start.
    shutdown.add('test directory', () => fs.rm(dir, { recursive: true, force: true }));
    shutdown.add('postgres', () => postgres?.stop());
    shutdown.add('temporal', () => temporal?.stop());
    const [postgresPort, temporalPort, uiPort] = await freePorts(3);
    ports = { postgres: postgresPort!, temporal: temporalPort!, ui: uiPort! };
    config = loadConfig({
      ...process.env,
      DATA_DIR: dir,
      TEMPORAL_TASK_QUEUE: `crash-${crypto.randomUUID()}`,
      SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    });
    cliPath = (
      await resolveTemporalCli({
        cliPath: config.temporal.cliPath,
        cacheDir: config.cacheDir,
        pathEnv: config.searchPath,
      })
    ).path;
    // One after the other: the Temporal dev server binds internal services to ports it picks as free, and could take
    // the one chosen for Postgres before Postgres has bound it.
    await startPostgres();
    await startTemporal();
    db = await openDatabase(postgres!.databaseUrl, logger, shutdown);
    ({ client } = await openTemporalClient(config, temporal!.address, logger, shutdown));
    inbox = await startCaptureInbox({ dir: path.join(dir, 'inbox'), port: 0, logger });
    shutdown.add('smtp server', inbox.close);
    shutdown.add('workers', () => workers.forEach((worker) => worker.kill('SIGKILL')));
  });

  afterAll(async () => {
    await shutdown.run('crash test finished');
  });

  it(
    'when workers are killed and Temporal and Postgres restart mid-run, then every step is sent exactly once',
    async () => {
      const { campaign, organizationId, services } = await enrolledCampaign('Crash test', {
        enrollments: ENROLLMENTS,
        steps: STEPS,
        mailboxes: MAILBOXES,
        restSeconds: REST_SECONDS,
      });
      await Promise.all([startWorker(), startWorker()]);
      await services.enrollments.dispatch(organizationId, campaign.id, undefined);

      // Chaos: every few seconds one blow — a worker killed (-9) and replaced, or a server restarted.
      const blows = [
        ...Array.from({ length: WORKER_KILLS }, () => 'kill a worker'),
        'restart Temporal',
        'restart Postgres',
      ].sort(() => Math.random() - 0.5);
      for (const blow of blows) {
        await sleep(1_000 + Math.random() * 4_000);
        if (blow === 'kill a worker') {
          const victim = [...workers][Math.floor(Math.random() * workers.size)];
          victim?.kill('SIGKILL');
          await startWorker();
        } else if (blow === 'restart Temporal') {
          await temporal!.stop();
          await startTemporal();
        } else {
          await postgres!.stop();
          await startPostgres();
        }
      }

      await allCompleted(campaign.id, ENROLLMENTS);

      const rows: { message_id: string; status: string }[] = await db.dataSource.query(
        'SELECT message_id, status FROM messages WHERE campaign_id = $1',
        [campaign.id],
      );
      const received = new Map<string, number>();
      const captured = await readCapturedMessages(inbox.dir);
      for (const message of captured) {
        if (message.messageId) received.set(message.messageId, (received.get(message.messageId) ?? 0) + 1);
      }
      const flagged = rows.filter((row) => row.status === 'unknown');
      const duplicates = [...received.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
      const missing = rows.filter((row) => !received.has(row.message_id));
      process.stdout.write(
        `\nCrash test: expected ${ENROLLMENTS * STEPS} sends, received ${captured.length} ` +
          `(${received.size} distinct), duplicates ${duplicates}, flagged unknown ${flagged.length} ` +
          `(of which never delivered: ${missing.length}), blows: ${blows.join(', ')}\n`,
      );

      expect(rows).toHaveLength(ENROLLMENTS * STEPS);
      expect(duplicates).toBe(0);
      // A step can go undelivered only if a crash hit it mid-send: it is then flagged for review, never re-sent.
      expect(missing.every((row) => row.status === 'unknown')).toBe(true);
      expect(rows.filter((row) => row.status !== 'sent' && row.status !== 'unknown')).toEqual([]);

      // The server suggested continue-as-new early (see startTemporal): enrollments carried their progress over.
      let continued = 0;
      for await (const _run of client.workflow.list({ query: `ExecutionStatus = 'ContinuedAsNew'` })) continued += 1;
      process.stdout.write(`Runs continued as new: ${continued}\n`);
      expect(continued).toBeGreaterThan(0);

      // Each mailbox rested at least REST_SECONDS between consecutive sends, across both worker processes. A send cut
      // short by a blow is the exception: its process never recorded when the server took it, so the rest counts
      // from its claim only, and the gap after it may be shorter (by its SMTP time) — those gaps are left out.
      const interrupted = new Set(flagged.map((row) => row.message_id));
      const byMailbox = new Map<string, { at: number; interrupted: boolean }[]>();
      for (const message of captured) {
        byMailbox.set(message.envelopeFrom, [
          ...(byMailbox.get(message.envelopeFrom) ?? []),
          { at: Date.parse(message.receivedAt), interrupted: interrupted.has(message.messageId ?? '') },
        ]);
      }
      const gaps = [...byMailbox.values()].flatMap((sends) =>
        sends
          .sort((a, b) => a.at - b.at)
          .flatMap((send, index) => {
            const previous = sends[index - 1];
            return !previous || previous.interrupted ? [] : [send.at - previous.at];
          }),
      );
      // Measured at the SMTP server: delivery latency may shift a send by a few milliseconds either way.
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(REST_SECONDS * 1000 - 200);
    },
    10 * 60_000,
  );

  it(
    'when workers get SIGTERM mid-run (a deploy), then each stops within its grace time and every step is sent exactly once, none in doubt',
    async () => {
      const GRACEFUL = { enrollments: 40, steps: 2, mailboxes: 4, restSeconds: 0 };
      const { campaign, organizationId, services } = await enrolledCampaign('Graceful deploy', GRACEFUL);
      // The first test's workers are still polling: the deploy replaces every one of them.
      if (workers.size === 0) await startWorker();
      await services.enrollments.dispatch(organizationId, campaign.id, undefined);

      const stopTimes: number[] = [];
      for (let round = 0; round < 3; round += 1) {
        await sleep(1_500);
        const old = [...workers];
        await startWorker(); // the new version comes up before the old one goes, as a rolling deploy does
        for (const worker of old) {
          const stopped = Date.now();
          const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
          worker.kill('SIGTERM');
          expect(await exited).toBe(0);
          stopTimes.push(Date.now() - stopped);
        }
      }
      await allCompleted(campaign.id, GRACEFUL.enrollments);

      const rows: { message_id: string; status: string }[] = await db.dataSource.query(
        'SELECT message_id, status FROM messages WHERE campaign_id = $1',
        [campaign.id],
      );
      const delivered = (await readCapturedMessages(inbox.dir)).filter((message) =>
        rows.some((row) => row.message_id === message.messageId),
      );
      process.stdout.write(
        `\nGraceful deploy: ${rows.length} steps, ${delivered.length} delivered, stops took ` +
          `${stopTimes.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}\n`,
      );
      expect(rows).toHaveLength(GRACEFUL.enrollments * GRACEFUL.steps);
      // Graceful: in-flight sends finish before the process exits, so none is left in doubt.
      expect(rows.filter((row) => row.status !== 'sent')).toEqual([]);
      expect(delivered).toHaveLength(rows.length);
      expect(new Set(delivered.map((message) => message.messageId)).size).toBe(rows.length);
      // Bounded: in-flight activities get 20 s, so no worker needs more than half a minute to stop.
      expect(Math.max(...stopTimes)).toBeLessThan(30_000);
    },
    10 * 60_000,
  );
});
