import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type {
  CampaignFanoutPass,
  CampaignFanoutService,
  CampaignFanoutStep,
} from '../src/domain/campaigns/campaign-fanout.service';

export type { CampaignFanoutPass, CampaignFanoutStep } from '../src/domain/campaigns/campaign-fanout.service';

/**
 * The campaign fan-out service on a Temporal client and the enrollments' task queue, built by the composition root
 * (src/system.ts): the activity asks for it on each run with the worker's own client and the queue it was given.
 */
export type CampaignFanoutOn = (client: Client, taskQueue: string) => Pick<CampaignFanoutService, 'step'>;

/** A step signals or starts hundreds of workflows: it tells Temporal it is alive meanwhile. */
const HEARTBEAT_MS = 5_000;

/** Activities of the campaign fan-out job: campaign-wide signals and queued starts, a page at a time. */
export function createCampaignActivities(deps: { campaignFanoutOn: CampaignFanoutOn }) {
  return {
    /** One step of the campaign's job (see CampaignFanoutService.step): one page of signals or of starts. */
    async campaignFanoutStep(args: {
      campaignId: string;
      pass: CampaignFanoutPass | null;
      /** The enrollments' task queue; absent from jobs begun when this step ran on that queue itself. */
      taskQueue?: string;
    }): Promise<CampaignFanoutStep> {
      const context = Context.current();
      // The worker's own client, on the enrollments' task queue (the job's own too).
      const { client } = context;
      const taskQueue = args.taskQueue ?? context.info.taskQueue;
      const fanout = deps.campaignFanoutOn(client, taskQueue);
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
      try {
        return await fanout.step(args.campaignId, args.pass);
      } finally {
        clearInterval(heartbeat);
      }
    },
  };
}
