import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { Webhook } from 'standardwebhooks';
import { SecretBox } from '../../src/crypto/secret-box';
import type { EventType } from '../../src/db/entities/event.entity';
import type { Database } from '../../src/db/repositories';
import { EventRepository } from '../../src/db/repositories/event.repository';
import { WebhookDeliveryService } from '../../src/domain/webhooks/webhook-delivery.service';
import { WebhookSender, type WebhookPost } from '../../src/domain/webhooks/webhook-sender';
import { newWebhookSecret } from '../../src/domain/webhooks/webhook-signature';
import { createLogger } from '../../src/logger';
import { createMailHostResolver } from '../../src/mail/dns';
import { OutboundHostPolicy, type HostResolver } from '../../src/mail/outbound-host-policy';
import { createSystem, type System } from '../../src/system';
import { WAKE_UPS_APPLICATION_NAME } from '../../src/temporal/webhook-wake-ups';
import { installTemporalRuntime, startWorker, type WorkerHandle } from '../../src/temporal/worker';
import { webhookDeliveryWorkflowId, type WebhookDeliveryResult } from '../../workflows/webhook-delivery/definitions';
import { createIsolatedDatabase, type IsolatedDatabase } from '../helpers/isolated-database';
import { connectTestStack, eventually, type TestStack } from '../helpers/test-stack';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../helpers/webhook-receiver';

/** Retries in fractions of a second, for a minute: a receiver that is down "for a while" is down for a few tries. */
const SHORT_RETRIES = { delaysMs: [200, 400], windowMs: 60_000 };
/** Worker starts (a workflow bundle each) and a dead worker's heartbeat timeout on a shared 2-core machine. */
const SLOW = { timeoutMs: 3 * 60_000, intervalMs: 250 };
const TEST_TIMEOUT = 6 * 60_000;

interface DeliveryRow {
  event_id: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
}

/**
 * The delivery engine on the real stack: a worker of this suite's own (with short retries) on a database of its own,
 * so the stack's worker — which listens on the stack's database — never takes these endpoints' jobs; events are
 * recorded as the product records them, and a real HTTP receiver on 127.0.0.1 gets them.
 */
