import type { ApiClient } from './api-client';
import {
  addressPrefix,
  campaignBody,
  contacts,
  createCampaign,
  createList,
  enrollAndDispatch,
  importContacts,
} from './fixtures';
import { InboxFollower, type Arrival } from './inbox';
import { every, quantile, rateMeter, round, say, seconds, sleep } from './progress';
import type { Stack } from './stack';

export interface ProductResult {
  enrollments: number;
  mailboxes: number;
  import_1000: { contacts: number; elapsed_s: number };
  dispatched: number;
  expected_sends: number;
  sends: number;
  complete: boolean;
  /** Messages beyond three to one recipient: a step sent twice (should be 0). */
  duplicates: number;
  elapsed_s: number;
  sends_per_s: number;
  all_started_s: number | null;
  starts_per_s: number | null;
  /** Seconds from when a step was due to when it arrived at the sink: all steps, and per step. */
  lateness_s: {
    p50: number | null;
    p99: number | null;
    by_step: { step: number; p50: number | null; p99: number | null }[];
  };
}

/** No new message for this long ends the run as incomplete (a stuck engine should not hang the bench). */
const STALL_MS = 120_000;
const STEPS = 3;

/**
 * The product end to end through the public API: N enrollments × 3 steps with zero delays and no rest between a
 * mailbox's sends, M mailboxes on the sink. Arrivals are read from the capture inbox.
 */
export async function measureProduct(options: {
  stack: Stack;
  api: ApiClient;
  runId: string;
  enrollments: number;
  mailboxes: number;
  importContacts: number;
  signal: AbortSignal;
}): Promise<ProductResult> {
  const { api, stack, signal } = options;
  if (!stack.inboxDir) throw new Error('the product phase reads arrivals from the capture inbox: set BENCH_INBOX_DIR');
  const importTimed = await timeImport(api, addressPrefix(options.runId, 'import'), options.importContacts);
  say(`  product: imported ${importTimed.contacts} contacts in one request in ${importTimed.elapsed_s} s`);

  const prefix = addressPrefix(options.runId, 'product');
  const listUuid = await createList(api, `bench ${options.runId} product`);
  await importContacts(api, listUuid, prefix, 0, options.enrollments);
  const campaignId = await createCampaign(
    api,
    campaignBody({
      name: `bench ${options.runId} product`,
      senderPrefix: prefix,
      mailboxes: options.mailboxes,
      smtp: stack.smtp,
      dailyLimit: 10_000,
      waitSeconds: [0, 0],
      delaysMinutes: [0, 0, 0],
    }),
  );
  const inbox = new InboxFollower(stack.inboxDir, prefix);
  const { dispatchedAt, dispatched } = await enrollAndDispatch(api, campaignId, listUuid);
  const expected = dispatched * STEPS;
  say(
    `  product: dispatched ${dispatched} enrollment(s) in ${seconds(Date.now() - dispatchedAt)} s; waiting for ${expected} messages`,
  );

  let allStartedAt: number | null = null;
  let lastCount = 0;
  let lastArrivalSeen = Date.now();
  const rate = rateMeter();
  const stopProgress = every(
    5,
    () =>
      `  product: ${lastCount}/${expected} sent (${round(rate(lastCount), 1)}/s), ${allStartedAt === null ? 'starting workflows' : 'all started'}, ${seconds(Date.now() - dispatchedAt)} s`,
  );
  try {
    let nextStartCheck = 0;
    while (lastCount < expected) {
      const count = inbox.poll();
      if (count > lastCount) lastArrivalSeen = Date.now();
      lastCount = count;
      if (allStartedAt === null && Date.now() >= nextStartCheck) {
        nextStartCheck = Date.now() + 100;
        if ((await api.countEnrollments(campaignId, 'pending')) === 0) allStartedAt = Date.now();
      }
      if (Date.now() - lastArrivalSeen > STALL_MS) {
        say(`  product: no message for ${STALL_MS / 1000} s: stopping at ${lastCount}/${expected}`);
        break;
      }
      await sleep(100, signal);
    }
  } finally {
    stopProgress();
  }
  const arrivals = inbox.arrivals;
  const lastAt = arrivals.reduce((latest, arrival) => Math.max(latest, arrival.at), dispatchedAt);
  const elapsed = lastAt - dispatchedAt;
  return {
    enrollments: options.enrollments,
    mailboxes: options.mailboxes,
    import_1000: importTimed,
    dispatched,
    expected_sends: expected,
    sends: arrivals.length,
    complete: arrivals.length >= expected,
    duplicates: duplicates(arrivals),
    elapsed_s: seconds(elapsed),
    sends_per_s: round((arrivals.length * 1000) / Math.max(1, elapsed), 2),
    all_started_s: allStartedAt === null ? null : seconds(allStartedAt - dispatchedAt),
    starts_per_s:
      allStartedAt === null ? null : round((dispatched * 1000) / Math.max(1, allStartedAt - dispatchedAt), 1),
    lateness_s: lateness(arrivals, dispatchedAt),
  };
}

function duplicates(arrivals: Arrival[]): number {
  const perRecipient = new Map<string, number>();
  for (const arrival of arrivals) perRecipient.set(arrival.to, (perRecipient.get(arrival.to) ?? 0) + 1);
  return [...perRecipient.values()].reduce((sum, count) => sum + Math.max(0, count - STEPS), 0);
}

async function timeImport(api: ApiClient, prefix: string, count: number) {
  const listUuid = await createList(api, `bench import ${prefix}`);
  const started = performance.now();
  await api.call('POST', `/lists/${listUuid}/contacts`, { contacts: contacts(prefix, 0, count) });
  return { contacts: count, elapsed_s: seconds(performance.now() - started) };
}

/**
 * How late each step arrived: step 1 was due at dispatch, every later step when the one before it arrived (its delay
 * is zero). A recipient's messages arrive in step order, since each waits for the one before.
 */
function lateness(arrivals: Arrival[], dispatchedAt: number): ProductResult['lateness_s'] {
  const byRecipient = new Map<string, number[]>();
  for (const arrival of arrivals) byRecipient.set(arrival.to, [...(byRecipient.get(arrival.to) ?? []), arrival.at]);
  const byStep: number[][] = Array.from({ length: STEPS }, () => []);
  for (const times of byRecipient.values()) {
    times.sort((a, b) => a - b);
    times.forEach((at, index) =>
      byStep[Math.min(index, STEPS - 1)]!.push((at - (index === 0 ? dispatchedAt : times[index - 1]!)) / 1000),
    );
  }
  const all = byStep.flat();
  const q = (values: number[], p: number) => {
    const value = quantile(values, p);
    return value === null ? null : round(value, 2);
  };
  return {
    p50: q(all, 0.5),
    p99: q(all, 0.99),
    by_step: byStep.map((values, index) => ({ step: index + 1, p50: q(values, 0.5), p99: q(values, 0.99) })),
  };
}
