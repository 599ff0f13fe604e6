import fs from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import {
  enrollmentWorkflowId,
  pauseSignal,
  resumeSignal,
  stateQuery,
  stopSignal,
  type EnrollmentResult,
} from '../../workflows/enrollment/definitions';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import {
  connectTestStack,
  stackWithOrganization,
  eventually,
  messagesTo,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

describe('steering a running enrollment with its signals (pause, resume, stop)', () => {
  let stack: TestStack;
  let api: ApiClient;

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Dispatches one contact into a campaign whose step 2 comes `delaySeconds` after step 1; waits for step 1. */
  async function startEnrollment(delaySeconds: number) {
    const email = uniqueEmail('steer');
    const body = campaignBody(stack.info, {
      steps: [
        { subject: 'First', delaySeconds: 0 },
        { subject: 'Second', delaySeconds },
      ],
    });
    const campaign = await api.post('/api/v1/campaigns', body).expect(201);
    const campaignId: string = campaign.body.data.id;
    const enrolled = await api
      .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Sam' } })
      .expect(201);
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);
    await eventually(async () => (await messagesTo(stack.info, [email])).length === 1, { what: 'step 1' });
    const handle = stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, enrolled.body.data.contact_id));
    return { email, campaignId, enrollmentId: enrolled.body.data.id as string, handle };
  }

  it('when paused during a delay, then the due step waits; when resumed, then it is sent', async () => {
    const { email, handle } = await startEnrollment(2);

    await handle.signal(pauseSignal);
    await eventually(async () => (await handle.query(stateQuery)).paused, { what: 'the paused state' });
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // step 2 is due meanwhile

    expect(await messagesTo(stack.info, [email])).toHaveLength(1);
    expect(await handle.query(stateQuery)).toMatchObject({ status: 'paused', nextStep: 2, nextSendAt: null });

    await handle.signal(resumeSignal, {});
    const result: EnrollmentResult = await handle.result();
    expect(result).toEqual({ status: 'completed', stepsSent: 2 });
    expect((await messagesTo(stack.info, [email])).map((message) => message.subject)).toEqual(['First', 'Second']);
    // `UPDATE_HISTORIES=1 npm test` refreshes the fixture test/workflows replays, so signal paths stay deterministic.
    if (process.env.UPDATE_HISTORIES === '1') {
      const file = path.join(__dirname, '..', 'workflows', 'histories', 'enrollment-pause-resume.json');
      await fs.writeFile(file, `${historyToJSON(await handle.fetchHistory())}\n`);
    }
  });

  it('when resumed with delayMinutes, then the next send is pushed at least that far', async () => {
    const { handle } = await startEnrollment(2);

    await handle.signal(pauseSignal);
    const resumedAt = Date.now();
    await handle.signal(resumeSignal, { delayMinutes: 10 });

    // Fails by timing out if the schedule never moves at least 10 minutes past the resume.
    const state = await eventually(
      async () => {
        const current = await handle.query(stateQuery);
        const pushed = current.nextSendAt !== null && Date.parse(current.nextSendAt) >= resumedAt + 10 * 60_000;
        return pushed ? current : null;
      },
      { what: 'the next send to move 10 minutes past the resume', timeoutMs: 20_000 },
    );
    expect(state).toMatchObject({ paused: false, status: 'active', nextStep: 2 });
    await handle.signal(stopSignal);
    await handle.result();
  });

  it('when stopped during a delay, then it ends "stopped" without sending the next step', async () => {
    const { email, campaignId, enrollmentId, handle } = await startEnrollment(60);

    await handle.signal(stopSignal);

    expect(await handle.result()).toEqual({ status: 'stopped', stepsSent: 1 });
    const enrollment = await api.get(`/api/v1/campaigns/${campaignId}/enrollments/${enrollmentId}`).expect(200);
    expect(enrollment.body.data).toMatchObject({ status: 'stopped', current_step: 1, next_send_at: null });
    expect(await messagesTo(stack.info, [email])).toHaveLength(1);
  });

  it('while sleeping, then operators can find it by its search attributes', async () => {
    const { campaignId, handle } = await startEnrollment(60);

    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const run of stack.temporal.workflow.list({
          query: `CampaignId = '${campaignId}' AND EnrollmentStatus = 'active'`,
        })) {
          ids.push(run.workflowId);
        }
        return ids.length > 0 ? ids : null;
      },
      { what: 'the visibility record' },
    );
    expect(found).toEqual([handle.workflowId]);
    await handle.signal(stopSignal);
    await handle.result();
  });
});

describe('an enrollment whose mailboxes are all at their daily limit', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  it('then it waits, still active, for the limits to reset at the next UTC midnight instead of failing', async () => {
    const api = stack.api((await stack.newOrganization()).apiKey);
    const emails = [uniqueEmail('today'), uniqueEmail('tomorrow')];
    const campaign = await api.post('/api/v1/campaigns', campaignBody(stack.info, { dailyLimit: 1 })).expect(201);
    const campaignId: string = campaign.body.data.id;
    const enrollments: { contact_id: string }[] = [];
    for (const email of emails) {
      const enrolled = await api
        .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Lee' } })
        .expect(201);
      enrollments.push(enrolled.body.data);
    }
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);

    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    const waiting = await eventually(
      async () => {
        for (const enrollment of enrollments) {
          const state = await stack.temporal.workflow
            .getHandle(enrollmentWorkflowId(campaignId, enrollment.contact_id))
            .query(stateQuery);
          if (state.currentStep === 0 && state.nextSendAt === tomorrow.toISOString()) return { enrollment, state };
        }
        return null;
      },
      { what: 'one enrollment deferred to tomorrow' },
    );
    expect(waiting.state).toMatchObject({ status: 'active', lastError: expect.stringContaining('daily limit') });
    expect(await messagesTo(stack.info, emails)).toHaveLength(1);

    const handle = stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, waiting.enrollment.contact_id));
    await handle.signal(stopSignal);
    expect(await handle.result()).toEqual({ status: 'stopped', stepsSent: 0 });
  });
});
