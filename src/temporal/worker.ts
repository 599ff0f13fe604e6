import { Runtime, Worker, makeTelemetryFilterString, type NativeConnection } from '@temporalio/worker';
import type { Logger } from '../logger';
import { createActivities, type ActivityDeps } from '../../activities';

export interface WorkerHandle {
  worker: Worker;
  /** Resolves when the worker has stopped polling and finished its in-flight tasks. */
  running: Promise<void>;
  stop: () => Promise<void>;
}

let runtimeInstalled = false;

/**
 * Installs the Temporal runtime once per process: SDK logs go to our logger, and signals are left to our own
 * shutdown code, which stops the worker before closing the database it depends on.
 */
export function installTemporalRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const log = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    shutdownSignals: [],
    logger: {
      log: (level, message, meta) =>
        log[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'info')](meta ?? {}, message),
      trace: (message, meta) => log.trace(meta ?? {}, message),
      debug: (message, meta) => log.debug(meta ?? {}, message),
      info: (message, meta) => log.info(meta ?? {}, message),
      warn: (message, meta) => log.warn(meta ?? {}, message),
      error: (message, meta) => log.error(meta ?? {}, message),
    },
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
}

/** Creates the Temporal worker running every workflow and activity, and starts it. */
export async function startWorker(options: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
}): Promise<WorkerHandle> {
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities(options.deps),
    // In-flight activities get this long to finish on shutdown before they are cancelled.
    shutdownGraceTime: '20 seconds',
  });
  const running = worker.run();
  return {
    worker,
    running,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
