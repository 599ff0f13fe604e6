import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs/promises';
import readline from 'node:readline';

export interface ManagedProcess {
  child: ChildProcess;
  /** The last lines it printed, for error messages. */
  output(): string;
  exited: Promise<number | null>;
  /** Sends `signal`, waits up to `timeoutMs`, then kills. */
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void>;
}

/**
 * Spawns a server. With `ownProcessGroup`, a Ctrl-C in the terminal reaches only us, and we stop the server
 * ourselves after the work that depends on it; without, it dies with the terminal's process group (tests).
 * Its pid is written to `pidFile` to clean up after a `kill -9`.
 */
export async function spawnServer(
  command: string,
  args: string[],
  options: { pidFile: string; ownProcessGroup: boolean; onLine: (line: string) => void; spawn?: SpawnOptions },
): Promise<ManagedProcess> {
  const child = spawn(command, args, {
    ...options.spawn,
    detached: options.ownProcessGroup,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    readline.createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      options.onLine(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  await fs.writeFile(options.pidFile, `${child.pid}\n`);
  return {
    child,
    output: () => lines.join('\n'),
    exited,
    stop: async (signal, timeoutMs) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timedOut = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
        if ((await Promise.race([exited, timedOut])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      await fs.rm(options.pidFile, { force: true });
    },
  };
}

/**
 * Stops a server an earlier run left behind (its parent was killed): the pid from `pidFile` is signalled only if
 * that process's command line still contains `marker`, so a recycled pid is never hit.
 */
export async function stopLeftover(pidFile: string, marker: string, signal: NodeJS.Signals): Promise<number | null> {
  const pid = await livePid(pidFile, marker);
  if (pid === null) return null;
  process.kill(pid, signal);
  for (let waited = 0; waited < 30_000 && (await commandLineContains(pid, marker)); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (await commandLineContains(pid, marker)) process.kill(pid, 'SIGKILL');
  return pid;
}

/**
 * The pid a pid file names, if that process is alive and its command line contains `marker` (so a recycled pid is
 * not taken for the server); else null.
 */
export async function livePid(pidFile: string, marker: string): Promise<number | null> {
  const pid = Number((await fs.readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return (await commandLineContains(pid, marker)) ? pid : null;
}

async function commandLineContains(pid: number, marker: string): Promise<boolean> {
  try {
    return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).includes(marker);
  } catch {
    return false;
  }
}
