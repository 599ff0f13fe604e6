import type { ApiClient } from './api-client';
import { addressPrefix, campaignBody, createCampaign, createList, enrollAndDispatch, importContacts } from './fixtures';
import { cpuSeconds, residentMemoryMb } from './metrics';
import { every, quantile, rateMeter, round, say, seconds, sleep } from './progress';
import type { Stack } from './stack';

export interface MemoryPoint {
  sleeping: number;
  rss_mb: number;
  /** Whether the app went quiet (its workflow tasks done) before RSS was read. */
  settled: boolean;
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
const SETTLE_LIMIT_MS = 180_000;

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
}): Promise<MemoryResult> {
  const { stack, api, signal } = options;
  await settle(stack, signal);
  const baseline = await sampleRss(stack, signal);
  say(`  memory: baseline RSS ${round(baseline, 1)} MB`);
  const points: MemoryPoint[] = [];
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
    const settled = await settle(stack, signal);
    const rss = await sampleRss(stack, signal);
    const point = {
      sleeping,
      rss_mb: round(rss, 1),
      settled,
      added: dispatched,
      import_s: importSeconds,
      all_started_s: seconds(startedAt - dispatchedAt),
      starts_per_s: round((dispatched * 1000) / Math.max(1, startedAt - dispatchedAt), 1),
    };
    points.push(point);
    say(
      `  memory: ${sleeping} sleeping → RSS ${point.rss_mb} MB${settled ? '' : ' (the app was still busy)'}; ${dispatched} started at ${point.starts_per_s}/s`,
    );
  }
  const first = points[0];
  const last = points.at(-1);
  return {
    baseline_rss_mb: round(baseline, 1),
    points,
    ratio: first && last && points.length > 1 ? round(last.rss_mb / first.rss_mb, 3) : null,
  };
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

/** Waits (bounded) until the app's CPU use drops: the started workflows have run their first tasks and sleep. */
async function settle(stack: Stack, signal: AbortSignal): Promise<boolean> {
  const started = Date.now();
  let last = { cpu: await cpuSeconds(stack.metricsUrl, stack.metricsToken), at: Date.now() };
  while (Date.now() - started < SETTLE_LIMIT_MS) {
    await sleep(3_000, signal);
    const now = { cpu: await cpuSeconds(stack.metricsUrl, stack.metricsToken), at: Date.now() };
    const share = ((now.cpu - last.cpu) * 1000) / (now.at - last.at);
    last = now;
    if (share < QUIET_CPU) return true;
  }
  return false;
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
