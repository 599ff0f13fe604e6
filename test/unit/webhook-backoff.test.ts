import fc from 'fast-check';
import {
  DEFAULT_WEBHOOK_RETRY_SCHEDULE,
  nextRetryAt,
  type WebhookRetrySchedule,
} from '../../src/domain/webhooks/webhook-backoff';

const SECOND = 1000;
const HOUR = 3_600_000;
const queuedAt = new Date('2026-03-01T12:00:00Z');
const after = (ms: number) => new Date(queuedAt.getTime() + ms);

/** Every retry of a delivery that never succeeds, from its first attempt at `queuedAt`, with these random draws. */
function retriesUntilFailed(schedule: WebhookRetrySchedule, draw: () => number): Date[] {
  const attempts = [queuedAt];
  for (;;) {
    const next = nextRetryAt(schedule, { attempts: attempts.length, queuedAt, now: attempts.at(-1)! }, draw());
    if (!next) return attempts;
    attempts.push(next);
  }
}

describe('webhook retry schedule', () => {
  it('when attempts keep failing, then the delays grow: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h (without jitter)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map(
      (attempts) =>
        nextRetryAt(DEFAULT_WEBHOOK_RETRY_SCHEDULE, { attempts, queuedAt, now: queuedAt }, 0.5)!.getTime() -
        queuedAt.getTime(),
    );
    expect(delays).toEqual([5, 30, 120, 600, 1800, 3600, 10_800, 10_800].map((seconds) => seconds * SECOND));
  });

  it('when jittered, then each delay stays within two thirds and four thirds of its base: every 2 to 4 h at the end', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, random) => {
          const next = nextRetryAt(DEFAULT_WEBHOOK_RETRY_SCHEDULE, { attempts, queuedAt, now: queuedAt }, random)!;
          const base = DEFAULT_WEBHOOK_RETRY_SCHEDULE.delaysMs[Math.min(attempts, 7) - 1]!;
          const delay = next.getTime() - queuedAt.getTime();
          expect(delay).toBeGreaterThanOrEqual(Math.floor((base * 2) / 3));
          expect(delay).toBeLessThanOrEqual(Math.ceil((base * 4) / 3));
          if (attempts >= 7) {
            expect(delay).toBeGreaterThanOrEqual(2 * HOUR);
            expect(delay).toBeLessThanOrEqual(4 * HOUR);
          }
        },
      ),
    );
  });

  it('when a receiver never recovers, then its delivery is retried for more than 24 h and fails 26 h after queueing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1 }),
        (draws) => {
          let index = 0;
          const attempts = retriesUntilFailed(DEFAULT_WEBHOOK_RETRY_SCHEDULE, () => draws[index++ % draws.length]!);
          expect(attempts.at(-1)).toEqual(after(26 * HOUR));
          expect(attempts.length).toBeGreaterThan(10);
          expect(attempts.length).toBeLessThan(25);
        },
      ),
    );
  });

  it('when the window is over, then the delivery fails; when the next delay would pass it, then the retry is at its end', () => {
    const schedule = DEFAULT_WEBHOOK_RETRY_SCHEDULE;
    expect(nextRetryAt(schedule, { attempts: 3, queuedAt, now: after(26 * HOUR) }, 0.5)).toBeNull();
    expect(nextRetryAt(schedule, { attempts: 9, queuedAt, now: after(26 * HOUR - SECOND) }, 0.5)).toEqual(
      after(26 * HOUR),
    );
  });

  it('when a delivery first goes out long after it was queued (behind a failing one), then its window is what is left', () => {
    const first = nextRetryAt(DEFAULT_WEBHOOK_RETRY_SCHEDULE, { attempts: 1, queuedAt, now: after(25 * HOUR) }, 0.5);
    expect(first).toEqual(after(25 * HOUR + 5 * SECOND));
  });

  it('when a schedule is short (as in tests), then it is followed the same way', () => {
    const schedule = { delaysMs: [100, 200], windowMs: 1_000 };
    expect(retriesUntilFailed(schedule, () => 0.5).map((at) => at.getTime() - queuedAt.getTime())).toEqual([
      0, 100, 300, 500, 700, 900, 1_000,
    ]);
  });
});
