/**
 * How long a step waits when the failure is on our side of the conversation — nothing reached the recipient, so
 * waiting costs only time, and an enrollment never ends `failed` for it.
 */

const MINUTE_MS = 60_000;
/** The first retry after an unreachable server, doubled per failed attempt of the same step. */
const OUTAGE_FIRST_WAIT_MS = 30_000;
/** However long an outage lasts, the step looks again at least this often. */
export const OUTAGE_MAX_WAIT_MS = 60 * MINUTE_MS;
const MAILBOX_FIRST_WAIT_MS = 30_000;
/** A step held by a disabled or failing mailbox looks again at least this often, so a fix is picked up soon. */
export const MAILBOX_MAX_WAIT_MS = 15 * MINUTE_MS;

/**
 * A follow-up whose mailbox was detached from its campaign looks again this often: until the mailbox is attached
 * again or its conversations are reassigned (nothing records since when it waits, so the wait does not grow).
 */
export const DETACHED_WAIT_MS = 5 * MINUTE_MS;

/** After the `attempt`-th failed attempt to reach the mailbox's SMTP server: 30 s, 1 min, 2 min… up to 1 h. */
export function outageWaitMs(attempt: number): number {
  const doublings = Math.min(Math.max(attempt, 1) - 1, 20);
  return Math.min(OUTAGE_FIRST_WAIT_MS * 2 ** doublings, OUTAGE_MAX_WAIT_MS);
}

/**
 * While a mailbox is disabled or in error since `since`: half of how long it has been so (30 s to 15 minutes), so a
 * long-broken mailbox is not polled every minute and a fixed one is used again within 15 minutes.
 */
export function mailboxWaitMs(since: Date | null, now: Date): number {
  const brokenFor = since ? now.getTime() - since.getTime() : 0;
  return Math.min(Math.max(brokenFor / 2, MAILBOX_FIRST_WAIT_MS), MAILBOX_MAX_WAIT_MS);
}
