import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { mapConcurrently } from '../../src/concurrency';
import { campaignFanoutWorkflowId } from '../../workflows/campaign-fanout/definitions';
import { searchAttributes } from '../../workflows/search-attributes';
import { stateQuery, type EnrollmentState } from '../../workflows/enrollment/definitions';
import { CAMPAIGNS, LISTS } from '../helpers/api-paths';
import { campaignBody } from '../helpers/factories';
import { stackWithOrganization, eventually, type ApiClient, type TestStack } from '../helpers/test-stack';

/** A few hundred: more than one page of the fan-out (500 would be one), fewer than a slow suite. */
const ENROLLMENTS = 300;
/** Step 1 is due in a day: every workflow sleeps through the test, and no mail is sent. */
const DAY_IN_SECONDS = 86_400;
/** Hundreds of workflow starts and signals on a shared 2-core machine: waits and tests get minutes. */
const SLOW = { timeoutMs: 5 * 60_000, intervalMs: 1_000 };
const TEST_TIMEOUT = 10 * 60_000;
const HISTORY_FIXTURE = path.join(__dirname, '..', 'workflows', 'histories', 'campaign-fanout-pause-resume.json');

describe('campaign pause, resume and delete reach every enrollment in the background', () => {
  let stack: TestStack;
  let api: ApiClient;
  /** The campaign paused and resumed by the first test: its job's last run is replayed by the next one. */
  let pausedAndResumed: string | undefined;

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  const sql = <T>(query: string, params: unknown[]): Promise<T[]> => stack.db.dataSource.query(query, params);

  /** A dispatched campaign whose `ENROLLMENTS` workflows all sleep toward step 1 (their schedule recorded). */
  async function sleepingCampaign(): Promise<string> {
    const list = await api.post(LISTS, { list: { name: 'Sleepers' } }).expect(201);
    const tag = crypto.randomBytes(4).toString('hex');
    const contacts = Array.from({ length: ENROLLMENTS }, (_, index) => ({
      email: `sleeper-${tag}-${index}@example.test`,
      first_name: `Sleeper${index}`,
    }));
    await api.post(`${LISTS}/${list.body.data.uuid}/contacts`, { contacts }).expect(200);
    const body = campaignBody(stack.info, {
      steps: [{ subject: 'Hello {{first_name}}', delaySeconds: DAY_IN_SECONDS }],
    });
    const created = await api
      .post(CAMPAIGNS, { campaign: { ...body.campaign, list_uuids: [list.body.data.uuid] } })
      .expect(201);
    const campaignId = created.body.data.id as string;
    await api.post(`${CAMPAIGNS}/${campaignId}/enroll`, { list_uuid: list.body.data.uuid }).expect(201);
    await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(202);
    await eventually(
      async () => {
        const [row] = await sql<{ count: number }>(
          `SELECT count(*)::int AS count FROM enrollments
            WHERE campaign_id = $1 AND status = 'active' AND next_send_at IS NOT NULL`,
          [campaignId],
        );
        return row!.count === ENROLLMENTS;
      },
      { what: `${ENROLLMENTS} workflows sleeping toward step 1`, ...SLOW },
    );
    return campaignId;
  }

  /** The live state of every enrollment workflow of the campaign. */
  async function states(campaignId: string): Promise<EnrollmentState[]> {
    const { enrollments } = await stack.db.repos.leads.page(campaignId, { removed: 'include' }, 0, ENROLLMENTS);
    return mapConcurrently(enrollments, 16, (enrollment) =>
      stack.temporal.workflow.getHandle(enrollment.workflowId).query(stateQuery),
    );
  }

  const heldCount = async (campaignId: string) =>
    (await states(campaignId)).filter((state) => state.campaignPaused).length;

  /**
   * Waits until `held` workflows say they are held: a finished fan-out means every workflow was signalled, and each
   * publishes the change in its state once its loop has handled the signal (later on a busy machine).
   */
  const heldCountBecomes = (campaignId: string, held: number) =>
    eventually(async () => (await heldCount(campaignId)) === held, { what: `${held} held workflows`, ...SLOW });

  /** Waits for the campaign's fan-out of `action` to finish; returns the campaign as GET shows it then. */
  const fanoutFinished = (campaignId: string, action: string) =>
    eventually(
      async () => {
        const { body } = await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200);
        return body.data.fanout?.action === action && body.data.fanout.finished_at !== null ? body.data : null;
      },
      { what: `the ${action} fan-out to finish`, ...SLOW },
    );

  it(
    'when dispatched, then each sleeping workflow shows its wake-up from its start without a search-attribute update or patch marker of its own',
    async () => {
      const campaignId = await sleepingCampaign();

      const { enrollments } = await stack.db.repos.leads.page(campaignId, { removed: 'include' }, 0, 1);
      const [row] = await sql<{ next_send_at: Date }>(`SELECT next_send_at FROM enrollments WHERE id = $1`, [
        enrollments[0]!.id,
      ]);
      const handle = stack.temporal.workflow.getHandle(enrollments[0]!.workflowId);
      const shown = (await handle.describe()).typedSearchAttributes;
      expect(shown.get(searchAttributes.enrollmentStatus)).toBe('active');
      expect(shown.get(searchAttributes.nextSendAt)?.getTime()).toBe(row!.next_send_at.getTime());
      const events = await eventually(
        async () => {
          const history = (await handle.fetchHistory()).events ?? [];
          return history.some((event) => event.timerStartedEventAttributes) ? history : null;
        },
        { what: 'the first workflow task to start the timer', ...SLOW },
      );
      expect(events.filter((event) => event.markerRecordedEventAttributes)).toEqual([]);
      expect(events.filter((event) => event.upsertWorkflowSearchAttributesEventAttributes)).toEqual([]);
      // Temporal's own search finds them by their wake-up, as an operator would.
      const query = `CampaignId = '${campaignId}' AND NextSendAt > '${new Date().toISOString()}'`;
      await eventually(async () => (await stack.temporal.workflow.count(query)).count === ENROLLMENTS, {
        what: `${ENROLLMENTS} workflows found by NextSendAt`,
        ...SLOW,
      });
    },
    TEST_TIMEOUT,
  );

  it(
    'when paused, then the answer says the fan-out is under way, and every sleeping workflow ends up held; resume wakes them all',
    async () => {
      const campaignId = await sleepingCampaign();
      pausedAndResumed = campaignId;

      const paused = await api.post(`${CAMPAIGNS}/${campaignId}/pause`).expect(200);

      expect(paused.body.data).toMatchObject({
        status: 'paused',
        fanout: { action: 'pause', total: ENROLLMENTS, done: 0, finished_at: null },
      });
      expect(paused.body.message).toMatch(/in the background/);
      const afterPause = await fanoutFinished(campaignId, 'pause');
      expect(afterPause.fanout).toMatchObject({ total: ENROLLMENTS, done: ENROLLMENTS });
      await heldCountBecomes(campaignId, ENROLLMENTS);

      const resumed = await api.post(`${CAMPAIGNS}/${campaignId}/resume`).expect(200);

      expect(resumed.body.data).toMatchObject({
        status: 'active',
        fanout: { action: 'resume', total: ENROLLMENTS, done: 0, finished_at: null },
      });
      await fanoutFinished(campaignId, 'resume');
      await heldCountBecomes(campaignId, 0);
      expect((await states(campaignId)).every((state) => state.status === 'active' && !state.paused)).toBe(true);
    },
    TEST_TIMEOUT,
  );

  it('replays the recorded history of the campaign job deterministically', async () => {
    const job = stack.temporal.workflow.getHandle(campaignFanoutWorkflowId(pausedAndResumed!));
    await eventually(async () => (await job.describe()).status.name === 'COMPLETED', {
      what: 'the campaign job to end idle',
      ...SLOW,
    });
    const history = await job.fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history);
    // `UPDATE_HISTORIES=1 npm test` refreshes the fixture that test/workflows replays on every run.
    if (process.env.UPDATE_HISTORIES === '1') await fs.writeFile(HISTORY_FIXTURE, `${historyToJSON(history)}\n`);
  });

  it(
    'when a pause is followed at once by a resume, then every enrollment ends up not paused',
    async () => {
      const campaignId = await sleepingCampaign();

      await api.post(`${CAMPAIGNS}/${campaignId}/pause`).expect(200);
      await api.post(`${CAMPAIGNS}/${campaignId}/resume`).expect(200);

      await fanoutFinished(campaignId, 'resume');
      await heldCountBecomes(campaignId, 0);
      expect(
        (await stack.db.repos.leads.page(campaignId, { statuses: ['paused'], removed: 'include' }, 0, 1)).total,
      ).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    'when deleted, then 202 with the campaign stopped, a GET meanwhile never fails, every workflow stops and the campaign is gone',
    async () => {
      const campaignId = await sleepingCampaign();

      const deleted = await api.delete(`${CAMPAIGNS}/${campaignId}`).expect(202);

      expect(deleted.body.data).toMatchObject({
        id: campaignId,
        status: 'stopped',
        fanout: { action: 'delete', total: ENROLLMENTS, done: 0, finished_at: null },
      });
      // While the deletion goes on the campaign reads as stopped, being deleted; then it is not found.
      await eventually(
        async () => {
          const read = await api.get(`${CAMPAIGNS}/${campaignId}`);
          if (read.status === 404) return true;
          expect(read.status).toBe(200);
          expect(read.body.data).toMatchObject({ status: 'stopped', fanout: { action: 'delete' } });
          // Asked again meanwhile, the deletion just goes on (or is done by now).
          expect([202, 404]).toContain((await api.delete(`${CAMPAIGNS}/${campaignId}`)).status);
          return false;
        },
        { what: 'the campaign to be deleted', timeoutMs: SLOW.timeoutMs, intervalMs: 100 },
      );
      const count = async (query: string) =>
        (await stack.temporal.workflow.count(`CampaignId = '${campaignId}' AND ${query}`)).count;
      await eventually(
        async () =>
          (await count(`ExecutionStatus = 'Running'`)) === 0 &&
          (await count(`EnrollmentStatus = 'stopped'`)) === ENROLLMENTS,
        { what: `${ENROLLMENTS} workflows ended stopped`, ...SLOW },
      );
      const left = {
        campaigns: (await stack.db.repos.campaigns.findByIdUnscoped(campaignId)) ? 1 : 0,
        enrollments: (await stack.db.repos.leads.page(campaignId, { removed: 'include' }, 0, 1)).total,
      };
      expect(left).toEqual({ campaigns: 0, enrollments: 0 });
      await api.delete(`${CAMPAIGNS}/${campaignId}`).expect(404);
    },
    TEST_TIMEOUT,
  );

  it(
    'when the process died between a pause and its fan-out, then the worker start carries the pause out',
    async () => {
      const campaignId = await sleepingCampaign();
      // The pause committed, the wake-up never sent: as if the API process died in between.
      await stack.db.repos.campaigns.requestFanout(campaignId, ['active'], 'paused', 'pause');

      await stack.services.campaignControl.startStranded();

      await fanoutFinished(campaignId, 'pause');
      await heldCountBecomes(campaignId, ENROLLMENTS);
    },
    TEST_TIMEOUT,
  );
});
