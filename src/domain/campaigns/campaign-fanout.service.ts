import type { CampaignEntity, CampaignStatus } from '../../db/entities/campaign.entity';
import type { Database } from '../../db/repositories';
import { mapConcurrently } from '../../concurrency';
import { nextStepAfter } from '../delivery/step-outcome';
import type { CampaignWideSignal, EnrollmentWorkflowsPort } from '../enrollments/enrollment-workflows.port';
import type { MailboxMonitorsPort } from '../inbound/mailbox-monitors.port';
import type { CampaignFanoutPort } from './campaign-fanout.port';

/** Running enrollments told per step of the job. */
const SIGNAL_PAGE = 500;
/** Queued enrollments started per step of the job. */
export const START_PAGE = 500;
/**
 * Starts made inside the request before the job takes the rest: a small dispatch or schedule is running when the
 * API answers, and a large one answers without waiting for thousands of starts (tens to hundreds a second).
 */
export const INLINE_STARTS = 50;
/** Workflow starts or signals kept in flight at once. */
const CONCURRENCY = 32;
/** Enrollments of a deleted campaign removed per statement, so no statement holds its locks for long. */
const DELETE_CHUNK = 5_000;

/** Where a pass over the running enrollments stands: the request it carries out and the last enrollment told. */
export interface CampaignFanoutPass {
  /** The campaign's `fanout_generation` when the pass began: a newer one starts the pass over. */
  generation: number;
  /** Enrollment id cursor: the pass goes on after it (null: from the beginning). */
  cursor: string | null;
}

/** What one step of the job (one activity run) did. */
export type CampaignFanoutStep =
  /** Told one page of running enrollments; `pass` is null once the pass is complete. */
  | { kind: 'signalled'; count: number; pass: CampaignFanoutPass | null }
  /** Started one page of queued enrollments. */
  | { kind: 'started'; count: number }
  /** Nothing to do now: no pass pending, and no start queued in an active campaign. */
  | { kind: 'idle' }
  /** The campaign is gone: deleted by this job's last pass, or by someone else. */
  | { kind: 'deleted' };

/**
 * Campaign-wide work on enrollment workflows, done by one background job per campaign (workflows/campaign-fanout):
 * telling the running enrollments about a pause, resume, stop, delete or sequence edit, and starting queued
 * enrollments. The database
 * says what is left to do, so every step is idempotent and the job can be woken, restarted or retried at any time.
 */
export class CampaignFanoutService {
  constructor(
    private readonly db: Database,
    private readonly workflows: EnrollmentWorkflowsPort,
    private readonly monitors: MailboxMonitorsPort,
    private readonly jobs: CampaignFanoutPort,
  ) {}

  /** Wakes the campaign's job to carry out what the database now asks for (a pass, queued starts). */
  wake(campaignId: string): Promise<void> {
    return this.jobs.wake(campaignId);
  }

  /** Starts the first queued enrollments of the campaign now and hands the rest, if any, to its job. */
  async startSoon(campaignId: string): Promise<void> {
    const campaign = await this.db.repos.campaigns.findByIdUnscoped(campaignId);
    const started = campaign ? await this.startQueued(campaign, INLINE_STARTS) : 0;
    if (started === INLINE_STARTS) await this.jobs.wake(campaignId);
  }

  /**
   * One step of the campaign's job: one page of the pass over its running enrollments when a pause, resume or delete
   * is not carried out yet, else one page of queued starts while the campaign is active. The pass tells each
   * enrollment what the campaign's status is NOW, and starts over from the first enrollment when a newer request
   * arrived: so a pause followed at once by a resume ends with every enrollment told "resumed" last.
   */
  async step(campaignId: string, pass: CampaignFanoutPass | null): Promise<CampaignFanoutStep> {
    const campaign = await this.db.repos.campaigns.findByIdUnscoped(campaignId);
    if (!campaign) return { kind: 'deleted' };
    if (campaign.fanoutStartedAt && !campaign.fanoutFinishedAt) return this.passPage(campaign, pass);
    const started = await this.startQueued(campaign, START_PAGE);
    return started > 0 ? { kind: 'started', count: started } : { kind: 'idle' };
  }

