import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from './config';
import type { Logger } from './logger';
import { connectAndMigrate, createDataSource } from './db/data-source';
import { Database } from './db/repositories';
import { SecretBox } from './crypto/secret-box';
import { loadSecretKey } from './crypto/secret-key';
import { CampaignService } from './domain/campaigns/campaign.service';
import { EnrollmentService } from './domain/enrollments/enrollment.service';
import { OrganizationService } from './domain/organizations/organization.service';
import { startEmbeddedPostgres } from './embedded/embedded-postgres';
import { resolveTemporalCli } from './temporal/cli-binary';
import { startTemporalDevServer } from './temporal/dev-server';
import { TemporalEnrollmentWorkflows } from './temporal/enrollment-workflows';
import type { ShutdownSequence } from './shutdown';

export interface Backends {
  databaseUrl: string;
  temporalAddress: string;
  /** Set when we run the embedded server; otherwise the operator knows where their UI is. */
  temporalUiUrl: string | null;
  embeddedPostgresDir: string | null;
}

/**
 * Uses `DATABASE_URL` and `TEMPORAL_ADDRESS` when set; otherwise starts the embedded PostgreSQL and the Temporal
 * dev server under `DATA_DIR` (in parallel: the first Temporal CLI build takes minutes).
 */
export async function startBackends(
  config: Config,
  logger: Logger,
  shutdown: ShutdownSequence,
  progress: (message: string) => void,
): Promise<Backends> {
  const postgres = async (): Promise<{ url: string; dir: string | null }> => {
    if (config.databaseUrl) return { url: config.databaseUrl, dir: null };
    const dir = path.join(config.dataDir, 'postgres');
    const handle = await startEmbeddedPostgres({ dir, port: config.embeddedPostgresPort, logger });
    shutdown.add('embedded postgres', handle.stop);
    return { url: handle.databaseUrl, dir };
  };
  const temporal = async (): Promise<{ address: string; uiUrl: string | null }> => {
    if (config.temporal.address) return { address: config.temporal.address, uiUrl: null };
    const cli = await resolveTemporalCli({
      cliPath: config.temporal.cliPath,
      cacheDir: config.cacheDir,
      pathEnv: config.searchPath,
      onProgress: progress,
    });
    logger.debug({ cli }, 'temporal cli resolved');
    const handle = await startTemporalDevServer({
      cliPath: cli.path,
      dir: path.join(config.dataDir, 'temporal'),
      port: config.temporal.devPort,
      uiPort: config.temporal.uiPort,
      logger,
    });
    shutdown.add('temporal dev server', handle.stop);
    return { address: handle.address, uiUrl: handle.uiUrl };
  };
  const [db, tmp] = await Promise.all([postgres(), temporal()]);
  return { databaseUrl: db.url, embeddedPostgresDir: db.dir, temporalAddress: tmp.address, temporalUiUrl: tmp.uiUrl };
}

/** Connects to Postgres and applies pending migrations. */
export async function openDatabase(url: string, logger: Logger, shutdown: ShutdownSequence): Promise<Database> {
  const dataSource = createDataSource(url);
  const applied = await connectAndMigrate(dataSource);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  shutdown.add('database pool', () => dataSource.destroy());
  return new Database(dataSource);
}

export async function openSecrets(config: Config): Promise<SecretBox> {
  return new SecretBox(await loadSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir }));
}

/** The domain services the API uses. */
export function createServices(db: Database, secrets: SecretBox, temporal: Client, taskQueue: string) {
  const organizations = new OrganizationService(db);
  const campaigns = new CampaignService(db, secrets);
  const enrollments = new EnrollmentService(db, campaigns, new TemporalEnrollmentWorkflows(temporal, taskQueue));
  return { organizations, campaigns, enrollments };
}
