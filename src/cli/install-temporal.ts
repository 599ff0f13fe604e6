import { loadConfig } from '../config';
import { resolveTemporalCli } from '../temporal/cli-binary';

/** `npm run temporal:install`: finds the Temporal CLI or builds it into the cache now, and prints its path. */
async function install(): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  const cli = await resolveTemporalCli({
    cliPath: config.temporal.cliPath,
    cacheDir: config.cacheDir,
    pathEnv: config.searchPath,
    onProgress: (message) => process.stdout.write(`${message}\n`),
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`Temporal CLI (${cli.source}): ${cli.path} [${seconds} s]\n`);
}

install().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
