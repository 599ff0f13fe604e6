import { runProcess } from './entrypoint';
import {
  createSystemFromConfig,
  openDatabase,
  openSecrets,
  openTemporalClient,
  requireExternalServices,
  runApi,
} from './system';

/** The API alone, for production (`node dist/src/api.js`): needs DATABASE_URL and TEMPORAL_ADDRESS. */
runProcess('api', async ({ config, logger, shutdown }) => {
  const external = requireExternalServices(config, 'api');
  const db = await openDatabase(external.databaseUrl, logger, shutdown, config.databasePoolSize);
  const secrets = await openSecrets(config);
  const { client, connection } = await openTemporalClient(config, external.temporalAddress, logger, shutdown);
  const { services } = createSystemFromConfig(config, { db, secrets, client, logger });
  const { bootstrap } = await runApi(config, { db, connection, logger, services }, shutdown);
  if (bootstrap.created && !config.bootstrapApiKey) {
    // Printed once, to the operator's terminal or container log: only its hash is stored.
    process.stdout.write(`Created the default organization. Its API key (shown only once): ${bootstrap.apiKey}\n`);
  }
  logger.info({ port: config.port }, 'API listening');
});
