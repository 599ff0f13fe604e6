import { proxyActivities } from '@temporalio/workflow';
import type { CeilingActivities } from './temporal-ceiling.activities';

const { sendOne } = proxyActivities<CeilingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/** A three-step sequence with zero delays and nothing else: the raw Temporal ceiling's workflow. */
export async function ceilingSequence(index: number): Promise<void> {
  for (let step = 1; step <= 3; step++) await sendOne(index, step);
}
