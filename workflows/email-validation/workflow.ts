import {
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import {
  checksRequestedSignal,
  type EmailValidationInput,
  type EmailValidationProgress,
  type EmailValidationResult,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

/** One batch of DNS lookups and Postgres writes: minutes at most; retried with backoff, then given up. */
const validation = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

/** Checks are due but another transaction holds them (an import committing): try again shortly. */
const BUSY_PAUSE = '5 seconds';
/** Wake a little after a postponed check falls due, so the database clock agrees it is due. */
const WAKE_MARGIN_MS = 1_000;

/**
 * An organization's email validation job: checks requested contacts batch by batch, sleeps until postponed checks
 * fall due (waking early when more are requested), and finishes when nothing is left to check.
 */
export async function emailValidationWorkflow(input: EmailValidationInput): Promise<EmailValidationResult> {
  const progress: EmailValidationProgress = input.progress ?? { processed: 0, batches: 0 };
  let requests = 0;
  setHandler(checksRequestedSignal, () => {
    requests += 1;
  });

  for (;;) {
    // A request that arrives while a batch runs may have marked contacts after its count: never finish past one.
    const seen = requests;
    const batch = await validation.validateEmailBatch({ organizationId: input.organizationId });
    progress.processed += batch.processed;
    progress.batches += 1;

    if (batch.pendingNow > 0) {
      if (batch.processed === 0) await sleep(BUSY_PAUSE);
    } else if (batch.nextRetryAt !== null) {
      setCurrentDetails(`${progress.processed} checked; next retry at ${new Date(batch.nextRetryAt).toISOString()}`);
      const wait = batch.nextRetryAt + WAKE_MARGIN_MS - Date.now();
      if (wait > 0) await condition(() => requests !== seen, wait);
    } else if (requests === seen) {
      setCurrentDetails(`${progress.processed} checked; nothing left`);
      return progress;
    }

    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof emailValidationWorkflow>({ ...input, progress });
    }
  }
}
