import crypto from 'node:crypto';
import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignFixtures } from '../helpers/campaign-fixtures';
import { uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, messagesTo, sleep, type ApiClient, type TestStack } from '../helpers/test-stack';

/** Enough contacts for both mailboxes of the rotation to start some conversations. */
const CONTACTS = 6;
/** Step 2's delay: room to detach a mailbox after every step 1 arrived and before any follow-up is due. */
const FOLLOW_UP_SECONDS = 12;

/** Detaching a mailbox from a running campaign: its conversations wait for it, or move when the user asks. */
describe('a mailbox detached from a running campaign', () => {
  let stack: TestStack;
  const { createCampaign, enroll, newApi } = campaignFixtures(() => stack);

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  /**
   * A running campaign on two mailboxes whose step 1 reached every contact: the contacts each mailbox's
   * conversations are with, and the Message-ID of each contact's step 1.
   */
  async function twoMailboxCampaign(api: ApiClient) {
    const { id, body } = await createCampaign(api, {
      steps: [
        { subject: 'Hello {{first_name}}', delaySeconds: 0 },
        { subject: '', delaySeconds: FOLLOW_UP_SECONDS },
      ],
    });
    const [first] = (await api.get(`${CAMPAIGNS}/${id}/mailboxes`).expect(200)).body.data;
    const second = (
      await api
        .post('/api/v1/mailboxes', {
          ...body.campaign.smtp_credentials[0],
          smtp_username: `second-${crypto.randomBytes(4).toString('hex')}@sender.test`,
        })
        .expect(201)
    ).body.data;
    await api.post(`${CAMPAIGNS}/${id}/mailboxes`, { mailbox_id: second.id }).expect(201);
    const emails = Array.from({ length: CONTACTS }, () => uniqueEmail('detach'));
    const enrollees = [];
    for (const email of emails) enrollees.push(await enroll(api, id, email));
    await api.post(`${CAMPAIGNS}/${id}/dispatch`).expect(202);
    const stepOnes = await eventually(
      async () => {
        const messages = await messagesTo(stack.info, emails);
        return messages.length === CONTACTS ? messages : null;
      },
      { what: 'step 1 to every contact' },
    );
    const fromFirst = stepOnes.filter((message) => message.envelopeFrom === first.from_email);
    const fromSecond = stepOnes.filter((message) => message.envelopeFrom === second.from_email);
    expect(fromFirst.length + fromSecond.length).toBe(CONTACTS);
    const recipient = (message: (typeof stepOnes)[number]) => message.envelopeTo[0]!;
    return {
      campaignId: id,
      first,
      second,
      enrollees,
      firstContacts: fromFirst.map(recipient),
      secondContacts: fromSecond.map(recipient),
      stepOneIds: new Map(stepOnes.map((message) => [recipient(message), message.messageId])),
    };
  }

  it('when detached with reassign=true, then its conversations continue in their threads from the other mailbox', async () => {
    const { api } = await newApi();
    const campaign = await twoMailboxCampaign(api);
    // With six contacts and two mailboxes free to send, the rotation used both.
    expect(campaign.firstContacts.length).toBeGreaterThan(0);

    const detached = await api
      .delete(`${CAMPAIGNS}/${campaign.campaignId}/mailboxes/${campaign.first.id}?reassign=true`)
      .expect(200);

    expect(detached.body.data.reassigned).toBe(campaign.firstContacts.length);
    const all = [...campaign.firstContacts, ...campaign.secondContacts];
    const messages = await eventually(
      async () => {
        const received = await messagesTo(stack.info, all);
        return received.length === 2 * CONTACTS ? received : null;
      },
      { what: 'step 2 to every contact', timeoutMs: 90_000 },
    );
    const followUps = messages.filter((message) => message.inReplyTo !== null);
    expect(followUps).toHaveLength(CONTACTS);
    for (const message of followUps) {
      const contact = message.envelopeTo[0]!;
      expect(message.envelopeFrom).toBe(campaign.second.from_email);
      // The thread goes on: the follow-up answers the step 1 the detached mailbox sent.
      expect(message.inReplyTo).toBe(campaign.stepOneIds.get(contact));
      expect(message.subject).toMatch(/^Re: Hello/);
    }
  });

  it('when detached without reassign, then its conversations wait (the reason shown) while the others continue', async () => {
    const { api } = await newApi();
    const campaign = await twoMailboxCampaign(api);
    expect(campaign.firstContacts.length).toBeGreaterThan(0);

    await api.delete(`${CAMPAIGNS}/${campaign.campaignId}/mailboxes/${campaign.first.id}`).expect(200);

    await eventually(
      async () => (await messagesTo(stack.info, campaign.secondContacts)).length === 2 * campaign.secondContacts.length,
      { what: "step 2 to the other mailbox's contacts", timeoutMs: 90_000 },
    );
    const waiting = campaign.enrollees.filter((enrollee) => campaign.firstContacts.includes(enrollee.email));
    const states = await eventually(
      async () => {
        const answers = await Promise.all(
          waiting.map(
            async (enrollee) =>
              (await api.get(`${CAMPAIGNS}/${campaign.campaignId}/enrollments/${enrollee.enrollmentId}`).expect(200))
                .body.data,
          ),
        );
        return answers.every((state) => /detached/.test(state.workflow?.last_error ?? '')) ? answers : null;
      },
      { what: 'the waiting enrollments to say why', timeoutMs: 90_000 },
    );
    for (const state of states) expect(state).toMatchObject({ status: 'active', current_step: 1 });
    // A while past their due time, still nothing from the detached mailbox's conversations.
    await sleep(2_000);
    expect(await messagesTo(stack.info, campaign.firstContacts)).toHaveLength(campaign.firstContacts.length);
  });
});
