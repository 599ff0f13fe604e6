/** Reads one sample of the app's Prometheus `/metrics` (prom-client's default series carry the `sequencer_` prefix). */
export async function readMetric(url: string, token: string | undefined, name: string): Promise<number> {
  const response = await fetch(url, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 401)
    throw new Error(`${url} wants a token: set BENCH_METRICS_TOKEN (or METRICS_TOKEN for the bench's own stack)`);
  if (!response.ok) throw new Error(`${url} → ${response.status}`);
  const text = await response.text();
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  if (line === undefined) throw new Error(`${url} has no ${name}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The app's resident memory (with `npm start`, API and worker are one process), in MB. */
export async function residentMemoryMb(url: string, token: string | undefined): Promise<number> {
  return (await readMetric(url, token, 'sequencer_process_resident_memory_bytes')) / 1024 / 1024;
}

/** The app's CPU time so far, in seconds. */
export function cpuSeconds(url: string, token: string | undefined): Promise<number> {
  return readMetric(url, token, 'sequencer_process_cpu_seconds_total');
}
