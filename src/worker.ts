import { runProcess } from './entrypoint';
import {
  createSystemFromConfig,
  openDatabase,
  openSecrets,
  openTemporalClient,
  requireExternalServices,
  resumeInterruptedWork,
  runWorker,
  serveMetrics,
} from './system';

/** The Temporal worker alone, for production (`node dist/src/worker.js`): needs DATABASE_URL and TEMPORAL_ADDRESS. */
runProcess('worker', async ({ config, logger, shutdown }) => {
  const external = requireExternalServices(config, 'worker');
  const db = await openDatabase(external.databaseUrl, logger, shutdown, config.databasePoolSize);
  const secrets = await openSecrets(config);
  // The client registers search attributes, and hands over work interrupted by a crash.
  const { client } = await openTemporalClient(config, external.temporalAddress, logger, shutdown);
  await runWorker(config, external.temporalAddress, { db, secrets, logger }, shutdown);
  const { services } = createSystemFromConfig(config, { db, secrets, client, logger });
  await resumeInterruptedWork(config, { db, client, logger, services });
  await serveMetrics(config, logger, shutdown);
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
});