describe('webhook deliveries: signed, in order, none lost', () => {
  const taskQueue = `webhooks-test-${crypto.randomBytes(4).toString('hex')}`;
  const logger = createLogger('silent');
  const children = new Set<ChildProcess>();
  const endpoints: string[] = [];
  let stack: TestStack;
  let isolated: IsolatedDatabase;
  let db: Database;
  let secrets: SecretBox;
  let system: System;
  let organizationId: string;
  let receiver: WebhookReceiver;
  let connection: NativeConnection;
  let worker: WorkerHandle | null = null;

  beforeAll(async () => {
    try {
      // The SDK's logs go to our (silent) logger rather than the console, unless an earlier suite of this Jest
      // process already made the runtime (it can be made once per process).
      installTemporalRuntime(logger);
    } catch {
      // That suite's runtime serves.
    }
    stack = await connectTestStack();
    isolated = await createIsolatedDatabase(stack.info.databaseUrl, 'webhooks');
    db = isolated.db;
    secrets = new SecretBox(stack.info.secretKey);
    system = createSystem(db, secrets, stack.temporal, {
      taskQueue,
      logger,
      mailHosts: createMailHostResolver({ servers: [`127.0.0.1:${stack.info.dns.port}`], timeoutMs: 500 }),
      publicBaseUrl: stack.info.publicBaseUrl,
      // As the stack's worker: loopback allowed (the receiver), metadata and link-local refused.
      outboundHosts: new OutboundHostPolicy({ mode: 'default', allow: [] }),
    });
    ({ organizationId } = await system.services.organizations.create(`webhooks-${crypto.randomUUID()}`));
    receiver = await startWebhookReceiver();
    connection = await NativeConnection.connect({ address: stack.info.temporalAddress });
    worker = await startOwnWorker();
  }, TEST_TIMEOUT);

  afterAll(async () => {
    await worker?.stop();
    for (const child of children) child.kill('SIGKILL');
    // Jobs still waiting (a disabled endpoint's, a refused host's retries) end here, not at the stack's teardown.
    await Promise.allSettled(
      endpoints.map((id) => stack.temporal.workflow.getHandle(webhookDeliveryWorkflowId(id)).terminate('suite over')),
    );
    await connection.close();
    await receiver.close();
    await isolated.drop();
    await stack.close();
  });

  /** The worker a process runs (src/temporal/worker.ts), in-process, with the short retry schedule. */
  function startOwnWorker(): Promise<WorkerHandle> {
    const { activities, webhookSender, reader } = system.worker;
    return startWorker({
      connection,
      namespace: stack.info.namespace,
      taskQueue,
      deps: {
        ...activities,
        webhookDeliveries: new WebhookDeliveryService(db, secrets, webhookSender, { schedule: SHORT_RETRIES }),
      },
      inbound: { reader, stopping: new AbortController().signal },
      tuning: { activitySlots: 10, localActivitySlots: 10, workflowTaskSlots: 10, cachedWorkflows: 100 },
    });
  }

  /** An endpoint of the suite's organization, inserted as the API would (its secret sealed). */
  async function newEndpoint(url: string, eventTypes: EventType[] = ['email.sent', 'email.opened']) {
    const secret = newWebhookSecret();
    const [row] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhooks (organization_id, url, event_types, secret_sealed) VALUES ($1, $2, $3, $4) RETURNING id`,
      [organizationId, url, eventTypes, secrets.encrypt(secret)],
    );
    endpoints.push(row!.id);
    return { id: row!.id, secret };
  }

  /** One enrollment's steps 1…count sent, recorded one statement each, as the send path records them. */
  async function recordSends(count: number): Promise<string> {
    const enrollmentId = crypto.randomUUID();
    for (let step = 1; step <= count; step += 1) {
      await db.repos.events.record([
        {
          organizationId,
          type: 'email.sent',
          enrollmentId,
          stepPosition: step,
          recipient: 'ada@example.test',
          data: { enrollment_id: enrollmentId, step },
        },
      ]);
    }
    return enrollmentId;
  }

  const deliveries = (webhookId: string) =>
    db.dataSource.query<DeliveryRow[]>(
      `SELECT delivery.event_id::text AS event_id, delivery.status, delivery.attempts, delivery.last_status_code,
              delivery.last_error
         FROM webhook_deliveries delivery
        WHERE delivery.webhook_id = $1
        ORDER BY delivery.event_id`,
      [webhookId],
    );

  const allDelivered = (webhookId: string, count: number) =>
    eventually(
      async () => {
        const rows = await deliveries(webhookId);
        return rows.length === count && rows.every((row) => row.status === 'delivered') && rows;
      },
      { ...SLOW, what: `${count} deliveries to endpoint ${webhookId}` },
    );

  const stepOf = (hit: ReceivedWebhook) => (JSON.parse(hit.body) as { data: { step: number } }).data.step;

  it('when events are recorded, then each arrives once, in order, signed so that the standardwebhooks library verifies it', async () => {
    const { id, secret } = await newEndpoint(receiver.url('/ok'), ['email.sent']);
    const enrollmentId = await recordSends(3);
    await db.repos.events.record([
      { organizationId, type: 'lead.unsubscribed', data: { enrollment_id: enrollmentId } },
    ]);

    const rows = await allDelivered(id, 3);

    const received = receiver.receivedOn('/ok');
    expect(received.map(stepOf)).toEqual([1, 2, 3]);
    expect(received.map((hit) => hit.headers['webhook-id'])).toEqual(rows.map((row) => `evt_${row.event_id}`));
    const verifier = new Webhook(secret);
    for (const hit of received) {
      expect(verifier.verify(hit.body, hit.headers)).toEqual({
        type: 'email.sent',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        data: { enrollment_id: enrollmentId, step: stepOf(hit) },
      });
      expect(hit.headers['content-type']).toBe('application/json');
      expect(hit.headers['user-agent']).toMatch(/^Sequencer/);
    }
    expect(() => new Webhook(newWebhookSecret()).verify(received[0]!.body, received[0]!.headers)).toThrow();
    expect(rows.map((row) => [row.attempts, row.last_status_code])).toEqual([
      [1, 200],
      [1, 200],
      [1, 200],
    ]);
  });

  it('when the receiver answers 500 for a while, then it gets every event once it recovers, in order, the retries under the same webhook-id', async () => {
    const { id } = await newEndpoint(receiver.url('/flaky'));
    receiver.respond('/flaky', (_hit, nth) => (nth < 3 ? 500 : 204));
    await recordSends(4);

    const rows = await allDelivered(id, 4);

    const received = receiver.receivedOn('/flaky');
    // The first event held the queue through its three failures: nothing overtook it.
    expect(received.map(stepOf)).toEqual([1, 1, 1, 1, 2, 3, 4]);
    expect(new Set(received.slice(0, 4).map((hit) => hit.headers['webhook-id']))).toEqual(
      new Set([`evt_${rows[0]!.event_id}`]),
    );
    expect(rows.map((row) => row.attempts)).toEqual([4, 1, 1, 1]);
  });

  it('when the receiver answers 410 Gone, then the endpoint is disabled, its job ends and its deliveries wait', async () => {
    const { id } = await newEndpoint(receiver.url('/gone'));
    receiver.respond('/gone', () => 410);
    await recordSends(2);

    const result = await eventually(
      () =>
        stack.temporal.workflow
          .getHandle<() => Promise<WebhookDeliveryResult>>(webhookDeliveryWorkflowId(id))
          .result()
          .catch(() => null),
      { ...SLOW, what: 'the job of the endpoint that answered 410 to end' },
    );

    expect(result.outcome).toBe('disabled');
    const [endpoint] = await db.dataSource.query<{ enabled: boolean; disabled_reason: string }[]>(
      `SELECT enabled, disabled_reason FROM webhooks WHERE id = $1`,
      [id],
    );
    expect(endpoint).toEqual({ enabled: false, disabled_reason: expect.stringContaining('410') });
    expect(receiver.receivedOn('/gone').map(stepOf)).toEqual([1]);
    expect((await deliveries(id)).map((row) => [row.status, row.attempts, row.last_status_code])).toEqual([
      ['pending', 1, 410],
      ['pending', 0, null],
    ]);
  });

  it('when the endpoint is a cloud metadata or link-local address, then nothing is posted and the refusal is recorded', async () => {
    const { id: metadata } = await newEndpoint('http://169.254.169.254/latest/meta-data');
    const { id: linkLocal } = await newEndpoint('http://[fe80::1]:8080/hook');
    await recordSends(1);

    for (const webhookId of [metadata, linkLocal]) {
      const [row] = await eventually(
        async () => {
          const rows = await deliveries(webhookId);
          return rows[0]?.attempts ? rows : null;
        },
        { ...SLOW, what: `the first attempt to endpoint ${webhookId}` },
      );
      expect(row).toMatchObject({
        last_status_code: null,
        last_error: expect.stringMatching(/refused by the outbound host policy/),
      });
    }
    // Their jobs would go on retrying for the rest of the window.
    await db.dataSource.query(`UPDATE webhooks SET enabled = false WHERE id = ANY ($1)`, [[metadata, linkLocal]]);
  });

  it('when a delivery fails past its retry window, then it is marked failed and the deliveries after it go out', async () => {
    const { id } = await newEndpoint(receiver.url('/down-for-a-day'));
    receiver.respond('/down-for-a-day', (hit) => (stepOf(hit) === 0 ? 503 : 200));
    await db.dataSource.transaction(async (manager) => {
      await new EventRepository(manager).record([{ organizationId, type: 'email.sent', data: { step: 0 } }]);
      // Queued longer ago than the window: as if the endpoint had been failing all along.
      await manager.query(
        `UPDATE webhook_deliveries SET created_at = now() - interval '2 minutes' WHERE webhook_id = $1`,
        [id],
      );
    });
    await recordSends(2);

    const rows = await eventually(
      async () => {
        const found = await deliveries(id);
        return found.length === 3 && found.every((row) => row.status !== 'pending') && found;
      },
      { ...SLOW, what: 'the three deliveries settled' },
    );

    expect(rows.map((row) => [row.status, row.attempts, row.last_status_code, row.last_error])).toEqual([
      ['failed', 1, 503, 'HTTP 503: answered 503'],
      ['delivered', 1, 200, null],
      ['delivered', 1, 200, null],
    ]);
    expect(receiver.receivedOn('/down-for-a-day').map(stepOf)).toEqual([0, 1, 2]);
  });

  it('when the worker loses its listening connection, then it reconnects and events recorded meanwhile arrive', async () => {
    const { id } = await newEndpoint(receiver.url('/reconnect'));
    const cut = await db.dataSource.query<unknown[]>(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = $1 AND datname = current_database()`,
      [WAKE_UPS_APPLICATION_NAME],
    );
    expect(cut).toHaveLength(1);
    // Committed while it reconnects, or after: notified then, or found by the sweep of the new connection.
    await recordSends(2);

    await allDelivered(id, 2);
    expect(receiver.receivedOn('/reconnect').map(stepOf)).toEqual([1, 2]);
  });

  it(
    'when the worker is killed mid-delivery and events were recorded with no worker to wake, then a new worker delivers them all',
    async () => {
      // From here on the worker is a process of its own, as in production, killed with SIGKILL.
      await worker?.stop();
      worker = null;
      const { id } = await newEndpoint(receiver.url('/crash'));
      let heldOnce = false;
      receiver.respond('/crash', (hit) => {
        if (stepOf(hit) !== 2 || heldOnce) return 200;
        heldOnce = true;
        return 'hold';
      });
      // No listener on this database now: the notifications of these commits reach no one.
      await recordSends(4);

      const first = await startWorkerProcess();
      // The worker's start-up sweep finds the endpoint; it delivers step 1, then step 2 is held.
      await eventually(() => Promise.resolve(receiver.receivedOn('/crash').length === 2), {
        ...SLOW,
        what: 'step 2 in flight',
      });
      first.kill('SIGKILL');
      await startWorkerProcess();

      const rows = await allDelivered(id, 4);
      const received = receiver.receivedOn('/crash');
      // Step 2 went out again, under the same webhook-id, once Temporal gave up on the dead worker's attempt.
      expect(received.map(stepOf)).toEqual([1, 2, 2, 3, 4]);
      expect(received[1]!.headers['webhook-id']).toBe(received[2]!.headers['webhook-id']);
      expect(received[1]!.headers['webhook-id']).toBe(`evt_${rows[1]!.event_id}`);
    },
    TEST_TIMEOUT,
  );

  /** `src/worker.ts` as a process on the suite's database and task queue; resolves once it polls. */
  async function startWorkerProcess(): Promise<ChildProcess> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sequencer-webhook-worker-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: path.join(__dirname, '..', '..'),
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATA_DIR: dir,
        DATABASE_URL: isolated.url,
        TEMPORAL_ADDRESS: stack.info.temporalAddress,
        TEMPORAL_NAMESPACE: stack.info.namespace,
        TEMPORAL_TASK_QUEUE: taskQueue,
        SECRET_KEY: stack.info.secretKey,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('"msg":"worker running"')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`worker exited with ${code} before polling:\n${output}`)));
    });
    return child;
  }
});

