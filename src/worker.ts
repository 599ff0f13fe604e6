import { runProcess } from './entrypoint';
import { openSystem, requireExternalServices, resumeInterruptedWork, runWorker, serveMetrics } from './process-runtime';

/** The Temporal worker alone, for production (`node dist/src/worker.js`): needs DATABASE_URL and TEMPORAL_ADDRESS. */
runProcess('worker', async ({ config, logger, shutdown }) => {
  const external = requireExternalServices(config, 'worker');
  const { db, secrets, client, services } = await openSystem(config, external, logger, shutdown);
  await runWorker(config, external.temporalAddress, { db, secrets, logger }, shutdown);
  await resumeInterruptedWork(config, { db, client, logger, services });
  await serveMetrics(config, logger, shutdown);
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
});
