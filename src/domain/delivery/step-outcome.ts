/** What became of one step; the workflow decides what comes next. */
export type StepOutcome =
  | { kind: 'sent'; sentAt: number; messageId: string }
  /**
   * The send may or may not have reached the recipient (the connection broke after the message data, or a crash
   * mid-send): flagged for an operator and never re-sent automatically; the sequence goes on.
   */
  | { kind: 'unknown'; reason: string }
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

export function unknownOutcome(position: number, why = 'the send was interrupted'): StepOutcome {
  return { kind: 'unknown', reason: `step ${position}: ${why}; its outcome is unknown (flagged for review)` };
}
