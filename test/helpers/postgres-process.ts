import { startEmbeddedPostgres } from '../../src/embedded/embedded-postgres';
import { createLogger } from '../../src/logger';

/**
 * Runs an embedded Postgres in a process of its own, for tests that stop and restart it: jest cannot load the
 * embedded-postgres ES module inside a test file. Prints `{"databaseUrl": …}` once ready; stops on SIGTERM.
 * Usage: node --import tsx test/helpers/postgres-process.ts <dir> <port>
 */
async function main(): Promise<void> {
  const [dir, port] = process.argv.slice(2);
  if (!dir || !port) throw new Error('usage: postgres-process.ts <dir> <port>');
  const postgres = await startEmbeddedPostgres({
    dir,
    port: Number(port),
    logger: createLogger('warn'),
    ownProcessGroup: false,
  });
  process.on('SIGTERM', () => void postgres.stop().then(() => process.exit(0)));
  process.stdout.write(`${JSON.stringify({ databaseUrl: postgres.databaseUrl })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
