import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { mapConcurrently } from '../concurrency';
import type { Logger } from '../logger';
import type { WebhookJobsPort } from '../domain/webhooks/webhook-jobs.port';

/** The channel the events trigger notifies, with an endpoint's id, when deliveries were queued for it. */
export const WEBHOOK_DELIVERIES_CHANNEL = 'webhook_deliveries';

/** How the listening connection shows in pg_stat_activity. */
export const WAKE_UPS_APPLICATION_NAME = 'sequencer-webhook-wake-ups';

const RECONNECT_FIRST_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;
const WAKE_RETRY_FIRST_MS = 1_000;
const WAKE_RETRY_MAX_MS = 60_000;
/** Wake-ups in flight at once during a sweep: each is one signal-with-start. */
const SWEEP_CONCURRENCY = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WebhookWakeUpDeps {
  /** Where to LISTEN: the database the worker's pool uses, on a connection of its own. */
  connection: pg.ClientConfig;
  jobs: WebhookJobsPort;
  /** Enabled endpoints with deliveries pending. */
  pendingEndpoints: () => Promise<string[]>;
  logger: Logger;
}

/**
 * Wakes webhook endpoints' delivery jobs from the worker process: it LISTENs to the channel the events trigger
 * notifies at commit, and signals (or starts) the endpoint's job for each notification. Postgres keeps no
 * notification for a listener that is not connected, so on every connection — the first, and each reconnection
 * after a lost one — it first wakes every endpoint with deliveries pending: a crash between a commit and its wake-up,
 * or a notification sent while it reconnected, loses nothing. A wake-up that fails (Temporal unreachable) is retried
 * with backoff.
 */
export class WebhookWakeUps {
  private readonly stopping = new AbortController();
  private client: pg.Client | null = null;
  private running: Promise<void> = Promise.resolve();
  /** Wake-ups in flight per endpoint, and the endpoints notified again meanwhile (woken once more after). */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly notifiedAgain = new Set<string>();
  private readonly log: Logger;

  constructor(private readonly deps: WebhookWakeUpDeps) {
    this.log = deps.logger.child({ component: 'webhook-wake-ups' });
  }

  /** Starts listening (and reconnecting) in the background. */
  start(): void {
    this.running = this.listenUntilStopped();
  }

  /** Stops listening and retrying; wake-ups in flight are left to finish on their own. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.client?.end().catch(() => undefined);
    await this.running;
  }

  private async listenUntilStopped(): Promise<void> {
    let delay = RECONNECT_FIRST_MS;
    while (!this.stopping.signal.aborted) {
      const lost = await this.listenOnce().catch((error: unknown) => error);
      if (this.stopping.signal.aborted) return;
      if (lost === 'listened') delay = RECONNECT_FIRST_MS;
      this.log.warn(
        { err: lost === 'listened' ? undefined : lost, retryInMs: delay },
        'webhook wake-ups: reconnecting',
      );
      await this.pause(delay);
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
    }
  }

  /**
   * One connection: LISTEN, then the sweep, then notifications until the connection is lost. Resolves 'listened'
   * when it was up (the next attempt starts from the shortest delay); rejects when it could not connect or sweep.
   */
  private async listenOnce(): Promise<'listened'> {
    const client = new pg.Client(this.deps.connection);
    const lost = new Promise<void>((resolve) => {
      client.on('error', (error) => {
        this.log.warn({ err: error }, 'webhook wake-ups: connection error');
        resolve();
      });
      client.on('end', () => resolve());
    });
    client.on('notification', (message) => this.notified(message.payload));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${WEBHOOK_DELIVERIES_CHANNEL}`);
      this.log.debug('webhook wake-ups: listening');
      // After LISTEN: whatever commits from now on is notified, whatever committed before is found by the sweep.
      await this.wakePending();
      await lost;
      return 'listened';
    } finally {
      this.client = null;
      await client.end().catch(() => undefined);
    }
  }

  private notified(payload: string | undefined): void {
    if (!payload || !UUID.test(payload)) {
      this.log.warn({ payload }, 'webhook wake-ups: a notification without an endpoint id');
      return;
    }
    void this.wake(payload);
  }

  /** Wakes every endpoint with deliveries pending. A failed read fails the connection: the next one sweeps again. */
  private async wakePending(): Promise<void> {
    const endpoints = await this.deps.pendingEndpoints();
    await mapConcurrently(endpoints, SWEEP_CONCURRENCY, (webhookId) => this.wake(webhookId));
    if (endpoints.length > 0)
      this.log.info({ endpoints: endpoints.length }, 'woke webhook endpoints with pending deliveries');
  }

  /**
   * Wakes the endpoint's job. A notification that arrives while a wake-up of the same endpoint is in flight is
   * carried by one more wake-up after it: the one in flight may have reached the job before that commit.
   */
  private wake(webhookId: string): Promise<void> {
    const current = this.inFlight.get(webhookId);
    if (current) {
      this.notifiedAgain.add(webhookId);
      return current;
    }
    const done = this.wakeUntilDone(webhookId).finally(() => {
      this.inFlight.delete(webhookId);
      if (this.notifiedAgain.delete(webhookId)) void this.wake(webhookId);
    });
    this.inFlight.set(webhookId, done);
    return done;
  }

  private async wakeUntilDone(webhookId: string): Promise<void> {
    for (
      let delay = WAKE_RETRY_FIRST_MS;
      !this.stopping.signal.aborted;
      delay = Math.min(delay * 2, WAKE_RETRY_MAX_MS)
    ) {
      try {
        await this.deps.jobs.wake(webhookId);
        return;
      } catch (error) {
        this.log.warn({ err: error, webhookId, retryInMs: delay }, 'could not wake a webhook delivery job; retrying');
        await this.pause(delay);
      }
    }
  }

  /** Sleeps, or returns at once when stopping. */
  private pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }
}

/** A pg connection to the database a TypeORM data source of ours connects to (built from a URL or from parts). */
export function listenerConnection(options: DataSourceOptions): pg.ClientConfig {
  if (options.type !== 'postgres') throw new Error(`webhook wake-ups need Postgres, not ${options.type}`);
  return {
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: typeof options.password === 'string' ? options.password : undefined,
    database: options.database,
    ssl: options.ssl as pg.ClientConfig['ssl'],
    application_name: WAKE_UPS_APPLICATION_NAME,
    // A connection that silently died (a dropped NAT entry) is noticed, and replaced.
    keepAlive: true,
  };
}
