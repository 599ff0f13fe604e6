import { mapConcurrently } from '../src/concurrency';
import type { ApiClient } from './api-client';
import { addressPrefix, campaignBody, createCampaign, createList, importContacts } from './fixtures';
import { InboxFollower } from './inbox';
import { every, round, say, seconds, sleep } from './progress';
import type { Stack } from './stack';

export interface RealisticResult {
  mailboxes: number;
  enrollments: number;
  campaigns: number;
  window_s: number;
  gap_s: [number, number];
  daily_limit: number;
  sends_in_window: number;
  /** Expected sends in the window if every mailbox sent the moment its gap allowed (see scheduleMaximum). */
  schedule_max: number;
  /** The simpler estimate: mailboxes × window ÷ mean gap, capped by the daily limits. */
  simple_estimate: number;
  ratio: number;
}

/** A campaign takes at most 50 mailboxes: the profile's mailboxes are spread over as many campaigns as needed. */
const MAILBOXES_PER_CAMPAIGN = 50;
const GAP_S: [number, number] = [60, 120];
const DAILY_LIMIT = 50;
/** Follow-ups two days later: only first steps fall in the window, as in a campaign's first hours. */
const FOLLOW_UP_MINUTES = 2 * 24 * 60;

/**
 * A realistic profile: many mailboxes with a 60–120 s random gap between their sends and a daily limit of 50, more
 * enrollments than they can send in the window. Counts what arrives at the sink during the window from the first
 * dispatch, against the most the schedule allows.
 */
export async function measureRealistic(options: {
  stack: Stack;
  api: ApiClient;
  runId: string;
  mailboxes: number;
  enrollments: number;
  windowSeconds: number;
  signal: AbortSignal;
}): Promise<RealisticResult> {
  const { stack, api, signal, mailboxes, enrollments } = options;
  if (!stack.inboxDir)
    throw new Error('the realistic phase reads arrivals from the capture inbox: set BENCH_INBOX_DIR');
  const prefix = addressPrefix(options.runId, 'realistic');
  const campaignCount = Math.ceil(mailboxes / MAILBOXES_PER_CAMPAIGN);
  say(`  realistic: ${mailboxes} mailboxes in ${campaignCount} campaign(s), ${enrollments} enrollments: setting up`);
  const campaigns = await mapConcurrently(
    Array.from({ length: campaignCount }, (_, index) => index),
    2,
    async (index) => {
      const firstMailbox = index * MAILBOXES_PER_CAMPAIGN;
      const ownMailboxes = Math.min(MAILBOXES_PER_CAMPAIGN, mailboxes - firstMailbox);
      // Enrollments in proportion to the campaign's mailboxes.
      const from = Math.round((enrollments * firstMailbox) / mailboxes);
      const to = Math.round((enrollments * (firstMailbox + ownMailboxes)) / mailboxes);
      const listUuid = await createList(api, `bench ${options.runId} realistic ${index}`);
      await importContacts(api, listUuid, prefix, from, to - from);
      const campaignId = await createCampaign(
        api,
        campaignBody({
          name: `bench ${options.runId} realistic ${index}`,
          senderPrefix: prefix,
          firstMailbox,
          mailboxes: ownMailboxes,
          smtp: stack.smtp,
          dailyLimit: DAILY_LIMIT,
          waitSeconds: GAP_S,
          delaysMinutes: [0, FOLLOW_UP_MINUTES, FOLLOW_UP_MINUTES],
        }),
      );
      await api.call('POST', `/campaigns/${campaignId}/enroll`, { list_uuid: listUuid });
      return campaignId;
    },
  );

  const inbox = new InboxFollower(stack.inboxDir, prefix);
  const windowMs = options.windowSeconds * 1000;
  const t0 = Date.now();
  // All campaigns dispatched at once, as an agency starting its morning would; the window opens with the first.
  await mapConcurrently(campaigns, campaigns.length, (campaignId) =>
    api.call('POST', `/campaigns/${campaignId}/dispatch`, {}),
  );
  say(
    `  realistic: dispatched ${campaigns.length} campaign(s) in ${seconds(Date.now() - t0)} s; window ${options.windowSeconds} s`,
  );
  const inWindow = () => inbox.arrivals.filter((arrival) => arrival.at <= t0 + windowMs).length;
  const stopProgress = every(5, () => {
    const elapsed = Math.min(Date.now() - t0, windowMs) / 1000;
    return `  realistic: ${inWindow()} sent in ${Math.round(elapsed)}/${options.windowSeconds} s (schedule max by now ≈ ${Math.round(mailboxes * scheduleMaximum(elapsed))})`;
  });
  try {
    while (Date.now() < t0 + windowMs + 2_000) {
      inbox.poll();
      await sleep(500, signal);
    }
    inbox.poll();
  } finally {
    stopProgress();
  }
  const sends = inWindow();
  const max = Math.min(enrollments, mailboxes * scheduleMaximum(options.windowSeconds));
  const simple = Math.min(mailboxes * DAILY_LIMIT, (mailboxes * options.windowSeconds) / ((GAP_S[0] + GAP_S[1]) / 2));
  return {
    mailboxes,
    enrollments,
    campaigns: campaignCount,
    window_s: options.windowSeconds,
    gap_s: GAP_S,
    daily_limit: DAILY_LIMIT,
    sends_in_window: sends,
    schedule_max: round(max, 1),
    simple_estimate: round(simple, 1),
    ratio: round(sends / max, 3),
  };
}

/**
 * The expected number of sends of one mailbox in the first `windowSeconds`, if it sends at once and then again the
 * moment each random gap (uniform in GAP_S) has passed, capped by its daily limit. Averaged over many simulated
 * mailboxes with a fixed seed: the window is short against the gap, so "window ÷ mean gap" is off by about one send.
 */
export function scheduleMaximum(windowSeconds: number): number {
  const random = seededRandom(42);
  const trials = 20_000;
  let total = 0;
  for (let trial = 0; trial < trials; trial++) {
    let at = 0;
    let sends = 0;
    while (at <= windowSeconds && sends < DAILY_LIMIT) {
      sends++;
      at += GAP_S[0] + random() * (GAP_S[1] - GAP_S[0]);
    }
    total += sends;
  }
  return total / trials;
}

/** mulberry32: a small seeded generator, so the maximum is the same number in every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
