import { DateTime } from 'luxon';
import { nextWindowOpening } from '../../src/domain/delivery/sending-window';
import { enrollmentWorkflowId, stateQuery } from '../../workflows/enrollment/definitions';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { stackWithOrganization, eventually, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

describe('sending windows on the real stack', () => {
  let stack: TestStack;
  let api: ApiClient;

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  it("when the campaign's window is closed now, then nothing is sent and the step waits for the opening", async () => {
    // A window on tomorrow's weekday only (in the campaign's zone): closed now, opening at tomorrow's start hour.
    const zone = 'Asia/Tokyo';
    const tomorrow = DateTime.now().setZone(zone).plus({ days: 1 });
    const schedule = { timezone: zone, days: [tomorrow.weekday % 7], start_hour: 9, end_hour: 17 };
    const body = campaignBody(stack.info, { steps: [{ subject: 'Hello {{first_name}}', delaySeconds: 0 }] });
    const created = await api.post('/api/v1/campaigns', { campaign: { ...body.campaign, schedule } }).expect(201);
    const campaignId: string = created.body.data.id;
    const email = uniqueEmail('windowed');
    const enrolled = await api
      .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Win' } })
      .expect(201);
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);

    const expected = nextWindowOpening(
      { timezone: zone, days: schedule.days, startHour: 9, endHour: 17 },
      null,
      new Date(),
    ).toISOString();
    const handle = stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, enrolled.body.data.contact_id));
    const state = await eventually(
      async () => {
        const current = await handle.query(stateQuery);
        return current.nextSendAt === expected ? current : null;
      },
      { what: 'the step to wait for the window' },
    );

    expect(state).toMatchObject({ status: 'active', currentStep: 0, lastError: expect.stringContaining('window') });
    expect(await messagesTo(stack.info, [email])).toHaveLength(0);
  });

  it("when the contact's own timezone puts it inside the window, then it is sent now", async () => {
    // Open all day, every day, but only in a zone where it is currently between 00:00 and 24:00 — always true —
    // while the campaign's zone window (one hour, far from now) is closed: the contact's zone decides.
    const campaignZone = 'UTC';
    const closedHour = (DateTime.utc().hour + 12) % 24;
    const schedule = {
      timezone: campaignZone,
      days: [0, 1, 2, 3, 4, 5, 6],
      start_hour: closedHour,
      end_hour: closedHour + 1,
    };
    const body = campaignBody(stack.info, { steps: [{ subject: 'Hello {{first_name}}', delaySeconds: 0 }] });
    const created = await api.post('/api/v1/campaigns', { campaign: { ...body.campaign, schedule } }).expect(201);
    const campaignId: string = created.body.data.id;
    // A zone 12 hours away from UTC, where that hour is the current one.
    const contactZone = DateTime.utc().hour + 12 < 24 ? 'Etc/GMT-12' : 'Etc/GMT+12';
    const [inside, outside] = [uniqueEmail('inside'), uniqueEmail('outside')];
    for (const [email, timezone] of [
      [inside, contactZone],
      [outside, null],
    ] as const) {
      await api
        .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, {
          contact: { email, first_name: 'Tz', ...(timezone ? { timezone } : {}) },
        })
        .expect(201);
    }
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);

    await eventually(async () => (await messagesTo(stack.info, [inside])).length === 1, { what: 'the in-window send' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await messagesTo(stack.info, [outside])).toHaveLength(0);
  });
});
