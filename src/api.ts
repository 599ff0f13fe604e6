import { runProcess } from './entrypoint';
import { openSystem, requireExternalServices, runApi } from './process-runtime';

/** The API alone, for production (`node dist/src/api.js`): needs DATABASE_URL and TEMPORAL_ADDRESS. */
runProcess('api', async ({ config, logger, shutdown }) => {
  const { db, connection, services } = await openSystem(
    config,
    requireExternalServices(config, 'api'),
    logger,
    shutdown,
  );
  const { bootstrap } = await runApi(config, { db, connection, logger, services }, shutdown);
  if (bootstrap.created && !config.bootstrapApiKey) {
    // Printed once, to the operator's terminal or container log: only its hash is stored.
    process.stdout.write(`Created the default organization. Its API key (shown only once): ${bootstrap.apiKey}\n`);
  }
  logger.info({ port: config.port }, 'API listening');
});
