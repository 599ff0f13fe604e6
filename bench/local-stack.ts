import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { say, sleep } from './progress';
import type { Stack } from './stack';

const TEMPORAL_CLI_VERSION = 'v1.5.1';
/** How long the app gets to stop after SIGINT (it lets in-flight sends finish, then stops Postgres and Temporal). */
const STOP_GRACE_MS = 60_000;

/**
 * Starts the whole stack as `npm start` does (src/main.ts: embedded Postgres, Temporal dev server, worker, API,
 * capture inbox) in a fresh temporary DATA_DIR on free ports, and waits until /readyz answers.
 */
export async function startLocalStack(options: {
  repoDir: string;
  keepData: boolean;
  readyTimeoutSeconds: number;
  signal: AbortSignal;
}): Promise<Stack> {
  requireTemporalCli();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sequencer-bench-'));
  // mkdtemp makes 0700; run as root, the embedded Postgres drops to its own user, which must reach its directory.
  fs.chmodSync(dataDir, 0o755);
  const logFile = path.join(dataDir, 'stack.log');
  const [api, postgres, temporal, temporalUi, smtp] = await freePorts(5);
  const apiKey = `bench-${crypto.randomBytes(16).toString('hex')}`;
  const log = fs.openSync(logFile, 'a');
  // `node --import tsx` is what `npm start` (tsx src/main.ts) runs, minus the npm and tsx wrapper processes: one
  // process that gets our SIGINT itself and runs its own orderly shutdown.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: options.repoDir,
    // Its own process group: a Ctrl-C in the terminal reaches the bench, which then stops the stack in order.
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      PORT: String(api),
      EMBEDDED_POSTGRES_PORT: String(postgres),
      TEMPORAL_DEV_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(temporalUi),
      DEV_SMTP_PORT: String(smtp),
      DATA_DIR: dataDir,
      BOOTSTRAP_API_KEY: apiKey,
      // Embedded Postgres and Temporal, whatever the shell says; /metrics on the API's port.
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      METRICS_PORT: '',
      // The bench polls the API while it measures; the per-key rate limit is not what it measures.
      RATE_LIMIT_REQUESTS: '0',
    },
  });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = `http://127.0.0.1:${api}`;
  let stopping: Promise<void> | null = null;
  const stack: Stack = {
    apiOrigin: origin,
    apiKey,
    temporalAddress: `127.0.0.1:${temporal}`,
    temporalNamespace: 'default',
    smtp: { host: '127.0.0.1', port: smtp! },
    inboxDir: path.join(dataDir, 'inbox'),
    metricsUrl: `${origin}/metrics`,
    metricsToken: process.env.METRICS_TOKEN || undefined,
    owned: true,
    description: `own stack (pid ${child.pid}): API ${origin}, Postgres :${postgres}, Temporal :${temporal}, capture inbox :${smtp}, DATA_DIR ${dataDir}`,
    stop: () => (stopping ??= stop(child, exited, dataDir, options.keepData)),
    kill: () => kill(child, dataDir),
  };
  say(`starting the stack: ${stack.description}`);
  try {
    await waitReady(origin, exited, logFile, options.readyTimeoutSeconds, options.signal);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

/** The bench never builds or downloads a Temporal server: the CLI must be where the product would find it. */
function requireTemporalCli(): void {
  const env = process.env;
  const cached = path.join(
    env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
    'sequencer',
    'temporal-cli',
    TEMPORAL_CLI_VERSION,
    'temporal',
  );
  const onPath = (env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'temporal'));
  const candidates = [env.TEMPORAL_CLI_PATH, ...onPath, cached].filter((file): file is string => !!file);
  if (candidates.some((file) => fs.existsSync(file))) return;
  throw new Error(`no Temporal CLI found (TEMPORAL_CLI_PATH, PATH, ${cached}); run \`npm run temporal:install\` first`);
}

async function waitReady(
  origin: string,
  exited: Promise<number | null>,
  logFile: string,
  timeoutSeconds: number,
  signal: AbortSignal,
): Promise<void> {
  const started = Date.now();
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`the stack exited (code ${exitCode}) before it was ready; last log lines:\n${tail(logFile)}`);
    try {
      const response = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() - started > timeoutSeconds * 1000) {
      throw new Error(`the stack did not become ready in ${timeoutSeconds} s; last log lines:\n${tail(logFile)}`);
    }
    await sleep(500, signal);
  }
  say(`stack ready in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** SIGINT to the app (its orderly shutdown), then whatever is left of it by force; the data dir goes unless kept. */
async function stop(
  child: ChildProcess,
  exited: Promise<number | null>,
  dataDir: string,
  keepData: boolean,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    say('stopping the stack (SIGINT)…');
    child.kill('SIGINT');
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_GRACE_MS).unref());
    if ((await Promise.race([exited, timer])) === 'timeout')
      say(`the stack did not stop within ${STOP_GRACE_MS / 1000} s: killing it`);
  }
  kill(child, dataDir);
  // Postgres and the Temporal dev server take a moment to go after their parent.
  for (let attempt = 0; attempt < 20 && leftovers(dataDir).length > 0; attempt++)
    await new Promise((r) => setTimeout(r, 250));
  const left = leftovers(dataDir);
  if (left.length > 0) say(`could not stop processes ${left.join(', ')} (they use ${dataDir})`);
  if (keepData) say(`stack stopped; its DATA_DIR is kept: ${dataDir}`);
  else {
    fs.rmSync(dataDir, { recursive: true, force: true });
    say('stack stopped');
  }
}

/** SIGKILL to the app's process group and to any process still using the data dir (Postgres, Temporal). */
function kill(child: ChildProcess, dataDir: string): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  for (const pid of leftovers(dataDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Processes whose command line names the data dir: the embedded Postgres and the Temporal dev server. */
function leftovers(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dataDir)) pids.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}

function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Ports the OS says are free now (bound to port 0, then released), all different. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
