import fs from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Logger } from '../logger';
import { searchAttributes } from '../../workflows/search-attributes';
import { spawnServer, stopLeftover } from '../embedded/child-process';

export interface DevServerHandle {
  address: string;
  uiUrl: string;
  stop: () => Promise<void>;
}

/**
 * Runs `temporal server start-dev` with its state in a SQLite file under `dir`, so workflows survive restarts,
 * and the Web UI on `uiPort`. Resolves once the frontend answers; rejects with the server's output if it exits.
 */
export async function startTemporalDevServer(options: {
  cliPath: string;
  dir: string;
  port: number;
  uiPort: number;
  logger: Logger;
  /** Stop only when told (npm start) rather than with the terminal's Ctrl-C (tests). */
  ownProcessGroup?: boolean;
  /** Server dynamic config, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 40 }` to exercise continue-as-new. */
  dynamicConfig?: Record<string, string | number | boolean>;
}): Promise<DevServerHandle> {
  const { cliPath, dir, port, uiPort, logger } = options;
  await fs.mkdir(dir, { recursive: true });
  const pidFile = path.join(dir, 'server.pid');
  const leftover = await stopLeftover(pidFile, 'start-dev', 'SIGTERM');
  if (leftover) logger.warn({ pid: leftover }, 'stopped a Temporal dev server left running by an earlier run');

  const server = await spawnServer(
    cliPath,
    [
      'server',
      'start-dev',
      '--db-filename',
      path.join(dir, 'temporal.db'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--ui-port',
      String(uiPort),
      '--log-level',
      'warn',
      // SQLite's defaults sync every write to disk and serialise readers behind writers, which makes the server the
      // bottleneck of a few hundred workflows. WAL with NORMAL sync still survives a killed server process.
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
      // Applies only when the database is created; ensureNamespaceSetup covers existing ones.
      ...Object.values(searchAttributes).flatMap((key) => ['--search-attribute', `${key.name}=${cliType(key.type)}`]),
      ...Object.entries(options.dynamicConfig ?? {}).flatMap(([key, value]) => [
        '--dynamic-config-value',
        `${key}=${JSON.stringify(value)}`,
      ]),
    ],
    {
      pidFile,
      ownProcessGroup: options.ownProcessGroup ?? true,
      onLine: (line) => logger.debug({ temporal: line }, 'temporal dev server'),
    },
  );
  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, server.exited, 60_000);
  } catch (error) {
    await server.stop('SIGKILL', 1_000);
    throw new Error(
      `The Temporal dev server did not start on ${address} (${(error as Error).message}). ` +
        `Is port ${port} or ${uiPort} taken? Set TEMPORAL_DEV_PORT / TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to use an ` +
        `existing server.\n${server.output()}`,
    );
  }
  return { address, uiUrl: `http://localhost:${uiPort}`, stop: () => server.stop('SIGTERM', 15_000) };
}

async function waitUntilServing(address: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`it exited with code ${exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`no answer within ${timeoutMs} ms: ${String(lastError)}`);
}

function cliType(type: string): string {
  return type === 'DATETIME' ? 'Datetime' : 'Keyword';
}