describe('a webhook POST', () => {
  let receiver: WebhookReceiver;
  /** A sender whose host names resolve as `resolve` says, under the default policy (loopback allowed). */
  const senderResolving = (resolve: HostResolver) =>
    new WebhookSender(new OutboundHostPolicy({ mode: 'default', allow: [] }, resolve));
  /** The default policy, as the stack's worker has it: loopback allowed. */
  const defaultSender = new WebhookSender(new OutboundHostPolicy({ mode: 'default', allow: [] }));
  const post = (url: string): WebhookPost => ({
    url,
    secret: newWebhookSecret(),
    id: 'evt_1',
    at: new Date(),
    body: '{"type":"email.sent","timestamp":"2026-01-01T00:00:00.000Z","data":{}}',
  });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await receiver.close();
  });

  it('when the host name resolves, then it goes to the vetted address with the host of the URL in the Host header', async () => {
    const [port] = /:(\d+)/.exec(receiver.url('/'))!.slice(1);
    const result = await senderResolving(() => Promise.resolve(['127.0.0.1'])).post(
      post(`http://hooks.example.test:${port}/named?x=1`),
    );

    expect(result).toMatchObject({ statusCode: 200, error: null });
    expect(receiver.receivedOn('/named?x=1').map((hit) => hit.headers.host)).toEqual([`hooks.example.test:${port}`]);
  });

  it('when the host name resolves to a metadata address, then nothing is sent and the refusal is the error', async () => {
    const result = await senderResolving(() => Promise.resolve(['169.254.169.254'])).post(
      post('http://hooks.example.test/rebound'),
    );

    expect(result).toMatchObject({
      statusCode: null,
      error: expect.stringMatching(/refused by the outbound host policy/),
    });
  });

  it('when the policy is public-only, then a loopback endpoint is refused', async () => {
    const sender = new WebhookSender(new OutboundHostPolicy({ mode: 'public-only', allow: [] }));

    const result = await sender.post(post(receiver.url('/private')));

    expect(result).toMatchObject({ statusCode: null, error: expect.stringMatching(/refused/) });
    expect(receiver.receivedOn('/private')).toEqual([]);
  });

  it('when the endpoint redirects, then the redirect is not followed and counts as a failure', async () => {
    receiver.respond('/moved', () => ({ status: 302, headers: { location: receiver.url('/elsewhere') } }));

    const result = await defaultSender.post(post(receiver.url('/moved')));

    expect(result).toMatchObject({
      statusCode: 302,
      error: expect.stringMatching(/^HTTP 302 \(redirects are not followed\)/),
    });
    expect(receiver.receivedOn('/elsewhere')).toEqual([]);
  });

  it('when the body of a failure is large, then only its start is kept, on one line', async () => {
    receiver.respond('/verbose', () => ({ status: 500, body: `line one\nline two ${'x'.repeat(100_000)}` }));

    const result = await defaultSender.post(post(receiver.url('/verbose')));

    expect(result.statusCode).toBe(500);
    expect(result.error).toMatch(/^HTTP 500: line one line two x+$/);
    expect(result.error!.length).toBeLessThan(2_100);
  });

  it('when the endpoint does not answer, then the POST gives up after its timeout with no status', async () => {
    receiver.respond('/silent', () => 'hold');

    const result = await defaultSender.post(post(receiver.url('/silent')));

    expect(result).toMatchObject({ statusCode: null, error: 'no answer within 10 s' });
  }, 30_000);

  it('when nothing listens on the port, then the connection error is the error', async () => {
    const result = await defaultSender.post(post('http://127.0.0.1:1/closed'));

    expect(result).toMatchObject({ statusCode: null, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});
