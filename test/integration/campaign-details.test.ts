import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignFixtures } from '../helpers/campaign-fixtures';
import { uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

/** GET /campaigns/:id and /replies after a real run: per batch, per step, bounces, replies and their rates. */
describe('the campaign API of the reference, end to end on the real stack', () => {
  let stack: TestStack;
  const { createCampaign, enroll, newApi } = campaignFixtures(() => stack);

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('GET /campaigns/:id details after a real 2-step run in 2 batches', () => {
    let api: ApiClient;
    let campaignId: string;
    let ann: { enrollmentId: string; contactId: string; email: string };
    let bob: { enrollmentId: string; contactId: string; email: string };

    beforeAll(async () => {
      api = (await newApi()).api;
      campaignId = (
        await createCampaign(api, {
          steps: [
            { subject: 'One {{first_name}}', delaySeconds: 0 },
            { subject: 'Two {{first_name}}', delaySeconds: 1 },
          ],
        })
      ).id;
      ann = await enroll(api, campaignId, uniqueEmail('ann'), 1);
      bob = await enroll(api, campaignId, uniqueEmail('bob'), 2);
      await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`, { batch_number: 1 }).expect(202);
      await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`, { batch_number: 2 }).expect(202);
      await eventually(async () => (await api.get(`${CAMPAIGNS}/${campaignId}`)).body.data?.totals?.completed === 2, {
        what: 'both enrollments to complete',
      });
    });

    it('when both contacts completed, then per_batch and per_step count the 4 sends and sent_today the 2 new conversations', async () => {
      const data = (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data;

      const batch = (batchNumber: number) => ({
        batch_number: batchNumber,
        enrollments: 1,
        pending: 0,
        active: 0,
        completed: 1,
        replied: 0,
        bounced: 0,
        skipped: 0,
        stopped: 0,
        sent: 2,
      });
      expect(data.per_batch).toEqual([batch(1), batch(2)]);
      const step = (position: number) => ({
        position,
        sent: 2,
        opened: 0,
        clicked: 0,
        replied: 0,
        bounced: 0,
        unsubscribed: 0,
        variants: [],
      });
      expect(data.per_step).toEqual([step(1), step(2)]);
      expect(data.credentials).toHaveLength(1);
      // The daily limit counts new conversations (step 1), as in the reference: follow-ups are not counted.
      expect(data.credentials[0]).toMatchObject({ sent_today: 2, status: 'active' });
      expect(data.totals).toMatchObject({ sent: 4, completed: 2, bounced: 0 });
      expect(data.recent_bounces).toEqual([]);
      expect(await messagesTo(stack.info, [ann.email, bob.email])).toHaveLength(4);
    });

    it('when one message is marked bounced, then recent_bounces lists it and rates.bounce_rate is per send (25 %)', async () => {
      await stack.db.dataSource.query(
        `UPDATE messages SET bounced_at = now() WHERE enrollment_id = $1 AND step_position = 2`,
        [ann.enrollmentId],
      );

      const data = (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data;

      expect(data.rates.bounce_rate).toBe(25);
      expect(data.totals.bounced).toBe(1);
      expect(data.recent_bounces).toEqual([
        {
          enrollment_id: ann.enrollmentId,
          contact_id: ann.contactId,
          email: ann.email,
          step: 2,
          bounced_at: expect.any(String),
          smtp_response: expect.any(String),
        },
      ]);
      expect(data.per_step[1]).toMatchObject({ position: 2, bounced: 1 });
    });

    it('when a message got a reply, then GET /replies lists the enrollment with hours_to_reply from its first send', async () => {
      await stack.db.dataSource.query(
        `UPDATE messages SET sent_at = CASE step_position WHEN 1 THEN '2024-03-01T08:00:00Z'::timestamptz
                                                       ELSE '2024-03-02T08:00:00Z'::timestamptz END
          WHERE enrollment_id = $1`,
        [bob.enrollmentId],
      );
      await stack.db.dataSource.query(
        `UPDATE messages SET replied_at = '2024-03-02T20:30:00Z' WHERE enrollment_id = $1 AND step_position = 2`,
        [bob.enrollmentId],
      );

      const response = await api.get(`${CAMPAIGNS}/${campaignId}/replies?limit=10`).expect(200);

      expect(response.body).toMatchObject({ status: 'success', total: 1 });
      expect(response.body.data).toEqual([
        {
          enrollment_id: bob.enrollmentId,
          contact_id: bob.contactId,
          email: bob.email,
          first_sent_at: '2024-03-01T08:00:00.000Z',
          replied_at: '2024-03-02T20:30:00.000Z',
          hours_to_reply: 36.5,
          // Reported without a reply read over IMAP: nothing to show of the message itself.
          from_email: null,
          subject: null,
          snippet: null,
          match_confidence: null,
        },
      ]);
      const data = (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data;
      expect(data.rates.reply_rate).toBe(25);
    });
  });
});
