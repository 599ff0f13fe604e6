import { simpleParser } from 'mailparser';
import { AppError } from '../../src/domain/errors';
import { sendStep, type StepSenderDeps } from '../../src/domain/delivery/step-sender';
import { countMessages } from '../helpers/db-reads';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import {
  stackWithOrganization,
  eventually,
  messagesTo,
  rawMessage,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

type Body = ReturnType<typeof campaignBody>;
type Variant = { label: string; subject: string; body_html: string; weight?: number };

describe('campaign content: spintax, A/B variants, preview and test sends (real Postgres, Temporal and SMTP)', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;
  let sender: StepSenderDeps;

  /** Creates a campaign from the factory body, after `adjust` added variants, A/B settings…; returns its id. */
  async function createCampaign(
    steps: { subject: string; body?: string; delaySeconds: number }[],
    adjust: (body: Body) => void = () => {},
  ): Promise<string> {
    const body = campaignBody(stack.info, { steps });
    adjust(body);
    return (await api.post('/api/v1/campaigns', body).expect(201)).body.data.id as string;
  }

  const withVariants = (position: number, variants: Variant[]) => (body: Body) => {
    Object.assign(body.campaign.sequence_steps[position - 1]!, { variants });
  };

  async function enroll(campaignId: string, contact: Record<string, unknown>, batchNumber = 1) {
    const response = await api
      .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact, batch_number: batchNumber })
      .expect(201);
    return { enrollmentId: response.body.data.id as string, contactId: response.body.data.contact_id as string };
  }

  const preview = (campaignId: string, contactId: string) =>
    api.get(`/api/v1/campaigns/${campaignId}/preview?contact_id=${contactId}`);

  async function messageRows(campaignId: string) {
    const rows: { enrollment_id: string; to_email: string; variant_label: string | null; subject: string }[] =
      await stack.db.dataSource.query(
        `SELECT enrollment_id, to_email, variant_label, subject FROM messages WHERE campaign_id = $1 AND status = 'sent'`,
        [campaignId],
      );
    return rows;
  }

  const winnerOf = async (campaignId: string, position = 1): Promise<string | null> =>
    (await stack.db.repos.campaigns.step(campaignId, position))!.winnerLabel;

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
    sender = stack.senderDeps;
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('preview', () => {
    const STEPS = [
      {
        subject: '{Hi|Hello} {{first_name}}',
        body: '<p>{{first_name | default: "there"}}, your {{deal_size}} deal at {{company | default: "your team"}}</p>',
        delaySeconds: 0,
      },
      { subject: 'Re: the {{ deal_size }} deal', body: '<p>{Just|Only} checking in.</p>', delaySeconds: 60 },
    ];

    it('when an enrolled contact is previewed, then every step is rendered with spintax, fallbacks and custom fields', async () => {
      const campaignId = await createCampaign(STEPS);
      const { enrollmentId, contactId } = await enroll(campaignId, {
        email: uniqueEmail('preview'),
        first_name: 'Ann',
        custom_fields: { deal_size: '10k' },
      });

      const response = await preview(campaignId, contactId).expect(200);

      expect(response.body.status).toBe('success');
      expect(response.body.data).toMatchObject({ contact_id: contactId, enrollment_id: enrollmentId });
      const [first, second] = response.body.data.steps;
      expect(['Hi Ann', 'Hello Ann']).toContain(first.subject);
      expect(first).toMatchObject({
        position: 1,
        variant_label: null,
        body_html: '<p>Ann, your 10k deal at your team</p>',
      });
      expect(second.subject).toBe('Re: the 10k deal');
      expect(['<p>Just checking in.</p>', '<p>Only checking in.</p>']).toContain(second.body_html);
      // The seed is the enrollment: asking again shows the same text.
      expect((await preview(campaignId, contactId).expect(200)).body.data).toEqual(response.body.data);
    });

    it('when the contact is not enrolled, then the preview is seeded by the contact and enrollment_id is null', async () => {
      const campaignId = await createCampaign(STEPS);
      const contact = await stack.db.repos.contacts.upsertByEmail(organizationId, {
        email: uniqueEmail('loose'),
        fields: { first_name: 'Bob', deal_size: '5k', company: 'Acme' },
        timezone: null,
      });

      const response = await preview(campaignId, contact.id).expect(200);

      expect(response.body.data).toMatchObject({ contact_id: contact.id, enrollment_id: null });
      expect(response.body.data.steps[0].body_html).toBe('<p>Bob, your 5k deal at Acme</p>');
    });

    it('when a merge field without fallback is missing, then 422 missing_merge_field names the contact and the field', async () => {
      const campaignId = await createCampaign(STEPS);
      const email = uniqueEmail('nodeal');
      const { contactId } = await enroll(campaignId, { email, first_name: 'Cyd' });

      const response = await preview(campaignId, contactId).expect(422);

      expect(response.body).toMatchObject({ status: 'error', code: 'missing_merge_field' });
      expect(response.body.message).toContain(email);
      expect(response.body.message).toContain(contactId);
      expect(response.body.message).toContain('"deal_size"');
      expect(response.body.message).toMatch(/add the field to the contact or give it a fallback/);
      expect(response.body.errors).toEqual([
        `contact ${email} (${contactId}): step 1 needs "deal_size"`,
        `contact ${email} (${contactId}): step 2 needs "deal_size"`,
      ]);
    });

    it('when the campaign or contact is unknown or another organization’s, then 404 with the resource’s code', async () => {
      const campaignId = await createCampaign(STEPS);
      const { contactId } = await enroll(campaignId, { email: uniqueEmail('mine'), first_name: 'Dee' });
      const other = stack.api((await stack.newOrganization()).apiKey);
      const otherCampaign = (await other.post('/api/v1/campaigns', campaignBody(stack.info)).expect(201)).body.data
        .id as string;
      const unknown = '00000000-0000-4000-8000-000000000000';

      expect((await preview(unknown, contactId).expect(404)).body.code).toBe('campaign_not_found');
      expect((await preview('not-a-uuid', contactId).expect(404)).body.code).toBe('campaign_not_found');
      expect((await preview(campaignId, unknown).expect(404)).body.code).toBe('contact_not_found');
      const foreign = await other.get(`/api/v1/campaigns/${otherCampaign}/preview?contact_id=${contactId}`).expect(404);
      expect(foreign.body.code).toBe('contact_not_found');
      const missing = await api.get(`/api/v1/campaigns/${campaignId}/preview`).expect(422);
      expect(missing.body.code).toBe('validation_failed');
    });
  });

  describe('test_send', () => {
    const STEPS = [
      {
        subject: 'Hello {{first_name}}',
        body: '<p>Hi {{first_name}} at {{company | default: "your team"}}</p>',
        delaySeconds: 0,
      },
      { subject: 'Following up, {{first_name}}', body: '<p>Step two for {{ first_name }}.</p>', delaySeconds: 60 },
    ];

    it('when two addresses are given, then each gets every step at once, marked [TEST], and campaign stats stay untouched', async () => {
      const campaignId = await createCampaign(STEPS);
      const emails = [uniqueEmail('tester-a'), uniqueEmail('tester-b')];

      const response = await api.post(`/api/v1/campaigns/${campaignId}/test_send`, { emails }).expect(200);

      expect(response.body.status).toBe('success');
      expect(response.body.data).toMatchObject({ sent: 4, not_sent: 0, contact_id: null });
      expect(response.body.data.results).toEqual(
        emails.map((email) => ({
          email,
          steps: [
            expect.objectContaining({ position: 1, status: 'sent', subject: '[TEST] Hello [first_name]' }),
            expect.objectContaining({ position: 2, status: 'sent', subject: '[TEST] Following up, [first_name]' }),
          ],
        })),
      );
      for (const email of emails) {
        const received = await messagesTo(stack.info, [email]);
        expect(received.map((message) => message.subject)).toEqual([
          '[TEST] Hello [first_name]',
          '[TEST] Following up, [first_name]',
        ]);
        expect(received[1]!.inReplyTo).toBe(received[0]!.messageId);
        const first = await simpleParser(await rawMessage(stack.info, received[0]!));
        expect(first.html).toContain('<p>Hi [first_name] at your team</p>');
      }
      const details = await api.get(`/api/v1/campaigns/${campaignId}`).expect(200);
      expect(details.body.data.totals.sent).toBe(0);
      expect(details.body.data.credentials[0].sent_today).toBe(0);
      const logged: { to_email: string; status: string; step_position: number }[] = await stack.db.dataSource.query(
        'SELECT to_email, status, step_position FROM test_sends WHERE campaign_id = $1 ORDER BY to_email, step_position',
        [campaignId],
      );
      expect(logged).toEqual(
        [...emails].sort().flatMap((email) => [
          { to_email: email, status: 'sent', step_position: 1 },
          { to_email: email, status: 'sent', step_position: 2 },
        ]),
      );
      expect(await countMessages(stack.db, { campaignId })).toBe(0);
    });

    it("when a contact_id is given, then the contact's data fills the merge fields", async () => {
      const campaignId = await createCampaign(STEPS);
      const contact = await stack.db.repos.contacts.upsertByEmail(organizationId, {
        email: uniqueEmail('data'),
        fields: { first_name: 'Eve', company: 'Initech' },
        timezone: null,
      });
      const email = uniqueEmail('tester-c');

      await api
        .post(`/api/v1/campaigns/${campaignId}/test_send`, { emails: [email], contact_id: contact.id })
        .expect(200);

      const received = await messagesTo(stack.info, [email]);
      expect(received.map((message) => message.subject)).toEqual(['[TEST] Hello Eve', '[TEST] Following up, Eve']);
      expect(await messagesTo(stack.info, [contact.email])).toEqual([]);
    });

    it('when an address is invalid or there are more than 10, then 422 validation_failed and nothing is sent', async () => {
      const campaignId = await createCampaign(STEPS);
      const good = uniqueEmail('never');

      const invalid = await api
        .post(`/api/v1/campaigns/${campaignId}/test_send`, { emails: [good, 'not-an-address'] })
        .expect(422);
      const tooMany = await api
        .post(`/api/v1/campaigns/${campaignId}/test_send`, {
          emails: Array.from({ length: 11 }, () => uniqueEmail('many')),
        })
        .expect(422);
      const none = await api.post(`/api/v1/campaigns/${campaignId}/test_send`, { emails: [] }).expect(422);

      expect(invalid.body).toMatchObject({
        code: 'validation_failed',
        errors: ['emails.1: is not a valid email address'],
      });
      expect(tooMany.body.code).toBe('validation_failed');
      expect(none.body.code).toBe('validation_failed');
      expect(await messagesTo(stack.info, [good])).toEqual([]);
    });

    it('when the campaign has no active mailbox, then 422 and nothing is sent', async () => {
      const campaignId = await createCampaign(STEPS);
      await stack.db.dataSource.query(
        `UPDATE mailboxes SET status = 'disabled' WHERE id IN (SELECT mailbox_id FROM campaign_mailboxes WHERE campaign_id = $1)`,
        [campaignId],
      );
      const email = uniqueEmail('blocked');

      const response = await api.post(`/api/v1/campaigns/${campaignId}/test_send`, { emails: [email] }).expect(422);

      expect(response.body.message).toMatch(/no active mailbox/);
      expect(await messagesTo(stack.info, [email])).toEqual([]);
    });
  });

  describe('A/B variants in real sends', () => {
    it('when a dispatched step has 2 variants, then each message records its variant and carries its subject, as previewed', async () => {
      const campaignId = await createCampaign(
        [{ subject: 'unused', delaySeconds: 0 }],
        withVariants(1, [
          { label: 'A', subject: '{Hi|Hey} {{first_name}}: variant A', body_html: '<p>A for {{first_name}}</p>' },
          { label: 'B', subject: '{Hi|Hey} {{first_name}}: variant B', body_html: '<p>B for {{first_name}}</p>' },
        ]),
      );
      const contacts = Array.from({ length: 6 }, (_, index) => ({
        email: uniqueEmail(`ab${index}`),
        first_name: `N${index}`,
      }));
      const enrolled = [];
      for (const contact of contacts) enrolled.push({ ...contact, ...(await enroll(campaignId, contact)) });

      await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);

      const emails = contacts.map((contact) => contact.email);
      await eventually(async () => (await messagesTo(stack.info, emails)).length >= 6, { what: '6 messages' });
      const received = await messagesTo(stack.info, emails);
      const rows = await eventually(async () => {
        const sent = await messageRows(campaignId);
        return sent.length === 6 && sent;
      });
      for (const contact of enrolled) {
        const row = rows.find((candidate) => candidate.enrollment_id === contact.enrollmentId)!;
        const delivered = received.find((message) => message.envelopeTo.includes(contact.email))!;
        expect(['A', 'B']).toContain(row.variant_label);
        expect(delivered.subject).toMatch(new RegExp(`^(Hi|Hey) ${contact.first_name}: variant ${row.variant_label}$`));
        expect(row.subject).toBe(delivered.subject);
        const previewed = (await preview(campaignId, contact.contactId).expect(200)).body.data.steps[0];
        expect(previewed).toMatchObject({ variant_label: row.variant_label, subject: delivered.subject });
      }
    });

    it('when every variant has its minimum sends, then the strictly better one wins and later sends use it', async () => {
      const campaignId = await createCampaign([{ subject: 'unused', delaySeconds: 0 }], (body) => {
        withVariants(1, [
          { label: 'A', subject: 'Variant A for {{first_name}}', body_html: '<p>A</p>' },
          { label: 'B', subject: 'Variant B for {{first_name}}', body_html: '<p>B</p>' },
        ])(body);
        Object.assign(body.campaign, { ab_winner: { metric: 'opens_unique', min_sends_per_variant: 2 } });
      });
      const sentPerVariant = async () => {
        const rows = await messageRows(campaignId);
        return {
          A: rows.filter((row) => row.variant_label === 'A').length,
          B: rows.filter((row) => row.variant_label === 'B').length,
        };
      };

      // Send one by one through the real send path; every A message is opened before the next send.
      for (let index = 0; index < 40 && (await winnerOf(campaignId)) === null; index += 1) {
        const counts = await sentPerVariant();
        expect(counts.A < 2 || counts.B < 2).toBe(true); // no winner yet, so the test must still be short of sends
        const { enrollmentId } = await enroll(campaignId, { email: uniqueEmail(`w${index}`), first_name: 'Wes' });
        expect(await sendStep(sender, enrollmentId, 1)).toMatchObject({ kind: 'sent' });
        await stack.db.dataSource.query(
          `UPDATE messages SET opened_at = now() WHERE campaign_id = $1 AND variant_label = 'A' AND opened_at IS NULL`,
          [campaignId],
        );
      }

      expect(await winnerOf(campaignId)).toBe('A');
      const atDecision = await sentPerVariant();
      expect(Math.min(atDecision.A, atDecision.B)).toBe(2);
      const later = [];
      for (let index = 0; index < 4; index += 1) {
        const contact = { email: uniqueEmail(`later${index}`), first_name: `L${index}` };
        later.push({ ...contact, ...(await enroll(campaignId, contact, 2)) });
      }
      await api.post(`/api/v1/campaigns/${campaignId}/dispatch`, { batch_number: 2 }).expect(202);
      const emails = later.map((contact) => contact.email);
      await eventually(async () => (await messagesTo(stack.info, emails)).length >= 4, { what: '4 later messages' });
      const received = await messagesTo(stack.info, emails);
      for (const contact of later) {
        expect(received.find((message) => message.envelopeTo.includes(contact.email))!.subject).toBe(
          `Variant A for ${contact.first_name}`,
        );
      }
      const rows = await eventually(async () => {
        const sent = (await messageRows(campaignId)).filter((row) => emails.includes(row.to_email));
        return sent.length === 4 && sent;
      });
      expect(rows.map((row) => row.variant_label)).toEqual(['A', 'A', 'A', 'A']);
    });

    it('when the variants tie on the metric, then no winner is decided and both keep being sent', async () => {
      const campaignId = await createCampaign([{ subject: 'unused', delaySeconds: 0 }], (body) => {
        withVariants(1, [
          { label: 'A', subject: 'Tie A', body_html: '<p>A</p>' },
          { label: 'B', subject: 'Tie B', body_html: '<p>B</p>' },
        ])(body);
        Object.assign(body.campaign, { ab_winner: { metric: 'clicks_unique', min_sends_per_variant: 1 } });
      });

      const bothSentTwice = async () => {
        const rows = await messageRows(campaignId);
        return ['A', 'B'].every((label) => rows.filter((row) => row.variant_label === label).length >= 2);
      };

      // Nothing is clicked: both rates stay at 0 % through every send.
      for (let index = 0; index < 40 && !(await bothSentTwice()); index += 1) {
        const { enrollmentId } = await enroll(campaignId, { email: uniqueEmail(`tie${index}`), first_name: 'Tia' });
        expect(await sendStep(sender, enrollmentId, 1)).toMatchObject({ kind: 'sent' });
      }
      // Every message clicked: both rates at 100 %, still a tie.
      await stack.db.dataSource.query(`UPDATE messages SET clicked_at = now() WHERE campaign_id = $1`, [campaignId]);
      const step = (await stack.db.repos.campaigns.step(campaignId, 1))!;
      const decided = await stack.db.repos.content.decideWinner({
        stepId: step.id,
        campaignId,
        position: 1,
        metric: 'clicks_unique',
        minSends: 1,
      });

      const labels = new Set((await messageRows(campaignId)).map((row) => row.variant_label));
      expect(labels).toEqual(new Set(['A', 'B']));
      expect(decided).toBeNull();
      expect(await winnerOf(campaignId)).toBeNull();
    });

    it('when one variant has more replies per send, then the repository decides it only once', async () => {
      const campaignId = await createCampaign(
        [{ subject: 'unused', delaySeconds: 0 }],
        withVariants(1, [
          { label: 'A', subject: 'R A', body_html: '<p>A</p>' },
          { label: 'B', subject: 'R B', body_html: '<p>B</p>' },
        ]),
      );
      const sent = async () => {
        const rows = await messageRows(campaignId);
        return new Set(rows.map((row) => row.variant_label)).size === 2 && rows.length >= 4;
      };
      for (let index = 0; index < 40 && !(await sent()); index += 1) {
        const { enrollmentId } = await enroll(campaignId, { email: uniqueEmail(`r${index}`), first_name: 'Rae' });
        await sendStep(sender, enrollmentId, 1);
      }
      await stack.db.dataSource.query(
        `UPDATE messages SET replied_at = now() WHERE campaign_id = $1 AND variant_label = 'B'`,
        [campaignId],
      );
      const step = (await stack.db.repos.campaigns.step(campaignId, 1))!;
      const decide = (metric: 'replies' | 'opens_unique') =>
        stack.db.repos.content.decideWinner({ stepId: step.id, campaignId, position: 1, metric, minSends: 1 });

      const [first, second] = await Promise.all([decide('replies'), decide('replies')]);
      const afterwards = await decide('opens_unique');

      expect([first, second].sort()).toEqual(['B', null].sort());
      expect(afterwards).toBeNull();
      expect(await winnerOf(campaignId)).toBe('B');
    });
  });

  describe('renderability check for dispatch', () => {
    it('when some enrollments lack a merge field, then one missing_merge_field error lists contact, step and field', async () => {
      const campaignId = await createCampaign([
        { subject: 'Hi {{first_name}}', delaySeconds: 0 },
        { subject: 'About {{ company }}', delaySeconds: 60 },
      ]);
      const complete = await enroll(campaignId, { email: uniqueEmail('full'), first_name: 'Fay', company: 'Acme' });
      const partialEmail = uniqueEmail('partial');
      const partial = await enroll(campaignId, { email: partialEmail, first_name: 'Gus' });
      const enrollments = await stack.db.repos.enrollments.pending(campaignId);

      const failure = await stack.services.content.assertRenderable(campaignId, enrollments).catch((error) => error);
      const fine = stack.services.content.assertRenderable(
        campaignId,
        enrollments.filter((enrollment) => enrollment.id === complete.enrollmentId),
      );

      expect(failure).toBeInstanceOf(AppError);
      expect(failure).toMatchObject({
        code: 'missing_merge_field',
        details: { errors: [`contact ${partialEmail} (${partial.contactId}): step 2 needs "company"`] },
      });
      await expect(fine).resolves.toBeUndefined();
    });
  });

  describe('dispatch', () => {
    it('when a pending contact lacks a merge field, then dispatch refuses the batch naming it and starts nothing', async () => {
      const body = campaignBody(stack.info, { steps: [{ subject: 'Hi {{first_name}}', delaySeconds: 0 }] });
      const campaignId: string = (await api.post('/api/v1/campaigns', body).expect(201)).body.data.id;
      const [named, nameless] = [uniqueEmail('named'), uniqueEmail('nameless')];
      await api
        .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email: named, first_name: 'Ann' } })
        .expect(201);
      await api.post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email: nameless } }).expect(201);

      const response = await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(422);

      expect(response.body.code).toBe('missing_merge_field');
      expect(response.body.errors).toEqual([
        expect.stringMatching(new RegExp(`^contact ${nameless} \\(.+\\): step 1 needs "first_name"`)),
      ]);
      const { enrollments } = await stack.db.repos.leads.page(campaignId, { removed: 'include' }, 0, 100);
      expect([...new Set(enrollments.map((enrollment) => enrollment.status))]).toEqual(['pending']);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await messagesTo(stack.info, [named, nameless])).toHaveLength(0);
    });
  });
});
