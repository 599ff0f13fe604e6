import crypto from 'node:crypto';
import type { Repositories } from '../../src/db/repositories';
import type { FirstStepSearch } from '../../src/db/repositories/send-quota.repository';
import { sendStep, TransientSendError } from '../../src/domain/delivery/step-sender';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { startScriptedSmtpServer, type ScriptedSmtpServer } from '../helpers/scripted-smtp-server';
import { eventually, sleep, stackWithOrganization, type ApiClient, type TestStack } from '../helpers/test-stack';
import { CAMPAIGNS } from '../helpers/api-paths';
const SLOW_SERVER_MS = 5_000;

/**
 * The send claim on the real Postgres: which mailbox a step 1 takes, that concurrent claims pass over each other's
 * mailboxes instead of queueing, that the day counters hold the limits exactly, and that a mailbox rests after a
 * send however long the send took.
 */
describe("the send claim: step 1's mailbox, the day counters, a mailbox's rest", () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;
  /** Answers 451 to `grey-…` recipients, takes 5 s to accept `slow-…` ones, accepts everyone else at once. */
  let server: ScriptedSmtpServer;

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
    server = await startScriptedSmtpServer(({ to }) => {
      if (to.startsWith('grey-')) return { code: 451, text: '4.3.0 Try again later' };
      if (to.startsWith('slow-')) return { acceptAfterMs: SLOW_SERVER_MS };
      return 'accept';
    });
  });

  afterAll(async () => {
    await server.close();
    await stack.close();
  });

  /** A campaign (never dispatched: its enrollments have no workflow) with one mailbox per daily limit, in that order. */
  async function campaignWithMailboxes(
    limits: number[],
    settings: { max_new_per_day?: number; min_wait_seconds?: number; max_wait_seconds?: number } = {},
  ) {
    const body = campaignBody({ ...stack.info, smtpPort: server.port });
    const template = body.campaign.smtp_credentials[0]!;
    const usernames = limits.map(() => `sender-${crypto.randomBytes(4).toString('hex')}@sender.test`);
    const campaign = {
      ...body.campaign,
      ...settings,
      smtp_credentials: limits.map((limit, index) => ({
        ...template,
        smtp_username: usernames[index],
        daily_limit: limit,
      })),
    };
    const created = await api.post(CAMPAIGNS, { campaign }).expect(201);
    const details = await api.get(`${CAMPAIGNS}/${created.body.data.id}`).expect(200);
    const credentials = details.body.data.credentials as { id: string; smtp_username: string }[];
    const mailboxIds = usernames.map(
      (username) => credentials.find((credential) => credential.smtp_username === username)!.id,
    );
    return { campaignId: created.body.data.id as string, mailboxIds };
  }

  const search = (campaignId: string, options: Partial<FirstStepSearch> = {}): FirstStepSearch => ({
    campaignId,
    now: new Date(),
    avoidMailboxId: null,
    yieldToFollowUps: false,
    locked: 'skip',
    ...options,
  });

  /** One step-1 claim's reservation, as the claim makes it: the mailbox it counted in, or null. */
  async function reserveOne(repos: Repositories, campaignId: string): Promise<string | null> {
    const found =
      (await repos.quotas.lockFirstStepMailbox(search(campaignId))) ??
      (await repos.quotas.lockFirstStepMailbox(search(campaignId, { locked: 'wait' })));
    if (!found) return null;
    const reserved = await repos.quotas.reserveMailboxDay(found.mailbox.id, found.day, found.mailbox.dailyLimit);
    return reserved ? found.mailbox.id : null;
  }

  const chosen = async (campaignId: string, options: Partial<FirstStepSearch> = {}) =>
    stack.db.transaction(
      async (repos) => (await repos.quotas.lockFirstStepMailbox(search(campaignId, options)))?.mailbox.id,
    );

  /** Counts `count` new conversations in the mailbox's day, as that many step-1 claims would. */
  async function fill(campaignId: string, mailboxId: string, count: number): Promise<void> {
    const options = await stack.db.repos.quotas.firstStepOptions(campaignId, new Date());
    const { day } = options.find((option) => option.mailbox.id === mailboxId)!;
    for (let i = 0; i < count; i += 1) await stack.db.repos.quotas.reserveMailboxDay(mailboxId, day, 1_000);
  }

  const enroll = async (campaignId: string, email: string) =>
    (
      await api
        .post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Robin' } })
        .expect(201)
    ).body.data.id as string;

  it('when mailboxes may send now, then the one with the most room left today is taken', async () => {
    const { campaignId, mailboxIds } = await campaignWithMailboxes([10, 10, 10]);
    await fill(campaignId, mailboxIds[0]!, 5);
    await fill(campaignId, mailboxIds[2]!, 2);

    expect(await chosen(campaignId)).toBe(mailboxIds[1]);
  });

  it('when the roomiest mailbox rests or is full, then the next free one with room is taken', async () => {
    const { campaignId, mailboxIds } = await campaignWithMailboxes([50, 3, 10]);
    await stack.db.repos.mailboxes.restUntil(mailboxIds[0]!, new Date(Date.now() + 60_000));
    await fill(campaignId, mailboxIds[1]!, 3);

    expect(await chosen(campaignId)).toBe(mailboxIds[2]);
  });

  it('when a mailbox just failed this step, then another is preferred, and it is taken only when it is the last', async () => {
    const { campaignId, mailboxIds } = await campaignWithMailboxes([50, 10]);
    expect(await chosen(campaignId, { avoidMailboxId: mailboxIds[0]! })).toBe(mailboxIds[1]);

    await fill(campaignId, mailboxIds[1]!, 10);
    expect(await chosen(campaignId, { avoidMailboxId: mailboxIds[0]! })).toBe(mailboxIds[0]);
  });

  it('when another claim holds the best mailbox, then a claim takes the next one at once instead of waiting', async () => {
    const { campaignId, mailboxIds } = await campaignWithMailboxes([20, 10]);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding!: (id: string | undefined) => void;
    const holder = new Promise<string | undefined>((resolve) => (holding = resolve));
    const first = stack.db.transaction(async (repos) => {
      holding((await repos.quotas.lockFirstStepMailbox(search(campaignId)))?.mailbox.id);
      await held; // the first claim's transaction stays open, its mailbox locked
    });

    try {
      expect(await holder).toBe(mailboxIds[0]);
      // Had the second claim waited for the first's lock, this would never settle (the first waits for it).
      expect(await chosen(campaignId)).toBe(mailboxIds[1]);
    } finally {
      release();
      await first;
    }
  });

  it('when 40 claims race for 4 mailboxes of daily_limit 5, then exactly 20 reserve a slot, 5 on each', async () => {
    const { campaignId, mailboxIds } = await campaignWithMailboxes([5, 5, 5, 5]);

    const results = await Promise.all(
      Array.from({ length: 40 }, () => stack.db.transaction((repos) => reserveOne(repos, campaignId))),
    );

    const reserved = results.filter((id): id is string => id !== null);
    expect(reserved).toHaveLength(20);
    expect(mailboxIds.map((id) => reserved.filter((mailbox) => mailbox === id).length)).toEqual([5, 5, 5, 5]);
    const usage = await stack.db.repos.mailboxes.usageForCampaign(campaignId);
    expect(usage.map((entry) => entry.sentToday)).toEqual([5, 5, 5, 5]);
  });

  it('when a mailbox owes a due follow-up, then a step 1 that would make it rest passes it over, and one that would not takes it', async () => {
    const { campaignId, mailboxIds } = await campaignWithMailboxes([20, 10]);
    const contact = await stack.db.repos.contacts.upsertByEmail(organizationId, {
      email: uniqueEmail('owed'),
      fields: {},
      timezone: null,
    });
    const enrollment = (await stack.db.repos.enrollments.insertIfAbsent({
      organizationId,
      campaignId,
      contactId: contact.id,
      batchNumber: 1,
      priority: 0,
      workflowId: `never-started-${crypto.randomUUID()}`,
    }))!;
    await stack.db.repos.enrollments.recordSend(enrollment.id, 1, mailboxIds[0]!);
    await stack.db.repos.enrollments.recordSchedule(enrollment.id, 'active', new Date(Date.now() - 1_000), new Date());

    expect(await chosen(campaignId, { yieldToFollowUps: true })).toBe(mailboxIds[1]);
    expect(await chosen(campaignId, { yieldToFollowUps: false })).toBe(mailboxIds[0]);
  });

  it('when a step 1 fails at the recipient server, then its slot goes back to the day, and the next contact is sent', async () => {
    const { campaignId, mailboxIds } = await campaignWithMailboxes([1]);
    const grey = await enroll(campaignId, uniqueEmail('grey'));
    const next = await enroll(campaignId, uniqueEmail('next'));

    await expect(sendStep(stack.senderDeps, grey, 1)).rejects.toBeInstanceOf(TransientSendError);
    expect(await stack.db.repos.mailboxes.sentToday(mailboxIds[0]!)).toBe(0);

    expect(await sendStep(stack.senderDeps, next, 1)).toMatchObject({ kind: 'sent' });
    expect(await stack.db.repos.mailboxes.sentToday(mailboxIds[0]!)).toBe(1);
  });

  it("when no mailbox may send, then the campaign's max_new_per_day slot it reserved is given back", async () => {
    const { campaignId, mailboxIds } = await campaignWithMailboxes([10], { max_new_per_day: 1 });
    const enrollmentId = await enroll(campaignId, uniqueEmail('rested'));
    await stack.db.repos.mailboxes.restUntil(mailboxIds[0]!, new Date(Date.now() + 60_000));

    expect(await sendStep(stack.senderDeps, enrollmentId, 1)).toMatchObject({
      kind: 'deferred',
      reason: expect.stringMatching(/rests between sends/),
    });

    await stack.db.repos.mailboxes.restUntil(mailboxIds[0]!, new Date(Date.now() - 1_000));
    expect(await sendStep(stack.senderDeps, enrollmentId, 1)).toMatchObject({ kind: 'sent' });
  });

  it('when a send takes longer than the rest, then the mailbox sends nothing else until it ends, and rests after it', async () => {
    const { campaignId, mailboxIds } = await campaignWithMailboxes([10], { min_wait_seconds: 1, max_wait_seconds: 1 });
    const slow = await enroll(campaignId, uniqueEmail('slow'));
    const next = await enroll(campaignId, uniqueEmail('next'));

    const slowSend = sendStep(stack.senderDeps, slow, 1);
    await eventually(async () => (await stack.db.repos.messages.findByStep(slow, 1))?.status === 'sending');
    await sleep(1_500); // the rest counted from the claim is over; the slow send is still transmitting
    const during = await sendStep(stack.senderDeps, next, 1);
    expect(during).toMatchObject({ kind: 'deferred', reason: expect.stringMatching(/rests between sends/) });

    expect(await slowSend).toMatchObject({ kind: 'sent' });
    const mailbox = await stack.db.repos.mailboxes.findById(mailboxIds[0]!);
    const slowRow = await stack.db.repos.messages.findByStep(slow, 1);
    expect(mailbox).toMatchObject({ sendingUntil: null });
    expect(mailbox!.nextSendAt!.getTime()).toBeGreaterThanOrEqual(slowRow!.sentAt!.getTime() + 1_000);
  });
});
