import os from 'node:os';

/** One line on stdout, prefixed with the time of day (the bench's only output channel besides the JSON file). */
export function say(message: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** The machine's 1, 5 and 15-minute load averages, rounded: recorded around each phase (other work skews figures). */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = os.loadavg().map((value) => Math.round(value * 100) / 100);
  return [one ?? 0, five ?? 0, fifteen ?? 0];
}

export class Aborted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Aborted';
  }
}

/** Waits `ms`, or rejects with Aborted as soon as the run is interrupted. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new Aborted();
}

/**
 * Prints `line()` every few seconds while a phase runs, so a long phase shows it is alive and how fast it goes.
 * Returns the function that stops it.
 */
export function every(seconds: number, line: () => string): () => void {
  const timer = setInterval(() => say(line()), seconds * 1000);
  return () => clearInterval(timer);
}

/** A rate of change between successive calls (e.g. sends per second over the last progress interval). */
export function rateMeter(): (count: number) => number {
  let last = { count: 0, at: performance.now() };
  return (count) => {
    const now = performance.now();
    const rate = ((count - last.count) * 1000) / Math.max(1, now - last.at);
    last = { count, at: now };
    return rate;
  };
}

/** The q-quantile (0…1) of `values` by nearest rank; null when there are none. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function seconds(ms: number): number {
  return round(ms / 1000, 2);
}

/** `promise`, or a rejection with Aborted as soon as the run is interrupted (for waits that cannot be cancelled). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new Aborted());
    const onAbort = () => reject(new Aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
