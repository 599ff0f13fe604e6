import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { enrollmentWorkflowId } from '../../workflows/enrollment/definitions';
import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { freePorts } from '../helpers/ports';
import { startScriptedSmtpServer, type ScriptedSmtpServer } from '../helpers/scripted-smtp-server';
import { connectTestStack, eventually, type ApiClient, type TestStack } from '../helpers/test-stack';

/**
 * A mailbox whose SMTP server refuses it, or cannot be reached, on the real stack: the enrollment workflows run on
 * the suite's worker against real SMTP servers over TCP, and what they do is read back through the API. The sends'
 * own outcomes (sendStep called directly) are in send-failures.test.ts.
 */
describe('mailboxes in error and unreachable servers: rotation and the waiting state', () => {
  let stack: TestStack;
  let api: ApiClient;
  /** Accepts every login and message. */
  let healthy: ScriptedSmtpServer;
  /** Refuses every login (535), counting them. */
  let refusing: RefusingSmtpServer;

  beforeAll(async () => {
    stack = await connectTestStack();
    api = stack.api((await stack.newOrganization()).apiKey);
    healthy = await startScriptedSmtpServer();
    refusing = await startRefusingSmtpServer();
  });

  afterAll(async () => {
    await healthy.close();
    await refusing.close();
    await stack.close();
  });

  type Mailbox = { port: number; dailyLimit: number };

  /** A one-step campaign (subject First) sending from a mailbox per entry of `mailboxes`, in that order. */
  async function createCampaign(mailboxes: Mailbox[]): Promise<string> {
    const body = campaignBody(stack.info, { steps: [{ subject: 'First', delaySeconds: 0 }] });
    const template = body.campaign.smtp_credentials[0]!;
    body.campaign.smtp_credentials = mailboxes.map(({ port, dailyLimit }) => ({
      ...template,
      smtp_port: port,
      smtp_username: `sender-${crypto.randomBytes(4).toString('hex')}@sender.test`,
      daily_limit: dailyLimit,
    }));
    return (await api.post(CAMPAIGNS, body).expect(201)).body.data.id as string;
  }

  async function enroll(campaignId: string, email: string) {
    const response = await api
      .post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Robin' } })
      .expect(201);
    return { email, enrollmentId: response.body.data.id as string, contactId: response.body.data.contact_id as string };
  }

  const dispatch = async (campaignId: string) => {
    await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(202);
  };

  /** The campaign's mailbox on `port`, as GET /campaigns/:id shows it. */
  const credentialOn = async (campaignId: string, port: number) => {
    const credentials = (await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data.credentials as {
      id: string;
      smtp_port: number;
      smtp_username: string;
      status: string;
      smtp_error: string | null;
      smtp_error_at: string | null;
    }[];
    return credentials.find((credential) => credential.smtp_port === port)!;
  };

  /** GET /campaigns/:id/enrollments/:eid: the enrollment row and its workflow's live state. */
  const enrollmentDetails = async (campaignId: string, enrollmentId: string) =>
    (await api.get(`${CAMPAIGNS}/${campaignId}/enrollments/${enrollmentId}`).expect(200)).body.data as {
      status: string;
      mailbox_id: string | null;
      workflow: {
        status: string;
        next_step: number | null;
        next_send_at: string | null;
        last_error: string | null;
      } | null;
    };

  const result = (campaignId: string, contactId: string) =>
    stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, contactId)).result();

  it('when a mailbox of the campaign is in error, then new enrollments start from its healthy mailbox and none fails', async () => {
    // The refusing mailbox has the most room, so it is the one step 1 takes first, and would take again.
    const campaignId = await createCampaign([
      { port: refusing.port, dailyLimit: 1000 },
      { port: healthy.port, dailyLimit: 500 },
    ]);
    const probe = await enroll(campaignId, uniqueEmail('rotation-probe'));
    await dispatch(campaignId);
    const broken = await eventually(
      async () => {
        const mailbox = await credentialOn(campaignId, refusing.port);
        return mailbox.status === 'error' && mailbox;
      },
      { what: 'the refusing mailbox in error' },
    );
    const sound = await credentialOn(campaignId, healthy.port);

    const later = await Promise.all([1, 2, 3, 4].map((n) => enroll(campaignId, uniqueEmail(`rotation-${n}`))));
    await dispatch(campaignId);
    const results = await Promise.all([probe, ...later].map(({ contactId }) => result(campaignId, contactId)));

    expect(broken).toMatchObject({ smtp_error: expect.stringMatching(/^535 /), smtp_error_at: expect.any(String) });
    for (const outcome of results) expect(outcome).toMatchObject({ status: 'completed', stepsSent: 1 });
    for (const { email, enrollmentId } of [probe, ...later]) {
      expect(healthy.copiesTo(email, 'First')).toBe(1);
      expect(await enrollmentDetails(campaignId, enrollmentId)).toMatchObject({
        status: 'completed',
        mailbox_id: sound.id,
      });
    }
    // The probe's refused login was the only time step 1 took the mailbox: in error, it is out of rotation.
    expect(refusing.loginsFrom(broken.smtp_username)).toBe(1);
    expect(await credentialOn(campaignId, refusing.port)).toMatchObject({ status: 'error' });
    expect(sound.status).toBe('active');
  });

  describe("a waiting enrollment's live state, through GET /campaigns/:id/enrollments/:eid", () => {
    const cases: { what: string; port: () => Promise<number>; reason: RegExp }[] = [
      {
        what: 'the SMTP server is unreachable (a closed port)',
        port: async () => (await freePorts(1))[0]!,
        reason: /SMTP server of .* could not be reached/,
      },
      {
        what: 'the SMTP server refuses the login (535)',
        port: () => Promise.resolve(refusing.port),
        reason: /every mailbox of the campaign is disabled or in error/,
      },
    ];

    it.each(cases)(
      'when $what, then the enrollment shows active, waiting, with the reason in workflow.last_error',
      async ({ port, reason }) => {
        const campaignId = await createCampaign([{ port: await port(), dailyLimit: 1000 }]);
        const { enrollmentId } = await enroll(campaignId, uniqueEmail('waiting'));
        await dispatch(campaignId);
        const stop = () => api.post(`${CAMPAIGNS}/${campaignId}/enrollments/${enrollmentId}/stop`).expect(200);
        let stopped = false;
        try {
          // The first wait is 30 s: the live state is read while the step waits, before it tries again.
          const waiting = await eventually(
            async () => {
              const askedAt = Date.now();
              const details = await enrollmentDetails(campaignId, enrollmentId);
              const live = details.workflow;
              const waits = live?.next_send_at && Date.parse(live.next_send_at) > askedAt;
              return waits && reason.test(live.last_error ?? '') && details;
            },
            { what: 'the enrollment waiting, with the reason in workflow.last_error' },
          );

          expect(waiting).toMatchObject({ status: 'active', workflow: { status: 'active', next_step: 1 } });
          const messages = (
            await api.get(`${CAMPAIGNS}/${campaignId}/enrollments/${enrollmentId}/messages`).expect(200)
          ).body.data as { step: number; status: string }[];
          expect(messages).toMatchObject([{ step: 1, status: 'failed' }]);
          // Still running, not ended: stopping it changes it (it would not, had it ended `failed`).
          stopped = true;
          expect((await stop()).body.data).toMatchObject({ status: 'stopped', changed: true });
        } finally {
          if (!stopped) await stop();
        }
      },
    );
  });
});

interface RefusingSmtpServer {
  port: number;
  /** The logins tried with this username. */
  loginsFrom(username: string): number;
  close(): Promise<void>;
}

/** A real SMTP server over TCP that refuses every login as test/helpers/scripted-smtp-server.ts does, and counts them. */
async function startRefusingSmtpServer(): Promise<RefusingSmtpServer> {
  const logins: string[] = [];
  const server = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _session, callback) => {
      logins.push(auth.username ?? '');
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    loginsFrom: (username) => logins.filter((login) => login === username).length,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
