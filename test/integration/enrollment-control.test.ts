import { WorkflowNotFoundError } from '@temporalio/client';
import { uniqueEmail } from '../helpers/factories';
import { CAMPAIGNS } from '../helpers/api-paths';
import { enrollmentFixtures, type Enrolled } from '../helpers/enrollment-fixtures';
import { stackWithOrganization, eventually, sleep, type ApiClient, type TestStack } from '../helpers/test-stack';

const EVENTS = '/api/v1/events';

describe('controlling enrollments over the API and by integration events', () => {
  let stack: TestStack;
  let api: ApiClient;
  let fx: ReturnType<typeof enrollmentFixtures>;

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
    fx = enrollmentFixtures(stack, api);
  });

  afterAll(async () => {
    await stack.close();
  });

  const control = (enrolled: Enrolled, action: string, body?: unknown) =>
    api.post(`${CAMPAIGNS}/${enrolled.campaignId}/enrollments/${enrolled.enrollmentId}/${action}`, body);

  const getEnrollment = async (enrolled: Enrolled) =>
    (await api.get(`${CAMPAIGNS}/${enrolled.campaignId}/enrollments/${enrolled.enrollmentId}`).expect(200)).body.data;

  /** Starts a two-step sequence and waits for step 1; step 2 is due `followUpSeconds` later. */
  async function running(followUpSeconds = 3, email = uniqueEmail('control')): Promise<Enrolled> {
    const enrolled = await fx.start(email, followUpSeconds);
    await fx.waitForMessages([email], 1, 'step 1');
    return enrolled;
  }

  describe('POST /campaigns/:id/enrollments/:eid/pause and /resume', () => {
    it('when paused before its follow-up is due, then it is held; when resumed, then the follow-up goes out exactly once', async () => {
      const enrolled = await running(3);

      const paused = await control(enrolled, 'pause').expect(200);
      expect(paused.body.data).toMatchObject({ id: enrolled.enrollmentId, status: 'paused', changed: true });
      const again = await control(enrolled, 'pause').expect(200);
      expect(again.body.data).toMatchObject({ status: 'paused', changed: false });
      expect(again.body.message).toMatch(/already paused/);
      await eventually(
        async () => {
          const current = await getEnrollment(enrolled);
          return current.workflow?.paused === true && current.status === 'paused';
        },
        { what: 'the pause to reach the workflow and its row' },
      );

      await sleep(4_500); // step 2 came due meanwhile
      expect(await fx.subjects(enrolled.email)).toEqual(['First']);

      const resumed = await control(enrolled, 'resume').expect(200);
      expect(resumed.body.data).toMatchObject({ changed: true });
      expect(['active', 'completed']).toContain(resumed.body.data.status); // the follow-up may be out already
      expect(await fx.result(enrolled)).toEqual({ status: 'completed', stepsSent: 2 });
      const repeated = await control(enrolled, 'resume').expect(200);
      expect(repeated.body.data).toMatchObject({ status: 'completed', changed: false });
      await sleep(500);
      expect(await fx.subjects(enrolled.email)).toEqual(['First', 'Second']);
    });

    it('when resumed with delay_minutes, then next_send_at moves that far; a second resume changes nothing', async () => {
      const enrolled = await running(60);
      await control(enrolled, 'pause').expect(200);

      const resumedAt = Date.now();
      await control(enrolled, 'resume', { delay_minutes: 10 }).expect(200);
      const pushed = await eventually(
        async () => {
          const current = await getEnrollment(enrolled);
          const nextSendAt = current.next_send_at ? Date.parse(current.next_send_at) : 0;
          return current.status === 'active' && nextSendAt >= resumedAt + 10 * 60_000 ? current : null;
        },
        { what: 'next_send_at 10 minutes after the resume', timeoutMs: 20_000 },
      );
      expect(pushed.workflow).toMatchObject({ paused: false, next_step: 2, next_send_at: pushed.next_send_at });

      const again = await control(enrolled, 'resume', { delay_minutes: 30 }).expect(200);
      expect(again.body.data).toMatchObject({ changed: false, next_send_at: pushed.next_send_at });
      await control(enrolled, 'stop').expect(200);
    });

    it("when its campaign is paused too, then resuming the enrollment alone changes nothing, and its own pause outlasts the campaign's", async () => {
      const enrolled = await running(3);
      await api.post(`${CAMPAIGNS}/${enrolled.campaignId}/pause`).expect(200);
      // The workflow holds at once; its row follows one activity later: wait for both before acting on them.
      await eventually(
        async () => {
          const current = await getEnrollment(enrolled);
          return current.workflow?.campaign_paused === true && current.status === 'paused';
        },
        { what: 'the campaign pause to reach the workflow and its row' },
      );

      const notPaused = await control(enrolled, 'resume').expect(200);
      expect(notPaused.body.data).toMatchObject({ status: 'paused', changed: false });
      expect(notPaused.body.message).toMatch(/its campaign is paused/);
      expect((await control(enrolled, 'pause').expect(200)).body.data).toMatchObject({ changed: true });
      await eventually(async () => (await getEnrollment(enrolled)).workflow?.paused === true, { what: 'paused' });
      await api.post(`${CAMPAIGNS}/${enrolled.campaignId}/resume`).expect(200);

      await sleep(4_500);
      expect(await fx.subjects(enrolled.email)).toEqual(['First']);
      expect((await getEnrollment(enrolled)).workflow).toMatchObject({ paused: true, campaign_paused: false });
      expect((await control(enrolled, 'resume').expect(200)).body.data).toMatchObject({ changed: true });
      expect(await fx.result(enrolled)).toEqual({ status: 'completed', stepsSent: 2 });
    });

    it('when the body is invalid, then 422 naming delay_minutes and nothing changes', async () => {
      const enrolled = await running(60);
      const response = await control(enrolled, 'resume', { delay_minutes: -1 }).expect(422);
      expect(response.body.errors).toEqual([expect.stringMatching(/^delay_minutes: /)]);
      expect((await getEnrollment(enrolled)).status).toBe('active');
      await control(enrolled, 'stop').expect(200);
    });
  });

  describe('POST /campaigns/:id/enrollments/:eid/stop', () => {
    it('when stopped before its follow-up, then the workflow ends "stopped" and the follow-up never goes out', async () => {
      const enrolled = await running(3);

      const stopped = await control(enrolled, 'stop').expect(200);
      expect(stopped.body.data).toMatchObject({ status: 'stopped', changed: true, next_send_at: null });
      expect(await fx.result(enrolled)).toEqual({ status: 'stopped', stepsSent: 1 });
      await sleep(4_000);
      expect(await fx.subjects(enrolled.email)).toEqual(['First']);
    });

    it('when a finished enrollment is stopped, paused or resumed again, then 200 with its final status and no change', async () => {
      const enrolled = await running(60);
      await control(enrolled, 'stop').expect(200);
      await fx.result(enrolled);

      for (const action of ['stop', 'pause', 'resume']) {
        const response = await control(enrolled, action).expect(200);
        expect(response.body.data).toMatchObject({ status: 'stopped', changed: false });
        expect(response.body.message).toBe('Nothing changed: the enrollment is stopped.');
      }
    });
  });

  describe('an enrollment not dispatched yet', () => {
    it('when paused or resumed, then 422 enrollment_not_started and it stays pending', async () => {
      const campaignId = await fx.createCampaign();
      const enrolled = await fx.enroll(campaignId, uniqueEmail('pending'));

      for (const action of ['pause', 'resume']) {
        const response = await control(enrolled, action).expect(422);
        expect(response.body).toMatchObject({ code: 'enrollment_not_started', current_state: 'pending' });
      }
      expect((await getEnrollment(enrolled)).status).toBe('pending');
    });

    it('when stopped, then it is final in the database, no workflow ever starts, and dispatch finds nothing', async () => {
      const campaignId = await fx.createCampaign();
      const enrolled = await fx.enroll(campaignId, uniqueEmail('pending'));

      const stopped = await control(enrolled, 'stop').expect(200);
      expect(stopped.body.data).toMatchObject({ status: 'stopped', changed: true });
      await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(422);
      await expect(fx.handle(enrolled).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
      expect((await control(enrolled, 'stop').expect(200)).body.data).toMatchObject({ changed: false });
    });
  });

  describe('unsubscribing', () => {
    /** One contact in two running campaigns (follow-ups due a minute after step 1) and one pending enrollment. */
    async function contactInThreeCampaigns() {
      const email = uniqueEmail('unsub');
      const first = await fx.start(email, 60);
      const second = await fx.start(email, 60);
      const pending = await fx.enroll(await fx.createCampaign(), email);
      await fx.waitForMessages([email], 2, 'step 1 of both campaigns');
      return { email, first, second, pending };
    }

    it('when one enrollment is unsubscribed, then the contact and its enrollments in every campaign end "unsubscribed"', async () => {
      const { email, first, second, pending } = await contactInThreeCampaigns();

      const response = await control(first, 'unsubscribe').expect(200);
      expect(response.body.data).toMatchObject({
        id: first.enrollmentId,
        status: 'unsubscribed',
        changed: true,
        contact_status: 'unsubscribed',
        enrollments_unsubscribed: 3,
      });
      expect(await fx.result(first)).toEqual({ status: 'unsubscribed', stepsSent: 1 });
      expect(await fx.result(second)).toEqual({ status: 'unsubscribed', stepsSent: 1 });
      expect((await getEnrollment(pending)).status).toBe('unsubscribed');
      expect(await fx.subjects(email)).toEqual(['First', 'First']);

      const again = await control(first, 'unsubscribe').expect(200);
      expect(again.body.data).toMatchObject({
        status: 'unsubscribed',
        changed: false,
        contact_status: 'unsubscribed',
        enrollments_unsubscribed: 0,
      });
      expect(again.body.message).toMatch(/already unsubscribed/);
    });

    it('when an unsubscribe event names the contact by email, then every campaign stops; repeating it changes nothing', async () => {
      const { email, first, second, pending } = await contactInThreeCampaigns();
      const [local, domain] = email.split('@');

      const response = await api.post(EVENTS, { type: 'unsubscribe', email: ` ${local}@${domain!.toUpperCase()} ` });
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({
        type: 'unsubscribe',
        contact: { id: first.contactId, email, status: 'unsubscribed' },
        contact_changed: true,
        affected: 3,
      });
      const expected = [first, second, pending].map((enrolled) => ({
        id: enrolled.enrollmentId,
        campaign_id: enrolled.campaignId,
        status: 'unsubscribed',
        changed: true,
      }));
      expect(response.body.data.enrollments).toEqual(expected);
      expect(await fx.result(first)).toEqual({ status: 'unsubscribed', stepsSent: 1 });
      expect(await fx.result(second)).toEqual({ status: 'unsubscribed', stepsSent: 1 });

      const again = await api.post(EVENTS, { type: 'unsubscribe', email }).expect(200);
      expect(again.body.data).toMatchObject({ contact_changed: false, affected: 0 });
      expect(again.body.data.enrollments).toEqual(expected.map((enrollment) => ({ ...enrollment, changed: false })));
      expect(await fx.subjects(email)).toEqual(['First', 'First']);
    });

    it('when a contact is unsubscribed globally, then its running and pending enrollments end "unsubscribed"', async () => {
      const { email, first, second, pending } = await contactInThreeCampaigns();

      const response = await api.post(`/api/v1/contacts/${first.contactId}/unsubscribe`).expect(200);
      expect(response.body.data).toMatchObject({
        contact: { id: first.contactId, status: 'unsubscribed' },
        affected: 3,
      });
      expect(await fx.result(first)).toEqual({ status: 'unsubscribed', stepsSent: 1 });
      expect(await fx.result(second)).toEqual({ status: 'unsubscribed', stepsSent: 1 });
      expect((await getEnrollment(pending)).status).toBe('unsubscribed');
      const again = await api.post(`/api/v1/contacts/${first.contactId}/unsubscribe`).expect(200);
      expect(again.body.data).toMatchObject({ contact_changed: false, affected: 0 });
      expect(await fx.subjects(email)).toEqual(['First', 'First']);
    });

    it('when the contact is unknown, then 404 contact_not_found', async () => {
      await api.post('/api/v1/contacts/00000000-0000-4000-8000-000000000000/unsubscribe').expect(404, {
        status: 'error',
        code: 'contact_not_found',
        message: 'Contact not found',
      });
      await api.post('/api/v1/contacts/not-a-uuid/unsubscribe').expect(404);
    });
  });

  describe('POST /events', () => {
    it('when a reply is reported for an enrollment, then it ends "replied", replied_at is set and /replies lists it', async () => {
      const enrolled = await running(60);

      const response = await api.post(EVENTS, { type: 'reply', enrollment_id: enrolled.enrollmentId }).expect(200);
      expect(response.body.data).toMatchObject({
        affected: 1,
        enrollments: [{ id: enrolled.enrollmentId, status: 'replied', changed: true }],
      });
      expect(await fx.result(enrolled)).toEqual({ status: 'replied', stepsSent: 1 });
      const history = await api.get(
        `${CAMPAIGNS}/${enrolled.campaignId}/enrollments/${enrolled.enrollmentId}/messages`,
      );
      const repliedAt: string = history.body.data[0].replied_at;
      expect(repliedAt).toEqual(expect.any(String));
      const replies = await api.get(`${CAMPAIGNS}/${enrolled.campaignId}/replies`).expect(200);
      expect(replies.body.data).toEqual([
        expect.objectContaining({ enrollment_id: enrolled.enrollmentId, replied_at: repliedAt }),
      ]);

      const again = await api.post(EVENTS, { type: 'reply', enrollment_id: enrolled.enrollmentId }).expect(200);
      expect(again.body.data).toMatchObject({
        affected: 0,
        enrollments: [{ id: enrolled.enrollmentId, status: 'replied', changed: false }],
      });
      const later = await api.get(`${CAMPAIGNS}/${enrolled.campaignId}/enrollments/${enrolled.enrollmentId}/messages`);
      expect(later.body.data.map((message: { replied_at: string }) => message.replied_at)).toEqual([repliedAt]);
      expect(await fx.subjects(enrolled.email)).toEqual(['First']);
    });

    it('when a reply names the contact by email and a campaign, then only that campaign ends; a stop by email ends the rest', async () => {
      const email = uniqueEmail('reply');
      const first = await fx.start(email, 60);
      const second = await fx.start(email, 60);
      await fx.waitForMessages([email], 2, 'step 1 of both campaigns');

      const replied = await api.post(EVENTS, { type: 'reply', email, campaign_id: first.campaignId }).expect(200);
      expect(replied.body.data.enrollments).toEqual([
        { id: first.enrollmentId, campaign_id: first.campaignId, status: 'replied', changed: true },
      ]);
      expect(await fx.result(first)).toEqual({ status: 'replied', stepsSent: 1 });
      expect((await fx.enrollmentRow(second.enrollmentId))?.status).toBe('active');

      const stopped = await api.post(EVENTS, { type: 'stop', email }).expect(200);
      expect(stopped.body.data.enrollments).toEqual([
        { id: first.enrollmentId, campaign_id: first.campaignId, status: 'replied', changed: false },
        { id: second.enrollmentId, campaign_id: second.campaignId, status: 'stopped', changed: true },
      ]);
      expect(await fx.result(second)).toEqual({ status: 'stopped', stepsSent: 1 });
    });

    it('when a bounce is reported by email, then the contact and its enrollment end "bounced" with bounced_at set', async () => {
      const enrolled = await running(60);

      const response = await api.post(EVENTS, { type: 'bounce', email: enrolled.email }).expect(200);
      expect(response.body.data).toMatchObject({
        contact: { status: 'bounced' },
        contact_changed: true,
        affected: 1,
        enrollments: [{ id: enrolled.enrollmentId, status: 'bounced', changed: true }],
      });
      expect(await fx.result(enrolled)).toEqual({ status: 'bounced', stepsSent: 1 });
      const [bounced] = await stack.db.repos.enrollmentControl.messages(enrolled.enrollmentId);
      expect(bounced?.bouncedAt).toBeInstanceOf(Date);

      const again = await api.post(EVENTS, { type: 'bounce', email: enrolled.email }).expect(200);
      expect(again.body.data).toMatchObject({ contact_changed: false, affected: 0 });
      const [after] = await stack.db.repos.enrollmentControl.messages(enrolled.enrollmentId);
      expect(after?.bouncedAt).toEqual(bounced?.bouncedAt);
    });

    it('when pause and resume are reported by email, then the follow-up waits, then goes out once', async () => {
      const enrolled = await running(3);

      const paused = await api.post(EVENTS, { type: 'pause', email: enrolled.email }).expect(200);
      expect(paused.body.data).toMatchObject({ affected: 1, enrollments: [{ status: 'paused', changed: true }] });
      await sleep(4_500);
      expect(await fx.subjects(enrolled.email)).toEqual(['First']);

      const resumed = await api.post(EVENTS, { type: 'resume', email: enrolled.email }).expect(200);
      expect(resumed.body.data).toMatchObject({ affected: 1, enrollments: [{ status: 'active', changed: true }] });
      expect(await fx.result(enrolled)).toEqual({ status: 'completed', stepsSent: 2 });
      const again = await api.post(EVENTS, { type: 'resume', email: enrolled.email }).expect(200);
      expect(again.body.data).toMatchObject({ affected: 0, enrollments: [{ status: 'completed', changed: false }] });
      expect(await fx.subjects(enrolled.email)).toEqual(['First', 'Second']);
    });

    it.each([
      [{ type: 'reply' }, 'body: give either enrollment_id or email (one of them, not both)'],
      [
        { type: 'reply', email: 'a@example.test', enrollment_id: '00000000-0000-4000-8000-000000000000' },
        'body: give either enrollment_id or email (one of them, not both)',
      ],
      [{ type: 'opened', email: 'a@example.test' }, expect.stringMatching(/^type: /)],
      [
        { type: 'stop', email: 'a@example.test', delay_minutes: 5 },
        'delay_minutes: delay_minutes applies to resume events only',
      ],
      [{ type: 'stop', enrollment_id: 'not-a-uuid' }, expect.stringMatching(/^enrollment_id: /)],
      [{ type: 'stop', email: 'not an address' }, 'email: "not an address" is not a valid email address'],
    ])('when the event is %j, then 422 validation_failed', async (body, error) => {
      const response = await api.post(EVENTS, body).expect(422);
      expect(response.body).toMatchObject({ code: 'validation_failed', errors: [error] });
    });

    it('when nothing in the organization matches, then 404 with the code of what is unknown', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      const email = uniqueEmail('nobody');
      await api.post(EVENTS, { type: 'stop', enrollment_id: unknown }).expect(404);
      expect((await api.post(EVENTS, { type: 'stop', email })).body.code).toBe('contact_not_found');
      expect((await api.post(EVENTS, { type: 'stop', email, campaign_id: unknown })).body.code).toBe(
        'campaign_not_found',
      );
    });
  });

  describe('GET /campaigns/:id/enrollments and …/messages', () => {
    it('when listed by status and page, then the pages are stable, in creation order, and count the total', async () => {
      const campaignId = await fx.createCampaign();
      const enrolled: Enrolled[] = [];
      for (let index = 0; index < 5; index += 1) enrolled.push(await fx.enroll(campaignId, uniqueEmail('page')));
      for (const stopped of enrolled.slice(1, 3)) await control(stopped, 'stop').expect(200);
      // Read apart from the repository the API pages with, so the order is checked against the table itself.
      const inOrder = (
        await fx.sql<{ id: string }>('SELECT id FROM enrollments WHERE campaign_id = $1 ORDER BY created_at, id', [
          campaignId,
        ])
      ).map((row) => row.id);
      const list = (query: string) => api.get(`${CAMPAIGNS}/${campaignId}/enrollments?${query}`).expect(200);

      const pages = [];
      for (const page of [1, 2, 3]) pages.push((await list(`per_page=2&page=${page}`)).body.data);
      expect(pages.map((page) => page.enrollments.length)).toEqual([2, 2, 1]);
      expect(pages.flatMap((page) => page.enrollments.map((row: { id: string }) => row.id))).toEqual(inOrder);
      expect(pages[0].pagination).toEqual({ current_page: 1, per_page: 2, total_pages: 3, total: 5 });
      expect(pages[0].enrollments[0]).toMatchObject({
        contact_email: expect.stringContaining('@'),
        status: expect.any(String),
      });

      const stopped = (await list('status=stopped')).body.data;
      expect(stopped.pagination.total).toBe(2);
      expect(stopped.enrollments.map((row: { id: string }) => row.id).sort()).toEqual(
        enrolled
          .slice(1, 3)
          .map((row) => row.enrollmentId)
          .sort(),
      );
      expect((await list('status=pending')).body.data.pagination.total).toBe(3);
      expect((await list('status=pending,stopped&per_page=500')).body.data.enrollments).toHaveLength(5);
      expect((await list('status=active')).body.data).toMatchObject({ enrollments: [], pagination: { total: 0 } });
    });

    it('when the query is invalid, then 422 naming the parameter', async () => {
      const campaignId = await fx.createCampaign();
      const bad = (query: string) => api.get(`${CAMPAIGNS}/${campaignId}/enrollments?${query}`).expect(422);
      expect((await bad('status=sleeping')).body.errors).toEqual([expect.stringMatching(/^status\./)]);
      expect((await bad('per_page=501')).body.errors).toEqual([expect.stringMatching(/^per_page: /)]);
      expect((await bad('page=0')).body.errors).toEqual([expect.stringMatching(/^page: /)]);
    });

    it('when a sequence has run, then its message history shows every step sent, in order', async () => {
      const enrolled = await fx.start(uniqueEmail('history'), 0.5);
      expect(await fx.result(enrolled)).toEqual({ status: 'completed', stepsSent: 2 });

      const response = await api
        .get(`${CAMPAIGNS}/${enrolled.campaignId}/enrollments/${enrolled.enrollmentId}/messages`)
        .expect(200);
      expect(response.body.total).toBe(2);
      expect(response.body.data).toEqual(
        ['First', 'Second'].map((subject, index) => ({
          direction: 'outbound',
          kind: 'step',
          id: expect.any(String),
          step: index + 1,
          variant_label: null,
          message_id: expect.stringMatching(/^<.+@.+>$/),
          status: 'sent',
          subject,
          to_email: enrolled.email,
          sent_at: expect.any(String),
          opened_at: null,
          clicked_at: null,
          replied_at: null,
          bounced_at: null,
          smtp_response: expect.any(String),
          replies: [],
          body_text: expect.any(String),
          body_html: expect.any(String),
          at: expect.any(String),
        })),
      );
    });
  });

  describe("another organization's enrollments and contacts", () => {
    it('when another organization acts on them, then 404 and nothing changes', async () => {
      const campaignId = await fx.createCampaign();
      const theirs = await fx.enroll(campaignId, uniqueEmail('isolated'));
      const other = stack.api((await stack.newOrganization()).apiKey);
      const ownCampaign = await enrollmentFixtures(stack, other).createCampaign();
      const path = `${CAMPAIGNS}/${theirs.campaignId}/enrollments/${theirs.enrollmentId}`;
      const inOwn = `${CAMPAIGNS}/${ownCampaign}/enrollments/${theirs.enrollmentId}`;

      for (const action of ['pause', 'resume', 'stop', 'unsubscribe']) {
        expect((await other.post(`${path}/${action}`).expect(404)).body.code).toBe('campaign_not_found');
        expect((await other.post(`${inOwn}/${action}`).expect(404)).body.code).toBe('enrollment_not_found');
      }
      expect((await other.get(`${path}/messages`).expect(404)).body.code).toBe('campaign_not_found');
      expect((await other.get(`${inOwn}/messages`).expect(404)).body.code).toBe('enrollment_not_found');
      expect((await other.get(`${CAMPAIGNS}/${theirs.campaignId}/enrollments`).expect(404)).body.code).toBe(
        'campaign_not_found',
      );
      const byId = await other.post(EVENTS, { type: 'stop', enrollment_id: theirs.enrollmentId }).expect(404);
      expect(byId.body.code).toBe('enrollment_not_found');
      const byEmail = await other.post(EVENTS, { type: 'unsubscribe', email: theirs.email }).expect(404);
      expect(byEmail.body.code).toBe('contact_not_found');
      const inTheirCampaign = await other
        .post(EVENTS, { type: 'stop', email: theirs.email, campaign_id: theirs.campaignId })
        .expect(404);
      expect(inTheirCampaign.body.code).toBe('campaign_not_found');
      const contact = await other.post(`/api/v1/contacts/${theirs.contactId}/unsubscribe`).expect(404);
      expect(contact.body.code).toBe('contact_not_found');

      expect((await fx.enrollmentRow(theirs.enrollmentId))?.status).toBe('pending');
      expect(await fx.contactStatus(theirs.contactId)).toBe('active');
    });
  });
});