  /**
   * Wakes the job of every campaign with work left by a process that died between its commit and the wake-up:
   * queued starts (evergreen enrollments not yet queued included) and unfinished passes. Returns how many
   * enrollments wait in the start queues of active campaigns. Run when a worker starts.
   */
  async wakeInterrupted(): Promise<number> {
    await this.db.repos.enrollments.requestStrandedEvergreenStarts();
    const queued = await this.db.repos.enrollments.queuedStartsByCampaign();
    const unfinished = await this.db.repos.campaigns.withUnfinishedFanout();
    for (const campaignId of new Set([...queued.keys(), ...unfinished])) await this.jobs.wake(campaignId);
    return [...queued.values()].reduce((sum, count) => sum + count, 0);
  }

  private async passPage(campaign: CampaignEntity, pass: CampaignFanoutPass | null): Promise<CampaignFanoutStep> {
    const generation = campaign.fanoutGeneration;
    const cursor = pass?.generation === generation ? pass.cursor : null;
    const page = await this.db.repos.enrollments.runningPage(campaign.id, cursor, SIGNAL_PAGE);
    const signals = signalsFor(campaign);
    await mapConcurrently(page, CONCURRENCY, async (enrollment) => {
      for (const signal of signals) await this.workflows.signal(enrollment.workflowId, signal);
    });
    await this.db.repos.campaigns.addFanoutProgress(campaign.id, generation, page.length);
    if (page.length === SIGNAL_PAGE) {
      return { kind: 'signalled', count: page.length, pass: { generation, cursor: page.at(-1)!.id } };
    }
    if (campaign.fanoutAction === 'delete') {
      await this.deleteStopped(campaign.id);
      return { kind: 'deleted' };
    }
    // A request that arrived during the page left a newer generation: this stamp misses, the next step starts over.
    await this.db.repos.campaigns.finishFanout(campaign.id, generation);
    return { kind: 'signalled', count: page.length, pass: null };
  }

  /** Starts up to `limit` queued enrollments of the campaign if it is active; returns how many. */
  private async startQueued(campaign: CampaignEntity, limit: number): Promise<number> {
    // A paused campaign starts nothing: its queued enrollments start when it resumes (resume wakes the job).
    if (campaign.status !== 'active') return 0;
    const queued = await this.db.repos.enrollments.startQueue(campaign.id, limit);
    if (queued.length === 0) return 0;
    // Replies are watched for before the first send.
    await this.monitors.watch(await this.db.repos.mailboxes.withImap([campaign.id]));
    // Each workflow is told its first step, and the rows get its due time: the workflows read and record neither.
    const firstStep = nextStepAfter(await this.db.repos.campaigns.steps(campaign.id), 0);
    const startedAt = Date.now();
    // Starts are idempotent (the workflow id is the enrollment's): a retried page starts nothing twice.
    await mapConcurrently(queued, CONCURRENCY, (enrollment) =>
      this.workflows.start({
        enrollmentId: enrollment.id,
        campaignId: enrollment.campaignId,
        contactId: enrollment.contactId,
        workflowId: enrollment.workflowId,
        firstStep,
        startedAt,
      }),
    );
    await this.db.repos.enrollments.markStarted(
      queued.map((enrollment) => enrollment.id),
      firstStep.step ? new Date(startedAt + firstStep.step.delayMs) : null,
    );
    return queued.length;
  }

  /** Deletes the stopped campaign: its enrollments a chunk at a time, then the rest with the campaign (cascade). */
  private async deleteStopped(campaignId: string): Promise<void> {
    while ((await this.db.repos.enrollments.deleteSomeOfCampaign(campaignId, DELETE_CHUNK)) > 0);
    await this.db.repos.campaigns.delete(campaignId);
  }
}

/** What a pass tells the running enrollments: the campaign's status, then a sequence edit not told yet. */
function signalsFor(campaign: CampaignEntity): CampaignWideSignal[] {
  const status = signalFor(campaign.status);
  // A stopped campaign's enrollments have no next step to read.
  const sequence = campaign.fanoutSequence && status !== 'stop' ? (['sequenceChanged'] as const) : [];
  return [...(status ? [status] : []), ...sequence];
}

/** What the running enrollments of a campaign in this status are told; null: nothing. */
function signalFor(status: CampaignStatus): CampaignWideSignal | null {
  switch (status) {
    case 'paused':
      return 'campaignPaused';
    case 'active':
      return 'campaignResumed';
    case 'stopped':
    case 'archived':
      return 'stop';
    case 'pending':
    case 'completed':
      return null;
  }
}
