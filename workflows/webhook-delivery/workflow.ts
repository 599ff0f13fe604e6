import {
  ActivityFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import {
  deliveriesQueuedSignal,
  webhookJobTaskQueue,
  type WebhookDeliveryInput,
  type WebhookDeliveryResult,
  type WebhookDeliveryStep,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

/**
 * A step posts for about a minute at most (it starts no POST after that, and each has 10 s). It heartbeats, so a
 * worker that died mid-step is noticed within 30 s and the step runs again elsewhere: what it did not record is
 * posted again, with the same webhook-id. Retried with backoff; past that, the job pauses and tries again.
 */
const STEP_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '3 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
};
/** After a step failed every retry (Postgres unreachable…): the job waits this long, or for a wake-up, and goes on. */
const PAUSE_AFTER_FAILURE = '5 minutes';
/** With nothing to deliver, the job waits this long for a wake-up, looks once more, and ends. */
const IDLE_WAIT = '1 minute';
/** Steps per run before continuing as new, so a long-lived busy endpoint keeps a short history. */
const STEPS_PER_RUN = 500;

/**
 * A webhook endpoint's delivery job: posts its queued deliveries in event order, a step at a time, sleeping until
 * the first one is due again when it failed; ends once nothing is left and no wake-up came for a while, or when the
 * endpoint is deleted or disabled. Woken (or started again) by `deliveriesQueued`.
 */
export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryResult> {
  const totals = input.totals ?? { delivered: 0, failed: 0 };
  const { webhookDeliveryStep } = proxyActivities<Activities>({
    ...STEP_OPTIONS,
    taskQueue: webhookJobTaskQueue(workflowInfo().taskQueue),
  });
  let wakeUps = 0;
  setHandler(deliveriesQueuedSignal, () => {
    wakeUps += 1;
  });
  /** Waits until a wake-up newer than `seen`, or for `timeout`; true when woken. */
  const wokenWithin = (seen: number, timeout: string | number) => condition(() => wakeUps !== seen, timeout);

  let lastLook = false;
  for (let steps = 0; ; steps += 1) {
    if (steps >= STEPS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof webhookDeliveryWorkflow>({ ...input, totals });
    }
    // A wake-up that arrives while a step runs may be for a delivery the step did not see: never sleep past one.
    const seen = wakeUps;
    const step = await stepOrNull(() => webhookDeliveryStep({ webhookId: input.webhookId }));
    if (!step) {
      await wokenWithin(seen, PAUSE_AFTER_FAILURE);
      continue;
    }
    totals.delivered += step.delivered;
    totals.failed += step.failed;
    setCurrentDetails(`${totals.delivered} delivered, ${totals.failed} failed`);
    const { next } = step;
    switch (next.kind) {
      case 'stopped':
        return { outcome: next.reason, ...totals };
      case 'due':
        lastLook = false;
        break;
      case 'waiting': {
        lastLook = false;
        const wait = next.at - Date.now();
        if (wait > 0) await wokenWithin(seen, wait);
        break;
      }
      case 'empty':
        if (wakeUps !== seen) lastLook = false;
        else if (lastLook) return { outcome: 'idle', ...totals };
        else lastLook = !(await wokenWithin(seen, IDLE_WAIT));
        break;
    }
  }
}

/** The step's result, or null when it failed after all its retries (the job pauses instead of failing). */
async function stepOrNull(run: () => Promise<WebhookDeliveryStep>): Promise<WebhookDeliveryStep | null> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ActivityFailure) return null;
    throw error;
  }
}
