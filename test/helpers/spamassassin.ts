import { spawn } from 'node:child_process';

export interface SpamReport {
  score: number;
  /** The rules that fired, by name. */
  rules: string[];
  report: string;
}

/**
 * Scores a message with the real SpamAssassin (Debian `spamassassin`), local tests only (`-L`: no DNS blocklists,
 * no network). Fails loudly when it is not installed: `.ci/run` installs it, and a test must never skip silently.
 */
export function spamAssassinScore(raw: Buffer | string): Promise<SpamReport> {
  return new Promise((resolve, reject) => {
    const child = spawn('spamassassin', ['-L', '-t'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) =>
      reject(new Error(`spamassassin could not run (${error.message}); install it: apt-get install spamassassin`)),
    );
    child.on('close', () => {
      const output = Buffer.concat(out).toString('utf8');
      const details = output.indexOf('Content analysis details:');
      const summary = /Content analysis details:\s+\((-?[\d.]+) points/.exec(output);
      if (details === -1 || !summary) {
        reject(new Error(`spamassassin printed no report:\n${Buffer.concat(err).toString('utf8')}\n${output}`));
        return;
      }
      const report = output.slice(details);
      const rules = [...report.matchAll(/^\s*-?[\d.]+\s+([A-Z0-9_]+)\s/gm)].map((match) => match[1]!);
      resolve({ score: Number(summary[1]), rules, report });
    });
    child.stdin.end(raw);
  });
}
