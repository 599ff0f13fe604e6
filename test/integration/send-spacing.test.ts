import { enrollmentWorkflowId, stateQuery } from '../../workflows/enrollment/definitions';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { stackWithOrganization, eventually, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

describe("a mailbox's pace: the rest between its sends, and max_new_per_day", () => {
  let stack: TestStack;
  let api: ApiClient;

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  async function dispatch(campaign: Record<string, unknown>, count: number) {
    const body = campaignBody(stack.info, { steps: [{ subject: 'Hello {{first_name}}', delaySeconds: 0 }] });
    const created = await api.post('/api/v1/campaigns', { campaign: { ...body.campaign, ...campaign } }).expect(201);
    const campaignId: string = created.body.data.id;
    const emails = Array.from({ length: count }, (_, index) => uniqueEmail(`pace${index}`));
    const contactIds: string[] = [];
    for (const email of emails) {
      const enrolled = await api
        .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Pat' } })
        .expect(201);
      contactIds.push(enrolled.body.data.contact_id);
    }
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);
    return { campaignId, emails, contactIds };
  }

  it('when min_wait_seconds is 2, then consecutive sends of the mailbox are at least 2 s apart', async () => {
    const { emails } = await dispatch({ min_wait_seconds: 2, max_wait_seconds: 3 }, 3);

    const messages = await eventually(
      async () => {
        const received = await messagesTo(stack.info, emails);
        return received.length === 3 ? received : null;
      },
      { what: 'three spaced sends' },
    );

    const times = messages.map((message) => Date.parse(message.receivedAt)).sort((a, b) => a - b);
    for (let index = 1; index < times.length; index += 1) {
      // The SMTP server's clock at receipt; a little slack for delivery time, none for the rule itself.
      expect(times[index]! - times[index - 1]!).toBeGreaterThanOrEqual(1900);
    }
  });

  it('when max_new_per_day is 2, then 2 of 3 new contacts are emailed today and the third waits for tomorrow', async () => {
    const { campaignId, emails, contactIds } = await dispatch({ max_new_per_day: 2 }, 3);

    await eventually(async () => (await messagesTo(stack.info, emails)).length === 2, { what: 'two sends' });
    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    const waiting = await eventually(
      async () => {
        for (const contactId of contactIds) {
          const state = await stack.temporal.workflow
            .getHandle(enrollmentWorkflowId(campaignId, contactId))
            .query(stateQuery);
          if (state.currentStep === 0 && state.nextSendAt === tomorrow.toISOString()) return state;
        }
        return null;
      },
      { what: 'the third contact to wait for tomorrow' },
    );
    expect(waiting.lastError).toContain('max_new_per_day');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await messagesTo(stack.info, emails)).toHaveLength(2);
  });

  it('when 200 enrollments share 2 mailboxes of daily_limit 30, then exactly 60 first steps go out today', async () => {
    const body = campaignBody(stack.info, {
      dailyLimit: 30,
      steps: [{ subject: 'Hello {{first_name}}', delaySeconds: 0 }],
    });
    const second = { ...body.campaign.smtp_credentials[0]!, smtp_username: `second-${Date.now()}@sender.test` };
    const created = await api
      .post('/api/v1/campaigns', {
        campaign: { ...body.campaign, smtp_credentials: [body.campaign.smtp_credentials[0], second] },
      })
      .expect(201);
    const campaignId: string = created.body.data.id;
    const list = await api.post('/api/v1/lists', { list: { name: 'Two hundred' } }).expect(201);
    const emails = Array.from({ length: 200 }, (_, index) => uniqueEmail(`cap${index}`));
    await api
      .post(`/api/v1/lists/${list.body.data.uuid}/contacts`, {
        contacts: emails.map((email) => ({ email, first_name: 'Cap' })),
      })
      .expect(200);
    await api.post(`/api/v1/campaigns/${campaignId}/enroll`, { list_uuid: list.body.data.uuid }).expect(201);
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);

    // Every enrollment either sent its step or is waiting for tomorrow's room.
    await eventually(
      async () => {
        const [row] = await stack.db.dataSource.query(
          `SELECT count(*) FILTER (WHERE current_step = 1) AS sent,
                  count(*) FILTER (WHERE current_step = 0 AND next_send_at > now() + interval '1 minute') AS waiting
             FROM enrollments WHERE campaign_id = $1`,
          [campaignId],
        );
        return Number(row.sent) + Number(row.waiting) === 200;
      },
      { what: 'all 200 enrollments to settle', timeoutMs: 120_000 },
    );
    const delivered = await messagesTo(stack.info, emails);
    expect(delivered).toHaveLength(60);
    const perMailbox = new Map<string, number>();
    for (const message of delivered)
      perMailbox.set(message.envelopeFrom, (perMailbox.get(message.envelopeFrom) ?? 0) + 1);
    expect([...perMailbox.values()]).toEqual([30, 30]);
    const details = (await api.get(`/api/v1/campaigns/${campaignId}`).expect(200)).body.data;
    expect(details.credentials.map((credential: { sent_today: number }) => credential.sent_today)).toEqual([30, 30]);
  });

  it('when a follow-up and a new first step wait for the same mailbox, then the follow-up goes first', async () => {
    const body = campaignBody(stack.info, {
      steps: [
        { subject: 'First', delaySeconds: 0 },
        { subject: 'Follow-up', delaySeconds: 1 },
      ],
    });
    const created = await api
      .post('/api/v1/campaigns', { campaign: { ...body.campaign, min_wait_seconds: 3, max_wait_seconds: 3 } })
      .expect(201);
    const campaignId: string = created.body.data.id;
    const [early, late] = [uniqueEmail('early'), uniqueEmail('late')];
    await api
      .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email: early, first_name: 'Ea' } })
      .expect(201);
    await api
      .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, {
        contact: { email: late, first_name: 'La' },
        batch_number: 2,
      })
      .expect(201);
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`, { batch_number: 1 }).expect(202);
    await eventually(async () => (await messagesTo(stack.info, [early])).length === 1, { what: "early's first step" });
    // The mailbox now rests 3 s; meanwhile early's follow-up falls due and late's first step is dispatched.
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`, { batch_number: 2 }).expect(202);

    await eventually(async () => (await messagesTo(stack.info, [early, late])).length === 3, {
      what: 'all three sends',
    });
    const order = (await messagesTo(stack.info, [early, late])).map(
      (message) => `${message.envelopeTo[0]} ${message.subject}`,
    );
    expect(order).toEqual([`${early} First`, `${early} Follow-up`, `${late} First`]);
  });
});
