import fs from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { simpleParser } from 'mailparser';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TemporalEnrollmentWorkflows } from '../../src/temporal/enrollment-workflows';
import { enrollmentWorkflowId } from '../../workflows/enrollment/definitions';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import {
  stackWithOrganization,
  eventually,
  messagesTo,
  rawMessage,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

const STEPS = [
  { subject: 'Step 1 for {{first_name}}', delaySeconds: 0 },
  { subject: 'Step 2 for {{first_name}} at {{company | default: "your team"}}', delaySeconds: 2 },
  { subject: 'Step 3 for {{first_name}}', delaySeconds: 2 },
];
const HISTORY_FIXTURE = path.join(__dirname, '..', 'workflows', 'histories', 'enrollment-3-steps.json');

describe('a first real sequence: 3 steps, 3 contacts, real Temporal, Postgres and SMTP', () => {
  let stack: TestStack;
  let api: ApiClient;
  let campaignId: string;
  const contacts = [
    { email: uniqueEmail('ann'), first_name: 'Ann', company: 'Acme' },
    { email: uniqueEmail('bob'), first_name: 'Bob' },
    { email: uniqueEmail('cyd'), first_name: 'Cyd', company: 'Initech' },
  ];
  const enrollmentIds: string[] = [];
  const contactIds: string[] = [];

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());

    const created = await api.post('/api/v1/campaigns', campaignBody(stack.info, { steps: STEPS })).expect(201);
    campaignId = created.body.data.id;
    for (const contact of contacts) {
      const enrolled = await api.post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact }).expect(201);
      enrollmentIds.push(enrolled.body.data.id);
      contactIds.push(enrolled.body.data.contact_id);
    }
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('delivers exactly 9 messages, each contact getting steps 1, 2, 3 in order with rendered subjects', async () => {
    const emails = contacts.map((contact) => contact.email);
    await eventually(async () => (await messagesTo(stack.info, emails)).length >= 9, { what: '9 messages' });
    await waitForCompletion(stack, api, campaignId);
    const messages = await messagesTo(stack.info, emails);
    expect(messages).toHaveLength(9);

    for (const contact of contacts) {
      const own = messages.filter((message) => message.envelopeTo.includes(contact.email));
      const company = contact.company ?? 'your team';
      expect(own.map((message) => message.subject)).toEqual([
        `Step 1 for ${contact.first_name}`,
        `Step 2 for ${contact.first_name} at ${company}`,
        `Step 3 for ${contact.first_name}`,
      ]);
      // Follow-ups continue the thread of the earlier steps.
      expect(own[1]!.inReplyTo).toBe(own[0]!.messageId);
      expect(own[2]!.inReplyTo).toBe(own[1]!.messageId);
      const step3 = await simpleParser(await rawMessage(stack.info, own[2]!));
      expect(step3.references).toEqual([own[0]!.messageId, own[1]!.messageId]);
      expect(step3.text?.trim()).toBe(`Hi ${contact.first_name}, this is step 3.`);
      expect(step3.from?.value[0]?.name).toBe('Sequencer Tests');
    }
  });

  it('lists the campaign in GET /campaigns, completed once its last enrollment finished', async () => {
    // The last send's settle completes the campaign a moment after its message arrives.
    await eventually(
      async () => (await api.get(`/api/v1/campaigns/${campaignId}`).expect(200)).body.data.status === 'completed',
      {
        what: 'the campaign completed',
      },
    );
    const response = await api.get('/api/v1/campaigns').expect(200);
    expect(response.body).toMatchObject({ status: 'success', total: 1 });
    expect(response.body.data).toEqual([expect.objectContaining({ id: campaignId, status: 'completed' })]);
  });

  it('counts the sends in GET /campaigns/:id', async () => {
    const response = await api.get(`/api/v1/campaigns/${campaignId}`).expect(200);
    expect(response.body.status).toBe('success');
    expect(response.body.data.status).toBe('completed');
    expect(response.body.data.totals).toMatchObject({ pending: 0, sent: 9, completed: 3, bounced: 0 });
    expect(response.body.data.rates).toEqual({ bounce_rate: 0, open_rate: 0, reply_rate: 0 });
    // The daily limit counts new conversations: 3 first steps (the 6 follow-ups are not counted).
    expect(response.body.data.credentials[0]).toMatchObject({ sent_today: 3 });
    expect(JSON.stringify(response.body)).not.toContain('secret-password');
  });

  it('shows each enrollment completed after its third step', async () => {
    for (const enrollmentId of enrollmentIds) {
      const response = await api.get(`/api/v1/campaigns/${campaignId}/enrollments/${enrollmentId}`).expect(200);
      expect(response.body.data).toMatchObject({ status: 'completed', current_step: 3, next_send_at: null });
    }
  });

  it('refuses to enroll the same contact twice and never starts a second workflow', async () => {
    const again = await api
      .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact_id: contactIds[0] })
      .expect(422);
    expect(again.body).toMatchObject({ status: 'error', code: 'contact_already_enrolled' });

    // Even a direct second start through the workflow port is absorbed by the workflow id.
    await new TemporalEnrollmentWorkflows(stack.temporal, stack.info.taskQueue).start({
      enrollmentId: enrollmentIds[0]!,
      campaignId,
      contactId: contactIds[0]!,
      workflowId: enrollmentWorkflowId(campaignId, contactIds[0]!),
      firstStep: { step: null, totalSteps: 3 },
      startedAt: Date.now(),
    });
    const runs = [];
    for await (const run of stack.temporal.workflow.list({
      query: `WorkflowId = '${enrollmentWorkflowId(campaignId, contactIds[0]!)}'`,
    })) {
      runs.push(run);
    }
    expect(runs).toHaveLength(1);
    expect((await messagesTo(stack.info, [contacts[0]!.email])).length).toBe(3);
  });

  it('replays the recorded history of a finished enrollment deterministically', async () => {
    const history = await stack.temporal.workflow
      .getHandle(enrollmentWorkflowId(campaignId, contactIds[0]!))
      .fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history);
    // `UPDATE_HISTORIES=1 npm test` refreshes the fixture that test/workflows replays on every run.
    if (process.env.UPDATE_HISTORIES === '1') await fs.writeFile(HISTORY_FIXTURE, `${historyToJSON(history)}\n`);
  });
});

async function waitForCompletion(stack: TestStack, api: ApiClient, campaignId: string): Promise<void> {
  await eventually(
    async () => {
      const response = await api.get(`/api/v1/campaigns/${campaignId}`);
      return response.body.data?.totals?.completed === 3;
    },
    { what: 'all enrollments to complete' },
  );
}
