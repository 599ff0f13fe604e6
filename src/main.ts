import path from 'node:path';
import type { Config } from './config';
import { startCaptureInbox } from './embedded/capture-inbox';
import { runProcess } from './entrypoint';
import { openSystem, resumeInterruptedWork, runApi, runWorker, startBackends } from './process-runtime';

/**
 * `npm start`: the whole system in one command. Postgres and the Temporal dev server are embedded unless
 * DATABASE_URL / TEMPORAL_ADDRESS point elsewhere; the worker, the API and the capture inbox run in this process.
 */
runProcess('sequencer', async ({ config, logger, shutdown }) => {
  shutdown.add('goodbye', () => say('Sequencer stopped; data is kept in DATA_DIR.'));
  say('Starting Sequencer…');
  const backends = await startBackends(config, logger, shutdown, say);
  const { db, secrets, client, connection, services } = await openSystem(config, backends, logger, shutdown);

  const inbox =
    config.devSmtpPort === 0
      ? null
      : await startCaptureInbox({ dir: path.join(config.dataDir, 'inbox'), port: config.devSmtpPort, logger });
  if (inbox) shutdown.add('capture inbox', inbox.close);

  await runWorker(config, backends.temporalAddress, { db, secrets, logger }, shutdown);
  await resumeInterruptedWork(config, { db, client, logger, services });
  const { bootstrap } = await runApi(config, { db, connection, logger, services }, shutdown);

  say(
    [
      '',
      'Sequencer is running.',
      `  API            http://localhost:${config.port}/api/v1   (health: /healthz, readiness: /readyz)`,
      `  API reference  http://localhost:${config.port}/docs   (OpenAPI 3.1: /openapi.json)`,
      `  API key        ${describeKey(bootstrap, config)}`,
      `  Temporal UI    ${backends.temporalUiUrl ?? '(external Temporal: use your own UI)'}`,
      `  Temporal       ${backends.temporalAddress}, namespace "${config.temporal.namespace}"`,
      `  Postgres       ${backends.embeddedPostgresDir ? `embedded, data in ${backends.embeddedPostgresDir}` : 'DATABASE_URL'}`,
      `  Capture inbox  ${inbox ? `smtp://127.0.0.1:${inbox.port} (any login; see what arrived: npm run inbox)` : 'off (DEV_SMTP_PORT=0)'}`,
      '',
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
});

function describeKey(bootstrap: { created: false } | { created: true; apiKey: string }, config: Config): string {
  if (!bootstrap.created) return 'use your existing key (the organization was created on an earlier start)';
  if (config.bootstrapApiKey) return 'the value of BOOTSTRAP_API_KEY';
  return `${bootstrap.apiKey}\n                 (generated now and shown only this once: store it)`;
}

function say(message: string): void {
  process.stdout.write(`${message}\n`);
}
