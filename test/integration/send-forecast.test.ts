import { campaignBody, uniqueEmail } from '../helpers/factories';
import { stackWithOrganization, eventually, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

describe('GET /campaigns/:id/send_forecast', () => {
  let stack: TestStack;
  let api: ApiClient;

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  it('when a short campaign is dispatched, then the sends that happen today match the forecast', async () => {
    const body = campaignBody(stack.info, {
      dailyLimit: 2,
      steps: [
        { subject: 'One', delaySeconds: 0 },
        { subject: 'Two', delaySeconds: 2 },
      ],
    });
    const campaignId: string = (await api.post('/api/v1/campaigns', body).expect(201)).body.data.id;
    const emails = Array.from({ length: 5 }, (_, index) => uniqueEmail(`forecast${index}`));
    for (const email of emails) {
      await api
        .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Fay' } })
        .expect(201);
    }
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);

    const forecast = (await api.get(`/api/v1/campaigns/${campaignId}/send_forecast?days=3`).expect(200)).body.data;

    // Limit 2 a day: two contacts get both steps today, two tomorrow, the fifth the day after.
    expect(forecast.days.map((day: { by_step: object }) => day.by_step)).toEqual([
      { 1: 2, 2: 2 },
      { 1: 2, 2: 2 },
      { 1: 1, 2: 1 },
    ]);
    expect(forecast.beyond_horizon).toBe(0);
    const today = forecast.days[0];
    await eventually(async () => (await messagesTo(stack.info, emails)).length >= today.total, {
      what: "today's forecast sends",
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // nothing more may go out today
    const sent = await messagesTo(stack.info, emails);
    expect(sent).toHaveLength(today.total);
    expect(sent.filter((message) => message.subject === 'One')).toHaveLength(today.by_step[1]);

    // And the forecast taken now (limit used) moves the rest to the coming days.
    const later = (await api.get(`/api/v1/campaigns/${campaignId}/send_forecast?days=3`).expect(200)).body.data;
    expect(later.days[0].total).toBe(0);
    expect(later.days.slice(1).map((day: { by_step: object }) => day.by_step)).toEqual([
      { 1: 2, 2: 2 },
      { 1: 1, 2: 1 },
    ]);
  });

  it('when days is out of range or the campaign unknown, then 422 or 404', async () => {
    const body = campaignBody(stack.info);
    const campaignId: string = (await api.post('/api/v1/campaigns', body).expect(201)).body.data.id;
    await api.get(`/api/v1/campaigns/${campaignId}/send_forecast?days=31`).expect(422);
    await api.get(`/api/v1/campaigns/${crypto.randomUUID()}/send_forecast`).expect(404);
  });
});
