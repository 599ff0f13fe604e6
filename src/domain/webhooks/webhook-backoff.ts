const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** How a delivery that failed is tried again: growing delays for as long as its window lasts, then it fails. */
export interface WebhookRetrySchedule {
  /** The delay after the 1st, 2nd… failed attempt; the last one repeats. */
  delaysMs: readonly number[];
  /** How long after the event was queued its delivery is still tried. */
  windowMs: number;
}

/**
 * A receiver that is down for a day still gets every event: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 to 4
 * hours, until 26 h after the event was queued. The window counts from the queueing, not from the first attempt: a
 * delivery waiting behind a failing one in its endpoint's queue has been waiting on the same outage, and an endpoint
 * down for days then drains its backlog in step with it instead of spending a day on each event.
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE: WebhookRetrySchedule = {
  delaysMs: [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR],
  windowMs: 26 * HOUR,
};

/** Each delay is scaled by a random factor in [2/3, 4/3), so endpoints that failed together do not retry together. */
const JITTER_LOW = 2 / 3;
const JITTER_SPAN = 2 / 3;

/** A delivery's failed attempt: how many it has had (this one included), when it was queued, when this one failed. */
export interface FailedAttempt {
  attempts: number;
  queuedAt: Date;
  now: Date;
}

/**
 * When to try the delivery again, or null when its window is over (it fails). The last retry falls at the window's
 * end, so the receiver gets one more chance then. `random` is in [0, 1).
 */
export function nextRetryAt(schedule: WebhookRetrySchedule, failure: FailedAttempt, random: number): Date | null {
  const now = failure.now.getTime();
  const deadline = failure.queuedAt.getTime() + schedule.windowMs;
  if (now >= deadline) return null;
  const index = Math.min(Math.max(failure.attempts, 1), schedule.delaysMs.length) - 1;
  const delay = (schedule.delaysMs[index] ?? 0) * (JITTER_LOW + JITTER_SPAN * random);
  return new Date(Math.min(now + Math.round(delay), deadline));
}
