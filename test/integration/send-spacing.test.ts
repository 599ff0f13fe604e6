import { enrollmentWorkflowId, stateQuery } from '../../workflows/enrollment/definitions';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

describe("a mailbox's pace: the rest between its sends, and max_new_per_day", () => {
  let stack: TestStack;
  let api: ApiClient;

  beforeAll(async () => {
    stack = await connectTestStack();
    api = stack.api((await stack.newOrganization()).apiKey);
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
});
