import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

/** The CLI release whose dev server (Temporal 1.29 + Web UI) we build; later tags cannot be `go install`ed. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
const MIN_GO_MINOR = 25;

export interface ResolvedCli {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'cache' | 'built';
}

/**
 * Finds the Temporal CLI: `TEMPORAL_CLI_PATH`, then `temporal` on PATH, then our cached build;
 * otherwise builds it with `go install` into the cache (minutes, once). Never downloads a prebuilt server.
 */
export async function resolveTemporalCli(options: {
  cliPath: string | undefined;
  cacheDir: string;
  /** The PATH to search, from the config. */
  pathEnv: string;
  onProgress?: (message: string) => void;
}): Promise<ResolvedCli> {
  const progress = options.onProgress ?? (() => undefined);
  if (options.cliPath) {
    if (!(await isExecutable(options.cliPath))) {
      throw new Error(`TEMPORAL_CLI_PATH points to ${options.cliPath}, which is not an executable file.`);
    }
    return { path: options.cliPath, source: 'TEMPORAL_CLI_PATH' };
  }
  const onPath = await findOnPath('temporal', options.pathEnv);
  if (onPath) return { path: onPath, source: 'PATH' };

  const cached = cachedCliPath(options.cacheDir);
  if (await isExecutable(cached)) return { path: cached, source: 'cache' };

  await buildCli(path.dirname(cached), options.pathEnv, progress);
  return { path: cached, source: 'built' };
}

/** Where the built CLI lives: versioned, so a version bump builds afresh. */
export function cachedCliPath(cacheDir: string): string {
  return path.join(cacheDir, 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
}

async function buildCli(targetDir: string, pathEnv: string, progress: (message: string) => void): Promise<void> {
  const go = await findOnPath('go', pathEnv);
  if (!go) {
    throw new Error(
      'The Temporal CLI was not found and Go is not installed to build it. Install Go >= 1.25, ' +
        'or put `temporal` on PATH, or set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to use an existing Temporal server.',
    );
  }
  await checkGoVersion(go);
  // Build into a private directory and rename, so a concurrent start never sees a half-written binary.
  await fs.mkdir(targetDir, { recursive: true });
  const staging = await fs.mkdtemp(path.join(targetDir, '.build-'));
  progress(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go (first run only; this takes a few minutes). Target: ${targetDir}`,
  );
  const started = Date.now();
  try {
    await runGoInstall(go, staging, (packages) =>
      progress(`  … still building the Temporal CLI: ${packages} packages compiled, ${elapsed(started)} elapsed`),
    );
    await fs.rename(path.join(staging, 'temporal'), path.join(targetDir, 'temporal'));
    progress(`Temporal CLI ${TEMPORAL_CLI_VERSION} built in ${elapsed(started)}.`);
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

function runGoInstall(go: string, gobin: string, onTick: (packages: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, ['install', '-v', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
      // go needs the user's environment (HOME, GOPROXY, GOMODCACHE…); the CLI is pure Go, so no C toolchain.
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let packages = 0;
    const tail: string[] = [];
    // `go install -v` prints one line per compiled package on stderr: count them for the progress message.
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      if (!line.startsWith('go: downloading')) packages += 1;
      tail.push(line);
      if (tail.length > 20) tail.shift();
    });
    const timer = setInterval(() => onTick(packages), 15_000);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new Error(`go install ${MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
}

async function checkGoVersion(go: string): Promise<void> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(go, ['env', 'GOVERSION'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(text.trim()));
  });
  const match = /^go1\.(\d+)/.exec(output);
  if (match && Number(match[1]) < MIN_GO_MINOR) {
    throw new Error(`Building the Temporal CLI needs Go >= 1.${MIN_GO_MINOR}; found ${output}. Upgrade Go.`);
  }
}

async function findOnPath(command: string, pathEnv: string): Promise<string | undefined> {
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function elapsed(since: number): string {
  const seconds = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
