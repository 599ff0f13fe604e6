import type { ApiClient } from './api-client';
import { addressPrefix, campaignBody, createCampaign, createList, enrollAndDispatch, importContacts } from './fixtures';
import { cpuSeconds, residentMemoryMb } from './metrics';
import { TaskQueueBacklog } from './task-queue-backlog';
import { every, quantile, rateMeter, round, say, seconds, sleep } from './progress';
import type { Stack } from './stack';

export interface MemoryPoint {
  sleeping: number;
  rss_mb: number;
  /** Whether the worker caught up (no queued task, app quiet) before RSS was read. */
  settled: boolean;
  /** Dispatch → all of this point's enrollments asleep (the worker caught up), when it did. */
  all_asleep_s: number | null;
  added: number;
  import_s: number;
  all_started_s: number;
  starts_per_s: number;
}

export interface MemoryResult {
  baseline_rss_mb: number;
  points: MemoryPoint[];
  /** RSS at the largest point ÷ RSS at the smallest: flat is 1.0. */
  ratio: number | null;
}

/** One day, in minutes: the delay the enrollments sleep in. */
const ONE_DAY_MINUTES = 24 * 60;
/** The app counts as quiet when it uses less than this share of one core. */
const QUIET_CPU = 0.15;
/** A slow engine may take long to put a big dispatch to sleep: the point is then read as it is, marked unsettled. */
const SETTLE_LIMIT_MS = 15 * 60_000;

/**
 * Worker memory with many enrollments asleep in a one-day delay: at each point more are enrolled and dispatched
 * (one campaign per point, one step due in a day), and the app's RSS is read once they are all started and the app
 * has gone quiet. With `npm start`, API and worker share the process whose RSS `/metrics` reports.
 */
export async function measureMemory(options: {
  stack: Stack;
  api: ApiClient;
  runId: string;
  points: number[];
  signal: AbortSignal;
  /** Told the result so far after each point, so an interrupted run keeps the points it read. */
  onProgress: (result: MemoryResult) => void;
}): Promise<MemoryResult> {
  const backlog = await TaskQueueBacklog.open(options.stack.temporalAddress, options.stack.temporalNamespace);
  try {
    return await measurePoints(options, backlog);
  } finally {
    await backlog.close();
  }
}

async function measurePoints(
  options: Parameters<typeof measureMemory>[0],
  backlog: TaskQueueBacklog,
): Promise<MemoryResult> {
  const { stack, api, signal } = options;
  await settle(stack, backlog, signal);
  const baseline = await sampleRss(stack, signal);
  say(`  memory: baseline RSS ${round(baseline, 1)} MB`);
  const points: MemoryPoint[] = [];
  const result = (): MemoryResult => {
    const first = points[0];
    const last = points.at(-1);
    const ratio = first && last && points.length > 1 ? round(last.rss_mb / first.rss_mb, 3) : null;
    return { baseline_rss_mb: round(baseline, 1), points, ratio };
  };
  let sleeping = 0;
  for (const [index, target] of options.points.entries()) {
    const added = target - sleeping;
    const prefix = addressPrefix(options.runId, `memory${index}`);
    const listUuid = await createList(api, `bench ${options.runId} memory ${index}`);
    const importStarted = performance.now();
    const stopImport = every(5, () => `  memory: importing ${imported}/${added} contacts`);
    let imported = 0;
    try {
      await importContacts(api, listUuid, prefix, 0, added, (done) => (imported = done));
    } finally {
      stopImport();
    }
    const importSeconds = seconds(performance.now() - importStarted);
    const campaignId = await createCampaign(
      api,
      campaignBody({
        name: `bench ${options.runId} memory ${index}`,
        senderPrefix: prefix,
        mailboxes: 1,
        smtp: stack.smtp,
        dailyLimit: 10_000,
        waitSeconds: [0, 0],
        delaysMinutes: [ONE_DAY_MINUTES],
      }),
    );
    const { dispatchedAt, dispatched } = await enrollAndDispatch(api, campaignId, listUuid);
    const startedAt = await waitAllStarted(api, campaignId, dispatched, signal);
    sleeping += dispatched;
    const settled = await settle(stack, backlog, signal);
    const asleepAt = Date.now();
    const rss = await sampleRss(stack, signal);
    const point = {
      sleeping,
      rss_mb: round(rss, 1),
      settled,
      all_asleep_s: settled ? seconds(asleepAt - dispatchedAt) : null,
      added: dispatched,
      import_s: importSeconds,
      all_started_s: seconds(startedAt - dispatchedAt),
      starts_per_s: round((dispatched * 1000) / Math.max(1, startedAt - dispatchedAt), 1),
    };
    points.push(point);
    options.onProgress(result());
    say(
      `  memory: ${sleeping} sleeping → RSS ${point.rss_mb} MB${settled ? '' : ' (the app was still busy)'}; ${dispatched} started at ${point.starts_per_s}/s`,
    );
  }
  return result();
}

async function waitAllStarted(api: ApiClient, campaignId: string, total: number, signal: AbortSignal): Promise<number> {
  let pending = total;
  const rate = rateMeter();
  const stopProgress = every(
    5,
    () => `  memory: ${total - pending}/${total} workflows started (${round(rate(total - pending), 1)}/s)`,
  );
  try {
    while ((pending = await api.countEnrollments(campaignId, 'pending')) > 0) await sleep(500, signal);
  } finally {
    stopProgress();
  }
  return Date.now();
}

/**
 * Waits (bounded) until the worker has caught up — no task waits on the product's task queue, so every started
 * enrollment has run its first workflow task and sleeps — and the app's CPU use has dropped. Returns whether it did.
 */
async function settle(stack: Stack, backlog: TaskQueueBacklog, signal: AbortSignal): Promise<boolean> {
  const started = Date.now();
  let waiting = await backlog.count();
  const stopProgress = every(5, () => `  memory: waiting for the worker to catch up: ${waiting} task(s) queued`);
  try {
    let last = { cpu: await cpuSeconds(stack.metricsUrl, stack.metricsToken), at: Date.now() };
    while (Date.now() - started < SETTLE_LIMIT_MS) {
      await sleep(3_000, signal);
      waiting = await backlog.count();
      const now = { cpu: await cpuSeconds(stack.metricsUrl, stack.metricsToken), at: Date.now() };
      const share = ((now.cpu - last.cpu) * 1000) / (now.at - last.at);
      last = now;
      if (waiting === 0 && share < QUIET_CPU) return true;
    }
    return false;
  } finally {
    stopProgress();
  }
}

/** The median of three readings two seconds apart (one reading may catch the heap mid-collection). */
async function sampleRss(stack: Stack, signal: AbortSignal): Promise<number> {
  const readings: number[] = [];
  for (let reading = 0; reading < 3; reading++) {
    if (reading > 0) await sleep(2_000, signal);
    readings.push(await residentMemoryMb(stack.metricsUrl, stack.metricsToken));
  }
  return quantile(readings, 0.5)!;
}
