import { Context } from '@temporalio/activity';
import type { Database } from '../src/db/repositories';
import { CampaignFanoutService } from '../src/domain/campaigns/campaign-fanout.service';
import { TemporalCampaignFanout } from '../src/temporal/campaign-fanout-workflows';
import { TemporalEnrollmentWorkflows } from '../src/temporal/enrollment-workflows';
import { TemporalMailboxMonitors } from '../src/temporal/mailbox-monitor-workflows';
import type { CampaignFanoutPass, CampaignFanoutStep } from '../src/domain/campaigns/campaign-fanout.service';

export type { CampaignFanoutPass, CampaignFanoutStep } from '../src/domain/campaigns/campaign-fanout.service';

/** A step signals or starts hundreds of workflows: it tells Temporal it is alive meanwhile. */
const HEARTBEAT_MS = 5_000;

/** Activities of the campaign fan-out job: campaign-wide signals and queued starts, a page at a time. */
export function createCampaignActivities(db: Database) {
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
      const fanout = new CampaignFanoutService(
        db,
        new TemporalEnrollmentWorkflows(client, taskQueue),
        new TemporalMailboxMonitors(client, taskQueue),
        new TemporalCampaignFanout(client, taskQueue),
      );
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
      try {
        return await fanout.step(args.campaignId, args.pass);
      } finally {
        clearInterval(heartbeat);
      }
    },
  };
}
