import request from 'supertest';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import {
  PermanentSendError,
  sendStep,
  TransientSendError,
  type StepSenderDeps,
} from '../../src/domain/delivery/step-sender';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { connectTestStack, type ApiClient, type TestStack } from '../helpers/test-stack';

/** A real SMTP server whose answer to RCPT TO depends on the recipient: hard-… → 550, soft-… → 451. */
async function startPickySmtpServer(): Promise<{ port: number; accepted: string[]; close: () => Promise<void> }> {
  const accepted: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
    onRcptTo: (address: SMTPServerAddress, _session, callback) => {
      const reject = (code: number, text: string) => callback(Object.assign(new Error(text), { responseCode: code }));
      if (address.address.startsWith('hard-')) return reject(550, '5.1.1 No such user');
      if (address.address.startsWith('soft-')) return reject(451, '4.2.0 Try again later');
      callback();
    },
    onData: (stream, session, callback) => {
      stream.resume();
      stream.on('end', () => {
        accepted.push(...session.envelope.rcptTo.map((recipient) => recipient.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('sending one step exactly once (real Postgres, real SMTP over TCP)', () => {
  let stack: TestStack;
  let api: ApiClient;
  let smtpServer: Awaited<ReturnType<typeof startPickySmtpServer>>;
  let deps: StepSenderDeps;

  /** A pending enrollment of a 2-step campaign sending to the picky server; nothing is dispatched. */
  async function enroll(email: string, fields: Record<string, string> = { first_name: 'Pat' }, campaignId?: string) {
    if (!campaignId) {
      const body = campaignBody({ ...stack.info, smtpPort: smtpServer.port });
      campaignId = (await api.post('/api/v1/campaigns', body).expect(201)).body.data.id as string;
    }
    const enrollment = await api
      .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email, ...fields } })
      .expect(201);
    return {
      enrollmentId: enrollment.body.data.id as string,
      contactId: enrollment.body.data.contact_id as string,
      campaignId,
    };
  }

  const messageRow = async (enrollmentId: string, position: number) =>
    (await stack.db.repos.messages.findByStep(enrollmentId, position))!;

  beforeAll(async () => {
    stack = await connectTestStack();
    api = stack.api((await stack.newOrganization()).apiKey);
    smtpServer = await startPickySmtpServer();
    deps = stack.senderDeps;
  });

  afterAll(async () => {
    await smtpServer.close();
    await stack.close();
  });

  it('when a step is sent and the activity is retried, then the stored result is returned and nothing is resent', async () => {
    const email = uniqueEmail('once');
    const { enrollmentId } = await enroll(email);

    const first = await sendStep(deps, enrollmentId, 1);
    const retry = await sendStep(deps, enrollmentId, 1);

    expect(first).toMatchObject({ kind: 'sent' });
    expect(retry).toEqual(first);
    expect(smtpServer.accepted.filter((address) => address === email)).toHaveLength(1);
    expect(await messageRow(enrollmentId, 1)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('when sends succeed and bounce, then /metrics counts them by campaign, with the HTTP latency of the API', async () => {
    const { enrollmentId, campaignId } = await enroll(uniqueEmail('counted'));
    const bounced = await enroll(uniqueEmail('hard-counted'), { first_name: 'Pat' }, campaignId);
    await sendStep(deps, enrollmentId, 1);
    await sendStep(deps, bounced.enrollmentId, 1);

    const exposition = (await request(stack.app).get('/metrics').expect(200)).text;

    const series = (name: string, labels: string) => new RegExp(`^${name}\\{${labels}\\} (\\d+)$`, 'm');
    expect(exposition).toMatch(series('sequencer_sends_total', `campaign_id="${campaignId}",outcome="sent"`));
    expect(series('sequencer_sends_total', `campaign_id="${campaignId}",outcome="sent"`).exec(exposition)![1]).toBe(
      '1',
    );
    expect(exposition).toMatch(series('sequencer_sends_total', `campaign_id="${campaignId}",outcome="bounced"`));
    expect(exposition).toMatch(series('sequencer_bounces_total', `campaign_id="${campaignId}",kind="hard"`));
    expect(exposition).toMatch(
      /^sequencer_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/campaigns",status_code="201"\} \d+$/m,
    );
    expect(exposition).toMatch(/^sequencer_nodejs_eventloop_lag_seconds /m);
    expect(exposition).toContain('# TYPE sequencer_mailbox_slot_waits_total counter');
    expect(exposition).toContain('# TYPE sequencer_replies_total counter');
  });

  it("when the Temporal worker's exporter runs in the process, then /metrics carries its series too", async () => {
    const app = stack.appWith({ temporalMetricsUrl: stack.info.temporalMetricsUrl });

    const exposition = (await request(app).get('/metrics').expect(200)).text;

    expect(exposition).toContain('sequencer_sends_total');
    expect(exposition).toMatch(/^temporal_worker_task_slots_available\{/m);
  });

  it('when a crash left the step "sending", then it is flagged unknown and not sent again', async () => {
    const email = uniqueEmail('crashed');
    const { enrollmentId } = await enroll(email);
    await sendStep(deps, enrollmentId, 1);
    // Simulate a worker killed between claiming step 2 and settling it.
    await stack.db.dataSource.query(
      `INSERT INTO messages (organization_id, campaign_id, enrollment_id, step_position, mailbox_id, message_id,
                             to_email, subject, status, attempts)
       SELECT organization_id, campaign_id, enrollment_id, 2, mailbox_id, '<crashed-' || gen_random_uuid() || '@x>',
              to_email, subject, 'sending', 1
         FROM messages WHERE enrollment_id = $1 AND step_position = 1`,
      [enrollmentId],
    );

    const outcome = await sendStep(deps, enrollmentId, 2);

    expect(outcome).toMatchObject({ kind: 'unknown' });
    expect(await messageRow(enrollmentId, 2)).toMatchObject({ status: 'unknown' });
    expect(smtpServer.accepted.filter((address) => address === email)).toHaveLength(1);
  });

  it('when the server answers 5xx to the recipient, then it is a hard bounce: message bounced, contact bounced', async () => {
    const { enrollmentId, contactId } = await enroll(uniqueEmail('hard'));

    const outcome = await sendStep(deps, enrollmentId, 1);

    expect(outcome).toMatchObject({ kind: 'stopped', status: 'bounced' });
    expect(await messageRow(enrollmentId, 1)).toMatchObject({ status: 'bounced', bouncedAt: expect.any(Date) });
    const contact = (await stack.db.repos.contacts.findManyByIds([contactId])).get(contactId);
    expect(contact!.status).toBe('bounced');
  });

  it('when the server answers 4xx, then the send fails as retryable and each retry is a new, counted attempt', async () => {
    const { enrollmentId } = await enroll(uniqueEmail('soft'));

    await expect(sendStep(deps, enrollmentId, 1)).rejects.toBeInstanceOf(TransientSendError);
    expect(await messageRow(enrollmentId, 1)).toMatchObject({ status: 'failed', attempts: 1 });

    await expect(sendStep(deps, enrollmentId, 1)).rejects.toBeInstanceOf(TransientSendError);
    expect(await messageRow(enrollmentId, 1)).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('when the contact unsubscribed before the send, then nothing is sent and the sequence stops', async () => {
    const email = uniqueEmail('gone');
    const { enrollmentId, contactId } = await enroll(email);
    await stack.db.repos.enrollmentControl.setContactStatus(contactId, ['active'], 'unsubscribed');

    const outcome = await sendStep(deps, enrollmentId, 1);

    expect(outcome).toMatchObject({ kind: 'stopped', status: 'unsubscribed' });
    expect(await stack.db.repos.messages.findByStep(enrollmentId, 1)).toBeNull();
    expect(smtpServer.accepted).not.toContain(email);
  });

  it('when every mailbox is at its daily limit, then step 1 is deferred to the next UTC day and nothing is sent', async () => {
    const body = campaignBody({ ...stack.info, smtpPort: smtpServer.port }, { dailyLimit: 1 });
    const campaignId: string = (await api.post('/api/v1/campaigns', body).expect(201)).body.data.id;
    const first = await enroll(uniqueEmail('first'), { first_name: 'Pat' }, campaignId);
    const secondEmail = uniqueEmail('second');
    const second = await enroll(secondEmail, { first_name: 'Pat' }, campaignId);

    expect(await sendStep(deps, first.enrollmentId, 1)).toMatchObject({ kind: 'sent' });
    const outcome = await sendStep(deps, second.enrollmentId, 1);

    const tomorrow = new Date();
    tomorrow.setUTCHours(24, 0, 0, 0);
    expect(outcome).toMatchObject({ kind: 'deferred', until: tomorrow.getTime() });
    expect(await stack.db.repos.messages.findByStep(second.enrollmentId, 1)).toBeNull();
    expect(smtpServer.accepted).not.toContain(secondEmail);
  });

  it('when a stored step reads a file (old data, saved before templates were checked), then it fails for good and sends nothing', async () => {
    const email = uniqueEmail('include');
    const { enrollmentId, campaignId } = await enroll(email);
    await stack.db.dataSource.query(
      `UPDATE sequence_steps SET body_html = '{% include "package.json" %}' WHERE campaign_id = $1 AND position = 1`,
      [campaignId],
    );

    const failure = sendStep(deps, enrollmentId, 1);

    await expect(failure).rejects.toMatchObject({ name: 'PermanentSendError', type: 'InvalidTemplate' });
    await expect(failure).rejects.toThrow(/include.*not allowed/);
    expect(await stack.db.repos.messages.findByStep(enrollmentId, 1)).toBeNull();
    expect(smtpServer.accepted).not.toContain(email);
  });

  it('when a merge field is missing, then the send fails permanently naming the contact and the field', async () => {
    const email = uniqueEmail('nameless');
    const { enrollmentId } = await enroll(email, {});

    const failure = sendStep(deps, enrollmentId, 1);

    await expect(failure).rejects.toBeInstanceOf(PermanentSendError);
    await expect(failure).rejects.toThrow(new RegExp(`${email}.*"first_name"`));
    expect(await stack.db.repos.messages.findByStep(enrollmentId, 1)).toBeNull();
  });
});
