import { mapConcurrently } from '../src/concurrency';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { loadConfig } from '../src/config';
import { createCeilingActivities } from './temporal-ceiling.activities';
import { addressPrefix, sender } from './fixtures';
import { abortable, every, rateMeter, round, say, seconds, throwIfAborted } from './progress';
import type { Stack } from './stack';

export interface TemporalCeilingResult {
  workflows: number;
  sends: number;
  worker_settings: Record<string, number>;
  bundle_s: number;
  /** Starts in flight at once: the product's dispatch keeps 32 (src/domain/campaigns/campaign-fanout.service.ts). */
  start_concurrency: number;
  all_started_s: number;
  starts_per_s: number;
  elapsed_s: number;
  sends_per_s: number;
  failed_workflows: number;
}

/** As many workflow starts in flight as the product's dispatch keeps, for a like-for-like start rate. */
const START_CONCURRENCY = 32;

/**
 * The product worker's settings (src/temporal/worker.ts), read from the same WORKER_* variables with the same
 * defaults (src/config.ts): a ceiling measured on other settings would not be one. The bench's own stack inherits
 * this environment; give a running stack's values to the bench too.
 */
function productWorkerSettings() {
  const { worker } = loadConfig();
  return {
    maxConcurrentActivityTaskExecutions: worker.activitySlots,
    maxConcurrentLocalActivityExecutions: worker.localActivitySlots,
    maxConcurrentWorkflowTaskExecutions: worker.workflowTaskSlots,
    maxCachedWorkflows: worker.cachedWorkflows,
  };
}

let runtimeInstalled = false;

/**
 * The raw Temporal ceiling: plain workflows of three activities that each send one message to the sink, on the
 * stack's Temporal server, with a worker of its own in this process on a task queue of its own.
 */
export async function measureTemporalCeiling(options: {
  stack: Stack;
  runId: string;
  workflows: number;
  mailboxes: number;
  signal: AbortSignal;
}): Promise<TemporalCeilingResult> {
  const { stack, workflows, signal } = options;
  if (!runtimeInstalled) {
    // Signals stay with the bench's own handler, which stops this worker before the stack.
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
    runtimeInstalled = true;
  }
  const prefix = addressPrefix(options.runId, 'temporal');
  const taskQueue = `bench-ceiling-${options.runId}`;
  const pools = Array.from({ length: options.mailboxes }, (_, mailbox) =>
    nodemailer.createTransport({
      host: stack.smtp.host,
      port: stack.smtp.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 2,
      maxMessages: Infinity,
      auth: { user: sender(prefix, mailbox), pass: 'bench-password' },
    }),
  );
  const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: stack.temporalNamespace });
  const settings = productWorkerSettings();
  const bundleStarted = performance.now();
  const worker = await Worker.create({
    ...settings,
    connection: nativeConnection,
    namespace: stack.temporalNamespace,
    taskQueue,
    workflowsPath: require.resolve('./temporal-ceiling.workflows'),
    activities: createCeilingActivities({ pools, prefix }),
  });
  const bundleSeconds = seconds(performance.now() - bundleStarted);
  const running = worker.run();
  let started = 0;
  let finished = 0;
  let failed = 0;
  const rate = rateMeter();
  const stopProgress = every(
    3,
    () => `  temporal: ${started}/${workflows} started, ${finished} finished, ${round(rate(finished * 3), 1)} sends/s`,
  );
  try {
    const t0 = performance.now();
    let allStarted = 0;
    const handles = await mapConcurrently(
      Array.from({ length: workflows }, (_, index) => index),
      START_CONCURRENCY,
      async (index) => {
        throwIfAborted(signal);
        const handle = await client.workflow.start('ceilingSequence', {
          taskQueue,
          workflowId: `${taskQueue}-${index}`,
          args: [index],
        });
        if (++started === workflows) allStarted = performance.now() - t0;
        return handle;
      },
    );
    const results = handles.map((handle) =>
      handle.result().then(
        () => finished++,
        () => (finished++, failed++),
      ),
    );
    await abortable(Promise.all(results), signal);
    const elapsed = performance.now() - t0;
    throwIfAborted(signal);
    if (failed > 0) say(`  temporal: ${failed} workflow(s) failed`);
    return {
      workflows,
      sends: workflows * 3,
      worker_settings: settings,
      bundle_s: bundleSeconds,
      start_concurrency: START_CONCURRENCY,
      all_started_s: seconds(allStarted),
      starts_per_s: round((workflows * 1000) / allStarted, 1),
      elapsed_s: seconds(elapsed),
      sends_per_s: round(((workflows - failed) * 3 * 1000) / elapsed, 1),
      failed_workflows: failed,
    };
  } finally {
    stopProgress();
    worker.shutdown();
    await running;
    await connection.close();
    await nativeConnection.close();
    pools.forEach((pool) => pool.close());
  }
}
