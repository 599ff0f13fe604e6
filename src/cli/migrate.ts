import path from 'node:path';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { connectAndMigrate, createDataSource } from '../db/data-source';
import { connectOrStartEmbeddedPostgres } from '../embedded/embedded-postgres';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded Postgres under DATA_DIR. */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const embedded = config.databaseUrl
    ? null
    : // Beside a running `npm start`, its server is used as it is, not stopped as a leftover.
      await connectOrStartEmbeddedPostgres({
        dir: path.join(config.dataDir, 'postgres'),
        port: config.embeddedPostgresPort,
        logger,
      });
  const dataSource = createDataSource(config.databaseUrl ?? embedded!.databaseUrl);
  try {
    const applied = await connectAndMigrate(dataSource);
    const executed: { name: string }[] = await dataSource.query('SELECT name FROM migrations ORDER BY id');
    process.stdout.write(
      applied.length > 0
        ? `Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}`).join('\n')}\n`
        : 'The database is up to date.\n',
    );
    process.stdout.write(`${executed.length} migration(s) recorded in total.\n`);
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
