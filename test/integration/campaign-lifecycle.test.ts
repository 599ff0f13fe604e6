import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignFixtures } from '../helpers/campaign-fixtures';
import { uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

/** A campaign's life: drafted (pending) → active ⇄ paused → completed, or stopped for good, then archived. */
describe('the campaign lifecycle', () => {
  let stack: TestStack;
  const { createCampaign, enroll, newApi, enrollmentStatus } = campaignFixtures(() => stack);

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  const statusOf = async (api: ApiClient, id: string): Promise<string> =>
    (await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data.status;

  it('when every enrollment has finished and none waits, then the campaign completes; a new dispatch reopens it', async () => {
    const { api } = await newApi();
    const { id } = await createCampaign(api, {
      steps: [
        { subject: 'Hello {{first_name}}', delaySeconds: 0 },
        { subject: '', delaySeconds: 1 },
      ],
    });
    const first = [await enroll(api, id, uniqueEmail('life')), await enroll(api, id, uniqueEmail('life'))];
    const waiting = await enroll(api, id, uniqueEmail('life'), 2);
    await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 1 }).expect(202);

    for (const enrollee of first) {
      await eventually(async () => (await enrollmentStatus(enrollee.enrollmentId)) === 'completed', {
        what: 'batch 1 completed',
      });
    }
    // Batch 2 waits for its dispatch: the campaign has work left.
    expect(await statusOf(api, id)).toBe('active');

    await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 2 }).expect(202);
    await eventually(async () => (await statusOf(api, id)) === 'completed', { what: 'the campaign completed' });
    expect(await enrollmentStatus(waiting.enrollmentId)).toBe('completed');
    expect(
      await messagesTo(
        stack.info,
        [...first, waiting].map((enrollee) => enrollee.email),
      ),
    ).toHaveLength(6);

    const late = await enroll(api, id, uniqueEmail('life'), 3);
    await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 3 }).expect(202);
    expect(await statusOf(api, id)).toBe('active');
    await eventually(async () => (await statusOf(api, id)) === 'completed', { what: 'completed again' });
    expect(await messagesTo(stack.info, [late.email])).toHaveLength(2);

    const refused = await api.post(`${CAMPAIGNS}/${id}/stop`).expect(422);
    expect(refused.body).toMatchObject({ code: 'campaign_not_stoppable', current_state: 'completed' });
    expect((await api.post(`${CAMPAIGNS}/${id}/archive`).expect(200)).body.data.status).toBe('archived');
    expect((await api.post(`${CAMPAIGNS}/${id}/archive`).expect(200)).body.data.status).toBe('archived');
    await enroll(api, id, uniqueEmail('life'), 4);
    const closed = await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 4 }).expect(422);
    expect(closed.body.code).toBe('campaign_not_dispatchable');
  });

  it('when stopped, then nothing more is sent, unstarted enrollments end stopped, and it cannot come back', async () => {
    const { api } = await newApi();
    const { id } = await createCampaign(api, {
      steps: [
        { subject: 'Hello {{first_name}}', delaySeconds: 0 },
        { subject: '', delaySeconds: 8 },
      ],
    });
    const running = await enroll(api, id, uniqueEmail('stop'));
    const never = await enroll(api, id, uniqueEmail('stop'), 2);
    await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 1 }).expect(202);
    await eventually(async () => (await messagesTo(stack.info, [running.email])).length === 1, { what: 'step 1' });
    await api.post(`${CAMPAIGNS}/${id}/archive`).expect(422);

    const stopped = await api.post(`${CAMPAIGNS}/${id}/stop`).expect(200);

    expect(stopped.body.data).toMatchObject({ status: 'stopped', fanout: { action: 'stop' } });
    expect(await enrollmentStatus(never.enrollmentId)).toBe('stopped');
    await eventually(async () => (await enrollmentStatus(running.enrollmentId)) === 'stopped', {
      what: 'the running enrollment told to stop',
    });
    await new Promise((resolve) => setTimeout(resolve, 9_000)); // step 2 would have been due by now
    expect(await messagesTo(stack.info, [running.email, never.email])).toHaveLength(1);
    expect((await api.post(`${CAMPAIGNS}/${id}/stop`).expect(200)).body.data.status).toBe('stopped');
    expect((await api.post(`${CAMPAIGNS}/${id}/resume`).expect(422)).body.code).toBe('campaign_not_paused');
    expect((await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 2 }).expect(422)).body.code).toBe(
      'campaign_not_dispatchable',
    );
    expect((await api.post(`${CAMPAIGNS}/${id}/archive`).expect(200)).body.data.status).toBe('archived');
  });

  it('when another organization stops or archives a campaign, then it is not found and nothing changes', async () => {
    const { api } = await newApi();
    const { id } = await createCampaign(api);
    const other = await newApi();

    await other.api.post(`${CAMPAIGNS}/${id}/stop`).expect(404);
    await other.api.post(`${CAMPAIGNS}/${id}/archive`).expect(404);

    expect(await statusOf(api, id)).toBe('pending');
  });
});
