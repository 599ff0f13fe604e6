import crypto from 'node:crypto';
import { INLINE_STARTS, START_PAGE } from '../../src/domain/campaigns/campaign-fanout.service';
import { campaignFanoutWorkflowId } from '../../workflows/campaign-fanout/definitions';
import { CAMPAIGNS, LISTS } from '../helpers/api-paths';
import { campaignBody } from '../helpers/factories';
import { stackWithOrganization, eventually, type ApiClient, type TestStack } from '../helpers/test-stack';

/** More contacts than Postgres' 65,535 bind parameters: a query with one parameter per id cannot take them. */
const CONTACTS = 100_000;
/** Contacts that unsubscribed before the dispatch: skipped, more rows than one insert could bind one by one. */
const UNSUBSCRIBED = 20_000;
/** What one JSON import request takes. */
const IMPORT_BATCH = 1_000;
/** A year: the started workflows sleep toward step 1, so the test sends no mail. */
const YEAR_IN_SECONDS = 525_600 * 60;
/** On a loaded 2-core machine the Temporal dev server starts a few workflows a second: the waits are generous. */
const SLOW_WAIT = { timeoutMs: 10 * 60_000, intervalMs: 2_000 };

/** Elapsed seconds of `work`, printed for the report, with its result. */
async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  process.stdout.write(`[large-batches] ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

describe('large batches: 100,000 contacts in one list', () => {
  let stack: TestStack;
  let api: ApiClient;

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  /** The campaign's enrollments by status, and how many of the pending ones are queued for their start. */
  async function enrollmentCounts(campaignId: string) {
    const [row] = await stack.db.dataSource.query<{ active: number; queued: number; skipped: number; other: number }[]>(
      `SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
              count(*) FILTER (WHERE status = 'pending' AND start_requested_at IS NOT NULL)::int AS queued,
              count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
              count(*) FILTER (WHERE status NOT IN ('active', 'pending', 'skipped'))::int AS other
         FROM enrollments WHERE campaign_id = $1`,
      [campaignId],
    );
    return row!;
  }

  /** How many of the campaign's workflows Temporal knows of, all or those matching `condition`. */
  const workflows = async (campaignId: string, condition?: string) =>
    (await stack.temporal.workflow.count(`CampaignId = '${campaignId}'${condition ? ` AND ${condition}` : ''}`)).count;

  it(
    'when 100,000 contacts are imported, enrolled and dispatched, then each answers quickly and the workflows start in the background',
    async () => {
      const list = await api.post(LISTS, { list: { name: 'Hundred thousand' } }).expect(201);
      const listUuid = list.body.data.uuid as string;
      const tag = crypto.randomBytes(4).toString('hex');
      await timed(`import of ${CONTACTS} contacts (${CONTACTS / IMPORT_BATCH} requests)`, async () => {
        for (let offset = 0; offset < CONTACTS; offset += IMPORT_BATCH) {
          const contacts = Array.from({ length: IMPORT_BATCH }, (_, index) => ({
            email: `bulk-${tag}-${offset + index}@example.test`,
            first_name: `Contact${offset + index}`,
          }));
          await api.post(`${LISTS}/${listUuid}/contacts`, { contacts }).expect(200);
        }
      });
      const body = campaignBody(stack.info, {
        steps: [{ subject: 'Hello {{first_name}}', delaySeconds: YEAR_IN_SECONDS }],
      });
      const created = await api.post(CAMPAIGNS, { campaign: { ...body.campaign, list_uuids: [listUuid] } }).expect(201);
      const campaignId = created.body.data.id as string;

      const enrolled = await timed('enroll', () =>
        api.post(`${CAMPAIGNS}/${campaignId}/enroll`, { list_uuid: listUuid }),
      );
      expect(enrolled.status).toBe(201);
      expect(enrolled.body.data).toMatchObject({ enrolled: CONTACTS, already_enrolled: 0 });
      // A fifth of them unsubscribe before the dispatch (elsewhere, say): the dispatch skips and records them.
      await stack.db.dataSource.query(
        `UPDATE contacts SET status = 'unsubscribed'
          WHERE id IN (SELECT contact_id FROM enrollments WHERE campaign_id = $1 ORDER BY id LIMIT $2)`,
        [campaignId, UNSUBSCRIBED],
      );

      const dispatched = await timed('dispatch (the answer)', () => api.post(`${CAMPAIGNS}/${campaignId}/dispatch`));
      expect(dispatched.status).toBe(202);
      expect(dispatched.body.data).toMatchObject({
        batch_number: 1,
        dispatched: CONTACTS - UNSUBSCRIBED,
        skipped: UNSUBSCRIBED,
      });

      // The first few started before the answer; every other one waits in the campaign's start queue.
      const answered = await enrollmentCounts(campaignId);
      expect(answered.active).toBeGreaterThanOrEqual(INLINE_STARTS);
      expect(answered).toMatchObject({ skipped: UNSUBSCRIBED, other: 0 });
      expect(answered.active + answered.queued).toBe(CONTACTS - UNSUBSCRIBED);
      const skips = await stack.db.repos.skips.countsByKind(campaignId);
      expect(skips.get('unsubscribed')).toBe(UNSUBSCRIBED);
      // The campaign's job starts them in the background: really started workflows, counted by Temporal.
      expect(
        (await stack.temporal.workflow.getHandle(campaignFanoutWorkflowId(campaignId)).describe()).status.name,
      ).toBe('RUNNING');
      const before = { at: Date.now(), started: await workflows(campaignId) };
      const started = await timed('background starts: a page', () =>
        eventually(
          async () => {
            const count = await workflows(campaignId, `ExecutionStatus = 'Running'`);
            return count >= INLINE_STARTS + START_PAGE ? count : null;
          },
          { what: 'the job to start a page of enrollments', ...SLOW_WAIT },
        ),
      );
      const rate = (started - before.started) / ((Date.now() - before.at) / 1000);
      process.stdout.write(`[large-batches] background start rate: ${rate.toFixed(1)} workflows/s\n`);
      // Each one started runs, sleeping toward step 1.
      expect(await workflows(campaignId, `ExecutionStatus != 'Running'`)).toBe(0);

      // Deleting it stops what started, drops the queue with the 100,000 rows, and leaves nothing running.
      const deleted = await timed('delete (the answer)', () => api.delete(`${CAMPAIGNS}/${campaignId}`));
      expect(deleted.status).toBe(202);
      await timed('delete (in the background)', () =>
        eventually(async () => (await api.get(`${CAMPAIGNS}/${campaignId}`)).status === 404, {
          what: 'the campaign to be deleted',
          ...SLOW_WAIT,
        }),
      );
      expect(await enrollmentCounts(campaignId)).toEqual({ active: 0, queued: 0, skipped: 0, other: 0 });
      await eventually(async () => (await workflows(campaignId, `ExecutionStatus = 'Running'`)) === 0, {
        what: 'no running workflow left',
        ...SLOW_WAIT,
      });
    },
    30 * 60_000,
  );
});
