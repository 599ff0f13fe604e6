/**
 * The step after a position and the sequence's length, as the enrollment workflow's `nextStep` reads them. A send
 * that settles reads them too (from the steps it loaded), and returns them in its outcome as `next`: the workflow
 * then needs no read of its own before it schedules that step.
 */
export interface NextStep {
  totalSteps: number;
  step: { position: number; delayMs: number } | null;
}

/** What became of one step; the workflow decides what comes next. */
export type StepOutcome =
  /** `next` is absent when an earlier attempt had settled the step (and in histories from before it existed). */
  | { kind: 'sent'; sentAt: number; messageId: string; next?: NextStep }
  /**
   * The send may or may not have reached the recipient (the connection broke after the message data, or a crash
   * mid-send): flagged for an operator and never re-sent automatically; the sequence goes on.
   */
  | { kind: 'unknown'; reason: string; next?: NextStep }
  /**
   * Nothing was sent: the campaign is paused (`by: 'campaign'`, the default of older histories) or the enrollment
   * itself is (`by: 'enrollment'`); the step waits for the resume.
   */
  | { kind: 'held'; reason: string; by?: 'campaign' | 'enrollment' }
  /**
   * Nothing was sent: try again at `until` (epoch ms). The sending window is closed, the mailboxes are full or
   * resting, the mailbox is disabled or in error, or its server cannot be reached; `reason` says which.
   */
  | { kind: 'deferred'; until: number; reason: string }
  /**
   * Nothing was sent: the step was removed from the sequence while the enrollment waited for it. The sequence goes
   * on with `next`, the first step after it, due its delay after the last send.
   */
  | { kind: 'removed'; reason: string; next: NextStep }
  /** The sequence must end without sending, with this status. */
  | { kind: 'stopped'; status: StoppedStatus; reason: string };

export type StoppedStatus = 'bounced' | 'unsubscribed' | 'stopped' | 'replied' | 'failed' | 'skipped';

export const stopped = (status: StoppedStatus, reason: string): StepOutcome => ({ kind: 'stopped', status, reason });

/** Nothing was sent; the step tries again at `until` (epoch ms), and its reason says when. */
export const deferred = (until: number, reason: string): StepOutcome => ({
  kind: 'deferred',
  until,
  reason: `${reason}; waits until ${new Date(until).toISOString()}`,
});

export function unknownOutcome(
  position: number,
  { why = 'the send was interrupted', next }: { why?: string; next?: NextStep } = {},
): StepOutcome {
  const reason = `step ${position}: ${why}; its outcome is unknown (flagged for review)`;
  return next ? { kind: 'unknown', reason, next } : { kind: 'unknown', reason };
}

/** The step after `position` in a sequence (its steps in position order), with the delay slept before it. */
export function nextStepAfter(steps: { position: number; delayMinutes: number }[], position: number): NextStep {
  const next = steps.find((step) => step.position > position);
  return {
    totalSteps: steps.length,
    step: next ? { position: next.position, delayMs: Math.round(next.delayMinutes * 60_000) } : null,
  };
}
