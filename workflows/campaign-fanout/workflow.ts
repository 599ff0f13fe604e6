import {
  continueAsNew,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import {
  campaignJobTaskQueue,
  fanoutRequestedSignal,
  type CampaignFanoutInput,
  type CampaignFanoutPass,
  type CampaignFanoutProgress,
  type CampaignFanoutStep,
  type CampaignFanoutResult,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

/**
 * One page of signals or starts: seconds, a minute at worst on a loaded server. It heartbeats, so a worker that died
 * mid-page is noticed within 30 s and the page is done again (idempotent); retried with backoff, then given up
 * (the next worker start wakes the job again: the database still says what is left).
 */
const FANOUT_STEP_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30 },
};

/**
 * The step runs on the campaign-jobs task queue, so it never queues behind sends; runs begun before that change
 * keep the enrollments' queue. The enrollments' queue goes along, as the one to start and signal them on.
 */
function fanoutStep(campaignId: string, pass: CampaignFanoutPass | null): Promise<CampaignFanoutStep> {
  const { taskQueue } = workflowInfo();
  if (!patched('campaign-jobs-queue')) {
    return proxyActivities<Activities>(FANOUT_STEP_OPTIONS).campaignFanoutStep({ campaignId, pass });
  }
  return proxyActivities<Activities>({
    ...FANOUT_STEP_OPTIONS,
    taskQueue: campaignJobTaskQueue(taskQueue),
  }).campaignFanoutStep({ campaignId, pass, taskQueue });
}

/** Pages per run before continuing as new, so a pass over a huge campaign keeps a short history. */
const PAGES_PER_RUN = 500;

/**
 * A campaign's background job: carries a pause, resume or delete to its running enrollments a page at a time, and
 * starts its queued enrollments while it is active; ends when nothing is left and no wake-up came meanwhile.
 */
export async function campaignFanoutWorkflow(input: CampaignFanoutInput): Promise<CampaignFanoutResult> {
  const progress: CampaignFanoutProgress = input.progress ?? { pass: null, signalled: 0, started: 0 };
  let wakeUps = 0;
  setHandler(fanoutRequestedSignal, () => {
    wakeUps += 1;
  });

  for (let pages = 0; ; pages += 1) {
    // A wake-up that arrives while a step runs may ask for work the step did not see: never end past one.
    const seen = wakeUps;
    const step = await fanoutStep(input.campaignId, progress.pass);
    switch (step.kind) {
      case 'deleted':
        return { outcome: 'deleted', signalled: progress.signalled, started: progress.started };
      case 'signalled':
        progress.signalled += step.count;
        progress.pass = step.pass;
        break;
      case 'started':
        progress.started += step.count;
        break;
      case 'idle':
        progress.pass = null;
        if (wakeUps === seen) return { outcome: 'idle', signalled: progress.signalled, started: progress.started };
        break;
    }
    setCurrentDetails(`${progress.signalled} enrollment(s) told, ${progress.started} started`);
    if (pages + 1 >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof campaignFanoutWorkflow>({ ...input, progress });
    }
  }
}
