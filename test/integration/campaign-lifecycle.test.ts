import { enrollmentWorkflowId, stateQuery } from '../../workflows/enrollment/definitions';
import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignFixtures, type Enrollee } from '../helpers/campaign-fixtures';
import { countMessages } from '../helpers/db-reads';
import { uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, messagesTo, sleep, type ApiClient, type TestStack } from '../helpers/test-stack';

/** A dispatched campaign deleted while it runs, and paused then resumed: what is sent, stopped and removed. */
describe('the campaign API of the reference, end to end on the real stack', () => {
  let stack: TestStack;
  const { createCampaign, enroll, waitForMessages, newApi } = campaignFixtures(() => stack);

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('DELETE /campaigns/:id', () => {
    let api: ApiClient;

    beforeAll(async () => {
      api = (await newApi()).api;
    });

    it('when a running enrollment sleeps toward step 2, then 202: it is stopped and every row of the campaign is gone', async () => {
      const { id } = await createCampaign(api, {
        steps: [
          { subject: 'First {{first_name}}', delaySeconds: 0 },
          { subject: 'Second {{first_name}}', delaySeconds: 60 },
        ],
      });
      const running = await enroll(api, id, uniqueEmail('running'), 1);
      const waiting = await enroll(api, id, uniqueEmail('waiting'), 2);
      await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 1 }).expect(202);
      await waitForMessages([running.email], 1, 'step 1');
      const handle = stack.temporal.workflow.getHandle(enrollmentWorkflowId(id, running.contactId));
      await eventually(
        async () => {
          const state = await handle.query(stateQuery);
          return state.nextStep === 2 && state.status === 'active' && state.nextSendAt !== null;
        },
        { what: 'the enrollment to sleep toward step 2' },
      );

      const deleted = await api.delete(`${CAMPAIGNS}/${id}`);

      // Stopped at once; the running enrollment is stopped and the rows deleted in the background.
      expect(deleted.status).toBe(202);
      expect(deleted.body).toMatchObject({
        status: 'success',
        data: { id, status: 'stopped', fanout: { action: 'delete', total: 1, done: 0, finished_at: null } },
      });
      expect(await handle.result()).toEqual({ status: 'stopped', stepsSent: 1 });
      const read = await eventually(
        async () => {
          const current = await api.get(`${CAMPAIGNS}/${id}`);
          return current.status === 404 ? current : null;
        },
        { what: 'the deletion to finish' },
      );
      expect(read.body.code).toBe('campaign_not_found');
      const rows = await stack.db.dataSource.query<Record<string, number>[]>(
        `SELECT (SELECT count(*) FROM campaigns WHERE id = $1)::int AS campaigns,
                (SELECT count(*) FROM sequence_steps WHERE campaign_id = $1)::int AS steps,
                (SELECT count(*) FROM enrollments WHERE campaign_id = $1)::int AS enrollments,
                (SELECT count(*) FROM messages WHERE campaign_id = $1)::int AS messages,
                (SELECT count(*) FROM campaign_mailboxes WHERE campaign_id = $1)::int AS mailbox_links,
                (SELECT count(*) FROM enrollment_skips WHERE campaign_id = $1)::int AS skips`,
        [id],
      );
      expect(rows[0]).toEqual({ campaigns: 0, steps: 0, enrollments: 0, messages: 0, mailbox_links: 0, skips: 0 });
      await sleep(1_500);
      expect(await messagesTo(stack.info, [running.email])).toHaveLength(1);
      expect(await messagesTo(stack.info, [waiting.email])).toHaveLength(0);
    });

    it("when the campaign is another organization's or already deleted, then 404 campaign_not_found", async () => {
      const { id } = await createCampaign(api);
      const other = (await newApi()).api;

      const foreign = await other.delete(`${CAMPAIGNS}/${id}`);
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('campaign_not_found');
      expect(await stack.db.repos.campaigns.findByIdUnscoped(id)).not.toBeNull();

      await api.delete(`${CAMPAIGNS}/${id}`).expect(202);
      await eventually(async () => (await api.get(`${CAMPAIGNS}/${id}`)).status === 404, { what: 'the deletion' });
      const again = await api.delete(`${CAMPAIGNS}/${id}`);
      expect(again.status).toBe(404);
      expect(again.body.code).toBe('campaign_not_found');
    });
  });

  describe('pause and resume of a dispatched (non-evergreen) campaign', () => {
    it('when paused after step 1, then no step 2 goes out; after resume each contact gets step 2 exactly once', async () => {
      const { api } = await newApi();
      const { id } = await createCampaign(api, {
        steps: [
          { subject: 'First {{first_name}}', delaySeconds: 0 },
          { subject: 'Second {{first_name}}', delaySeconds: 3 },
        ],
      });
      const contacts: Enrollee[] = [];
      for (const name of ['pam', 'pia', 'pol']) contacts.push(await enroll(api, id, uniqueEmail(name)));
      await api.post(`${CAMPAIGNS}/${id}/dispatch`).expect(202);
      const messageCounts = async () =>
        Promise.all(contacts.map(async (contact) => (await messagesTo(stack.info, [contact.email])).length));
      await eventually(async () => (await messageCounts()).every((sent) => sent >= 1), { what: 'step 1 for all' });

      const paused = await api.post(`${CAMPAIGNS}/${id}/pause`);
      expect(paused.status).toBe(200);
      expect(paused.body.data.status).toBe('paused');
      await sleep(5_000); // step 2 falls due meanwhile
      expect(await messageCounts()).toEqual([1, 1, 1]);

      const resumed = await api.post(`${CAMPAIGNS}/${id}/resume`);
      expect(resumed.status).toBe(200);
      expect(resumed.body.data.status).toBe('active');
      await eventually(async () => (await messageCounts()).every((sent) => sent === 2), { what: 'step 2 for all' });
      await eventually(async () => (await api.get(`${CAMPAIGNS}/${id}`)).body.data?.totals?.completed === 3, {
        what: 'all three to complete',
      });
      await sleep(3_000);

      expect(await messageCounts()).toEqual([2, 2, 2]);
      for (const contact of contacts) {
        const own = await messagesTo(stack.info, [contact.email]);
        expect(own.map((message) => message.subject)).toEqual(['First Pat', 'Second Pat']);
      }
      expect(await countMessages(stack.db, { campaignId: id })).toBe(6);
    });
  });
});
