import { Client } from '@temporalio/client';
import {
  Runtime,
  Worker,
  makeTelemetryFilterString,
  type LogLevel,
  type LogMetadata,
  type NativeConnection,
} from '@temporalio/worker';
import type { WorkerTuning } from '../config';
import type { Logger } from '../logger';
import { createActivities, type ActivityDeps } from '../../activities';
import { createCampaignActivities } from '../../activities/campaign.activities';
import { createInboundActivities } from '../../activities/inbound.activities';
import { createWebhookActivities } from '../../activities/webhook.activities';
import type { MailboxReader } from '../domain/inbound/mailbox-reader';
import { campaignJobTaskQueue } from '../../workflows/campaign-fanout/definitions';
import { mailboxSessionTaskQueue } from '../../workflows/mailbox-monitor/definitions';
import { webhookJobTaskQueue } from '../../workflows/webhook-delivery/definitions';
import { TemporalWebhookJobs } from './webhook-jobs';
import { WebhookWakeUps, listenerConnection } from './webhook-wake-ups';

export interface WorkerHandle {
  /** Resolves when the worker has stopped polling and finished its in-flight tasks. */
  running: Promise<void>;
  stop: () => Promise<void>;
}

let runtimeInstalled = false;

/**
 * Installs the Temporal runtime once per process: SDK logs go to our logger, and signals are left to our own
 * shutdown code, which stops the worker before closing the database it depends on.
 */
export function installTemporalRuntime(logger: Logger, metricsPort?: number): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const log = logger.child({ component: 'temporal-sdk' });
  const forward = (level: LogLevel, message: string, meta?: LogMetadata) => {
    // The IMAP-session and campaign-job workers have no workflows by design: the SDK's warning about it is no news.
    const quiet = level === 'WARN' && message.startsWith('No workflows registered');
    log[quiet ? 'debug' : (level.toLowerCase() as Lowercase<LogLevel>)](meta ?? {}, message);
  };
  Runtime.install({
    shutdownSignals: [],
    logger: {
      log: (level, message, meta) => forward(level, message, meta),
      trace: (message, meta) => forward('TRACE', message, meta),
      debug: (message, meta) => forward('DEBUG', message, meta),
      info: (message, meta) => forward('INFO', message, meta),
      warn: (message, meta) => forward('WARN', message, meta),
      error: (message, meta) => forward('ERROR', message, meta),
    },
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      // The SDK's own series (task slots, poll latencies, schedule-to-start…), scraped into our /metrics.
      ...(metricsPort
        ? {
            metrics: {
              prometheus: {
                bindAddress: `127.0.0.1:${metricsPort}`,
                countersTotalSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  });
}

/** How many IMAP sessions one worker process holds at once: mostly idle sockets, so many. */
const MAILBOX_SESSION_SLOTS = 1000;
/** Campaign jobs' pages run at once: each keeps dozens of starts or signals in flight already. */
const CAMPAIGN_JOB_SLOTS = 4;
/** Webhook POSTs at once, one per endpoint: mostly waiting on the endpoints (10 s at worst each). */
const WEBHOOK_JOB_SLOTS = 20;

/**
 * Creates and starts the process's four Temporal workers: every workflow with the quick activities; the long IMAP
 * sessions of the mailbox monitors on their own task queue (so they never take the slots sends need); the pages
 * of campaign jobs on theirs (so a dispatch or a pause never waits behind a backlog of sends); and the webhook
 * deliveries on theirs (so a slow endpoint never does either). Then the webhook wake-ups: every endpoint with
 * deliveries pending is woken, and every commit that queues one wakes its endpoint (see WebhookWakeUps).
 */
export async function startWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  inbound: { reader: MailboxReader; stopping: AbortSignal };
  tuning: WorkerTuning;
}): Promise<WorkerHandle> {
  const { tuning } = options;
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    // In-flight activities get this long to finish on shutdown before they are cancelled.
    shutdownGraceTime: '20 seconds',
  };
  const workers = await Promise.all([
    Worker.create({
      ...common,
      taskQueue: options.taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities(options.deps),
      maxConcurrentActivityTaskExecutions: tuning.activitySlots,
      maxConcurrentLocalActivityExecutions: tuning.localActivitySlots,
      maxConcurrentWorkflowTaskExecutions: tuning.workflowTaskSlots,
      // Bounded, so memory stays flat however many enrollments sleep: a workflow evicted from it is replayed from its
      // history when its timer fires, which a sleeping enrollment does rarely.
      maxCachedWorkflows: tuning.cachedWorkflows,
    }),
    Worker.create({
      ...common,
      taskQueue: mailboxSessionTaskQueue(options.taskQueue),
      activities: createInboundActivities(options.inbound),
      maxConcurrentActivityTaskExecutions: MAILBOX_SESSION_SLOTS,
    }),
    Worker.create({
      ...common,
      taskQueue: campaignJobTaskQueue(options.taskQueue),
      activities: createCampaignActivities(options.deps),
      maxConcurrentActivityTaskExecutions: CAMPAIGN_JOB_SLOTS,
    }),
    Worker.create({
      ...common,
      taskQueue: webhookJobTaskQueue(options.taskQueue),
      activities: createWebhookActivities(options.deps),
      maxConcurrentActivityTaskExecutions: WEBHOOK_JOB_SLOTS,
    }),
  ]);
  const running = Promise.all(workers.map((worker) => worker.run())).then(() => undefined);
  const wakeUps = startWebhookWakeUps(options);
  return {
    running,
    stop: async () => {
      await wakeUps.stop();
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/** Wakes webhook delivery jobs, on the worker's connection, from notifications on the worker's database. */
function startWebhookWakeUps(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
}): WebhookWakeUps {
  const { deps } = options;
  const client = new Client({ connection: options.connection, namespace: options.namespace });
  const wakeUps = new WebhookWakeUps({
    connection: listenerConnection(deps.db.dataSource.options),
    jobs: new TemporalWebhookJobs(client, options.taskQueue),
    pendingEndpoints: () => deps.webhookDeliveries.endpointsWithPending(),
    logger: deps.logger,
  });
  wakeUps.start();
  return wakeUps;
}
