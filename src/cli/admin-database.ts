// Opening the database for one admin CLI command: DATABASE_URL or the embedded PostgreSQL under DATA_DIR, migrated
// first, closed after; a failure to open it is a DatabaseError naming the variables that choose it.
import path from 'node:path';
import pino from 'pino';
import type { Config } from '../config';
import { connectAndMigrate, createDataSource } from '../db/data-source';
import { Database } from '../db/repositories';
import type { OrganizationService } from '../domain/organizations/organization.service';
import { createDatabaseServices } from '../database-services';
import { connectOrStartEmbeddedPostgres, type EmbeddedPostgresHandle } from '../embedded/embedded-postgres';
import { createLogger } from '../logger';

/** The database could not be opened: exit code 1, naming the variables that choose it. */
export class DatabaseError extends Error {}

/** Opens the database (migrating it first), runs `work`, and closes everything it opened. */
export async function withOrganizations(
  config: Config,
  work: (organizations: OrganizationService) => Promise<void>,
): Promise<void> {
  // Logs go to stderr: stdout carries only the command's output (JSON with --json).
  const logger = createLogger(
    config.logLevel === 'info' ? 'warn' : config.logLevel,
    { process: 'cli' },
    pino.destination({ dest: 2, sync: true }),
  );
  const embeddedDir = path.join(config.dataDir, 'postgres');
  let embedded: EmbeddedPostgresHandle | null = null;
  let dataSource: ReturnType<typeof createDataSource> | null = null;
  try {
    if (!config.databaseUrl) {
      embedded = await connectOrStartEmbeddedPostgres({ dir: embeddedDir, port: config.embeddedPostgresPort, logger });
    }
    dataSource = createDataSource(config.databaseUrl ?? embedded!.databaseUrl, { poolSize: 2 });
    dataSource.setOptions({ connectTimeoutMS: 10_000, applicationName: 'sequencer-cli' });
    await connectAndMigrate(dataSource);
  } catch (error) {
    if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(
      config.databaseUrl
        ? `Could not open the database at DATABASE_URL (${describeUrl(config.databaseUrl)}): ${reason}\n` +
            'Check that the server is running and that DATABASE_URL is right, or unset DATABASE_URL to use the ' +
            'embedded PostgreSQL under DATA_DIR.'
        : `Could not open the embedded PostgreSQL under DATA_DIR (${embeddedDir}): ${reason}\n` +
            'Check DATA_DIR (the directory `npm start` uses) and EMBEDDED_POSTGRES_PORT, or set DATABASE_URL to ' +
            'use another PostgreSQL server.',
    );
  }
  try {
    await work(createDatabaseServices(new Database(dataSource)).organizations);
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

/** Where a database URL points, without its password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.username ? `user ${decodeURIComponent(parsed.username)} at ` : ''}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}
