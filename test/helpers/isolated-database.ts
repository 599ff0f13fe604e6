import crypto from 'node:crypto';
import pg from 'pg';
import { connectAndMigrate, createDataSource } from '../../src/db/data-source';
import { Database } from '../../src/db/repositories';

/** A database of its own on the stack's Postgres server, migrated: what a suite's own worker listens to. */
export interface IsolatedDatabase {
  url: string;
  db: Database;
  /** Closes the pool and drops the database (other sessions on it are ended). */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database beside the stack's one. For suites that run a worker of their own with settings of
 * their own: the stack's worker listens for notifications on the stack's database, never on this one.
 */
export async function createIsolatedDatabase(stackUrl: string, prefix: string): Promise<IsolatedDatabase> {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  await onServer(stackUrl, `CREATE DATABASE ${name}`);
  const url = new URL(stackUrl);
  url.pathname = `/${name}`;
  const dataSource = createDataSource(url.toString(), { poolSize: 5 });
  await connectAndMigrate(dataSource);
  return {
    url: url.toString(),
    db: new Database(dataSource),
    drop: async () => {
      await dataSource.destroy();
      await onServer(stackUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
