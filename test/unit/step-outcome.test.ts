import { nextStepAfter, unknownOutcome } from '../../src/domain/delivery/step-outcome';

describe('nextStepAfter: the step a send returns to its workflow', () => {
  const steps = [
    { position: 1, delayMinutes: 0 },
    { position: 2, delayMinutes: 1.5 },
    { position: 4, delayMinutes: 60 * 24 },
  ];

  it('when a step follows, then it comes with its delay in milliseconds and the sequence length', () => {
    expect(nextStepAfter(steps, 1)).toEqual({ totalSteps: 3, step: { position: 2, delayMs: 90_000 } });
  });

  it('when a step was removed, then the next existing one follows', () => {
    expect(nextStepAfter(steps, 2)).toEqual({ totalSteps: 3, step: { position: 4, delayMs: 86_400_000 } });
  });

  it('when the last step was sent, then nothing follows', () => {
    expect(nextStepAfter(steps, 4)).toEqual({ totalSteps: 3, step: null });
  });

  it('when nothing was sent yet, then step 1 comes first', () => {
    expect(nextStepAfter(steps, 0).step).toEqual({ position: 1, delayMs: 0 });
  });
});

describe('unknownOutcome', () => {
  it('when the send knows the next step, then the outcome carries it; else it has none', () => {
    const next = { totalSteps: 2, step: { position: 2, delayMs: 0 } };
    expect(unknownOutcome(1, { why: 'the connection broke', next })).toEqual({
      kind: 'unknown',
      reason: 'step 1: the connection broke; its outcome is unknown (flagged for review)',
      next,
    });
    expect(unknownOutcome(1)).not.toHaveProperty('next');
  });
});
