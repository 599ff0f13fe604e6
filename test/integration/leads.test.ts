import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { expectError, expectValidationFailure, newOrganization, type Organization } from '../helpers/api-errors';
import { CAMPAIGNS } from '../helpers/api-paths';
import { deliverToImap } from '../helpers/dovecot';
import { enrollmentFixtures, type Enrolled } from '../helpers/enrollment-fixtures';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { inboundFixture } from '../helpers/inbound-fixtures';
import { connectTestStack, eventually, sleep, type ApiClient, type TestStack } from '../helpers/test-stack';

/**
 * A campaign's enrollments as leads, on the real stack: removed from one campaign, unsubscribed from one campaign or
 * from all, categorized by hand and by the reply classifier, and exported as CSV.
 */
describe('leads of a campaign', () => {
  let stack: TestStack;
  let org: Organization;
  let other: Organization;
  let api: ApiClient;
  let fx: ReturnType<typeof enrollmentFixtures>;

  beforeAll(async () => {
    stack = await connectTestStack();
    [org, other] = await Promise.all([newOrganization(stack), newOrganization(stack)]);
    api = org.api;
    fx = enrollmentFixtures(stack, api);
  });

  afterAll(async () => {
    await stack.close();
  });

  const enrollmentPath = (enrolled: Enrolled) =>
    `${CAMPAIGNS}/${enrolled.campaignId}/enrollments/${enrolled.enrollmentId}`;
  const getEnrollment = async (enrolled: Enrolled) => (await api.get(enrollmentPath(enrolled)).expect(200)).body.data;
  const listed = async (campaignId: string, query = '') =>
    (await api.get(`${CAMPAIGNS}/${campaignId}/enrollments${query}`).expect(200)).body.data.enrollments.map(
      (enrollment: { id: string }) => enrollment.id,
    );
  const messageCount = async (enrolled: Enrolled) =>
    (await api.get(`${enrollmentPath(enrolled)}/messages`).expect(200)).body.data.length as number;

  /** Starts a two-step sequence and waits for step 1; step 2 is due `followUpSeconds` later. */
  async function running(followUpSeconds: number, email = uniqueEmail('lead')): Promise<Enrolled> {
    const enrolled = await fx.start(email, followUpSeconds);
    await eventually(
      async () => (await messageCount(enrolled)) >= 1 && (await getEnrollment(enrolled)).current_step === 1,
      {
        what: 'step 1 sent',
      },
    );
    return enrolled;
  }

  describe('DELETE /campaigns/:id/enrollments/:eid', () => {
    it('when a running lead is removed, then its workflow stops, nothing more is sent, its history stays and its other campaign goes on', async () => {
      const email = uniqueEmail('removed');
      const elsewhere = await running(600, email);
      const removedFrom = await running(8, email);
      expect(elsewhere.contactId).toBe(removedFrom.contactId);

      const removed = await api.delete(enrollmentPath(removedFrom)).expect(200);
      expect(removed.body.data).toMatchObject({
        id: removedFrom.enrollmentId,
        status: 'stopped',
        changed: true,
        removed_at: expect.any(String),
        next_send_at: null,
      });
      expect(await fx.result(removedFrom)).toEqual({ status: 'stopped', stepsSent: 1 });
      await sleep(9_000); // step 2 would have been due meanwhile
      expect(await messageCount(removedFrom)).toBe(1);
      expect((await getEnrollment(removedFrom)).current_step).toBe(1);

      // The history stays: its message, and the row itself, still read back.
      const history = (await api.get(`${enrollmentPath(removedFrom)}/messages`).expect(200)).body.data;
      expect(history).toEqual([expect.objectContaining({ step: 1, status: 'sent', subject: 'First' })]);
      expect(await fx.contactStatus(removedFrom.contactId)).toBe('active');
      expect((await getEnrollment(elsewhere)).status).toBe('active');
      const contact = (await api.get(`/api/v1/contacts/${removedFrom.contactId}`).expect(200)).body.data;
      expect(contact.status).toBe('active');

      // Left out of the campaign's list unless asked for.
      expect(await listed(removedFrom.campaignId)).toEqual([]);
      expect(await listed(removedFrom.campaignId, '?removed=include')).toEqual([removedFrom.enrollmentId]);
      expect(await listed(removedFrom.campaignId, '?removed=only')).toEqual([removedFrom.enrollmentId]);
      expect(await listed(elsewhere.campaignId, '?removed=only')).toEqual([]);

      const again = await api.delete(enrollmentPath(removedFrom)).expect(200);
      expect(again.body.data).toMatchObject({
        status: 'stopped',
        changed: false,
        removed_at: removed.body.data.removed_at,
      });
      await api.post(`${enrollmentPath(elsewhere)}/stop`).expect(200);
    });

    it('when the removed contact is enrolled or dispatched again, then it is refused and no step is sent twice', async () => {
      const enrolled = await running(600);
      await api.delete(enrollmentPath(enrolled)).expect(200);

      const reenrolled = await api.post(`${CAMPAIGNS}/${enrolled.campaignId}/enroll_contact`, {
        contact: { email: enrolled.email },
      });
      expectError(reenrolled, 422, 'contact_already_enrolled');
      expect(reenrolled.body.message).toMatch(/was removed from this campaign/);
      await api.post(`${CAMPAIGNS}/${enrolled.campaignId}/dispatch`);
      await sleep(2_000);
      expect(await fx.subjects(enrolled.email)).toEqual(['First']);
      expect(await getEnrollment(enrolled)).toMatchObject({ status: 'stopped', removed_at: expect.any(String) });
    });

    it('when a finished lead of a list is removed, then it keeps its status and its list, and enrolling the list again leaves it out', async () => {
      const email = uniqueEmail('finished');
      const list = await api.post('/api/v1/lists', { list: { name: `Leads ${crypto.randomUUID()}` } }).expect(201);
      const listUuid = list.body.data.uuid as string;
      await api.post(`/api/v1/lists/${listUuid}/contacts`, { contacts: [{ email, first_name: 'Robin' }] }).expect(200);
      const campaignId = await fx.createCampaign(null);
      await api.post(`${CAMPAIGNS}/${campaignId}/enroll`, { list_uuid: listUuid }).expect(201);
      await fx.dispatch(campaignId);
      const [enrollmentId] = await listed(campaignId);
      const enrolled = await eventually(
        async () => {
          const enrollment = (await api.get(`${CAMPAIGNS}/${campaignId}/enrollments/${enrollmentId}`)).body.data;
          return enrollment?.status === 'completed' ? (enrollment as { id: string; contact_id: string }) : null;
        },
        { what: 'the one-step sequence to complete' },
      );
      const lead: Enrolled = { campaignId, enrollmentId: enrolled.id, contactId: enrolled.contact_id, email };

      const removed = await api.delete(enrollmentPath(lead)).expect(200);
      expect(removed.body.data).toMatchObject({ status: 'completed', changed: true, removed_at: expect.any(String) });
      expect((await api.get(`${CAMPAIGNS}/${campaignId}`).expect(200)).body.data.totals.completed).toBe(1);
      const contact = (await api.get(`/api/v1/contacts/${lead.contactId}`).expect(200)).body.data;
      expect(contact.lists).toEqual([expect.objectContaining({ uuid: listUuid })]);

      const again = await api.post(`${CAMPAIGNS}/${campaignId}/enroll`, { list_uuid: listUuid }).expect(201);
      expect(again.body.data).toMatchObject({ enrolled: 0, already_enrolled: 1 });
      await sleep(1_000);
      expect(await fx.subjects(email)).toEqual(['First']);
    });

    it("when another organization's ids are named, then 404 and nothing changes", async () => {
      const campaignId = await fx.createCampaign(null);
      const enrolled = await fx.enroll(campaignId, uniqueEmail('theirs'));
      expectError(await other.api.delete(enrollmentPath(enrolled)), 404, 'campaign_not_found');
      expectError(
        await other.api.patch(enrollmentPath(enrolled), { enrollment: { category: 'interested' } }),
        404,
        'campaign_not_found',
      );
      expectError(await other.api.get(`${CAMPAIGNS}/${campaignId}/enrollments.csv`), 404, 'campaign_not_found');
      expectError(
        await api.delete(`${CAMPAIGNS}/${campaignId}/enrollments/${crypto.randomUUID()}`),
        404,
        'enrollment_not_found',
      );
      expect(await getEnrollment(enrolled)).toMatchObject({ status: 'pending', removed_at: null, category: null });
    });
  });

  describe('POST /campaigns/:id/enrollments/:eid/unsubscribe', () => {
    it('when scope is campaign, then only this enrollment ends; the contact stays active and its other campaign goes on', async () => {
      const email = uniqueEmail('one-campaign');
      const first = await running(600, email);
      const second = await running(3, email);

      const response = await api.post(`${enrollmentPath(first)}/unsubscribe`, { scope: 'campaign' }).expect(200);
      expect(response.body.data).toMatchObject({
        id: first.enrollmentId,
        status: 'unsubscribed',
        scope: 'campaign',
        contact_status: 'active',
        enrollments_unsubscribed: 1,
        changed: true,
      });
      expect(await fx.result(first)).toEqual({ status: 'unsubscribed', stepsSent: 1 });
      expect(await fx.contactStatus(first.contactId)).toBe('active');
      // The other campaign still writes to the contact: its follow-up goes out.
      expect(await fx.result(second)).toEqual({ status: 'completed', stepsSent: 2 });

      const again = await api.post(`${enrollmentPath(first)}/unsubscribe`, { scope: 'campaign' }).expect(200);
      expect(again.body.data).toMatchObject({ status: 'unsubscribed', changed: false, enrollments_unsubscribed: 0 });
    });

    it('when scope is global (or no body), then the contact is unsubscribed everywhere and a later campaign skips it', async () => {
      const email = uniqueEmail('everywhere');
      const first = await running(600, email);
      const second = await running(600, email);

      const response = await api.post(`${enrollmentPath(first)}/unsubscribe`).expect(200);
      expect(response.body.data).toMatchObject({
        status: 'unsubscribed',
        scope: 'global',
        contact_status: 'unsubscribed',
        enrollments_unsubscribed: 2,
      });
      expect(await fx.result(second)).toEqual({ status: 'unsubscribed', stepsSent: 1 });
      expect((await getEnrollment(second)).status).toBe('unsubscribed');

      const later = await fx.createCampaign(null);
      const blocked = await fx.enroll(later, email);
      await fx.dispatch(later);
      await eventually(async () => (await getEnrollment(blocked)).status === 'skipped', {
        what: 'skipped at dispatch',
      });
      expect(await fx.subjects(email)).toEqual(['First', 'First']);
    });

    it('when scope is unknown, then 422 naming scope and nothing changes', async () => {
      const enrolled = await running(600);
      expectValidationFailure(
        await api.post(`${enrollmentPath(enrolled)}/unsubscribe`, { scope: 'everything' }),
        'scope',
      );
      expect((await getEnrollment(enrolled)).status).toBe('active');
      await api.post(`${enrollmentPath(enrolled)}/stop`).expect(200);
    });
  });

  describe('PATCH /campaigns/:id/enrollments/:eid (categories)', () => {
    it('when a built-in or custom category is set, then it is shown and filterable; null clears it', async () => {
      const campaignId = await fx.createCampaign(null);
      const booked = await fx.enroll(campaignId, uniqueEmail('booked'));
      const custom = await fx.enroll(campaignId, uniqueEmail('custom'));
      await fx.enroll(campaignId, uniqueEmail('none'));

      const set = await api.patch(enrollmentPath(booked), { enrollment: { category: 'meeting_booked' } }).expect(200);
      expect(set.body.data).toMatchObject({ category: 'meeting_booked', category_source: 'manual', changed: true });
      const label = 'Call back in Q3 – Ünïcode';
      await api.patch(enrollmentPath(custom), { enrollment: { category: `  ${label} ` } }).expect(200);
      expect(await getEnrollment(custom)).toMatchObject({ category: label, category_source: 'manual' });

      expect(await listed(campaignId, '?category=meeting_booked')).toEqual([booked.enrollmentId]);
      expect(await listed(campaignId, `?category=${encodeURIComponent(label)}`)).toEqual([custom.enrollmentId]);
      expect(await listed(campaignId, '?category=interested')).toEqual([]);
      const page = (await api.get(`${CAMPAIGNS}/${campaignId}/enrollments`).expect(200)).body.data.enrollments;
      expect(page.map((enrollment: { category: string | null }) => enrollment.category)).toEqual([
        'meeting_booked',
        label,
        null,
      ]);

      const same = await api.patch(enrollmentPath(booked), { enrollment: { category: 'meeting_booked' } }).expect(200);
      expect(same.body.data.changed).toBe(false);
      const cleared = await api.patch(enrollmentPath(booked), { enrollment: { category: null } }).expect(200);
      expect(cleared.body.data).toMatchObject({ category: null, category_source: null, changed: true });
    });

    it('when the category is empty, too long, multi-line or missing, then 422 with its field path', async () => {
      const campaignId = await fx.createCampaign(null);
      const enrolled = await fx.enroll(campaignId, uniqueEmail('invalid'));
      for (const category of ['', '   ', 'x'.repeat(65), 'two\nlines', 42]) {
        expectValidationFailure(
          await api.patch(enrollmentPath(enrolled), { enrollment: { category } }),
          'enrollment.category',
        );
      }
      expectValidationFailure(await api.patch(enrollmentPath(enrolled), { enrollment: {} }), 'enrollment.category');
      expectValidationFailure(
        await api.get(`${CAMPAIGNS}/${campaignId}/enrollments?category=${'y'.repeat(65)}`),
        'category',
      );
      expect((await getEnrollment(enrolled)).category).toBeNull();
    });
  });

  describe('categories set by the reply classifier', () => {
    const id = crypto.randomBytes(5).toString('hex');
    const account = { smtpUsername: `leads-${id}@sender.test`, imapUser: `leads-${id}@imap.test` };
    let campaignId: string;

    beforeAll(async () => {
      const body = campaignBody(stack.info, {
        steps: [
          { subject: 'Quick question', delaySeconds: 0 },
          { subject: 'Following up', delaySeconds: 600 },
        ],
      });
      const campaign = {
        ...body.campaign,
        smtp_credentials: [
          {
            label: 'Leads SMTP + IMAP',
            smtp_host: '127.0.0.1',
            smtp_port: stack.info.smtpPort,
            smtp_security: 'none',
            smtp_username: account.smtpUsername,
            smtp_password: 'secret-password',
            from_name: 'Sequencer Tests',
            daily_limit: 1000,
            imap_host: stack.info.imap.host,
            imap_port: stack.info.imap.port,
            imap_security: 'none',
            imap_username: account.imapUser,
            imap_password: stack.info.imap.password,
          },
        ],
      };
      campaignId = (await api.post(CAMPAIGNS, { campaign }).expect(201)).body.data.id;
    });

    const deliver = (raw: Buffer) => deliverToImap(stack.info.imap, account.imapUser, raw);

    /** Enrolls a contact, waits for step 1, and answers it with an out-of-office in its thread. */
    async function outOfOffice(): Promise<Enrolled & { firstMessageId: string }> {
      const enrolled = await fx.enroll(campaignId, uniqueEmail('ooo'));
      await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`);
      const firstMessageId = await eventually(
        async () => {
          const message = await stack.db.repos.messages.findByStep(enrolled.enrollmentId, 1);
          return message?.status === 'sent' ? message.messageId : undefined;
        },
        { what: 'step 1 sent' },
      );
      return { ...enrolled, firstMessageId };
    }

    const repliesOf = async (enrollmentId: string) => (await stack.db.repos.inbound.repliesTo([enrollmentId])).length;

    it('when an out-of-office answers in the thread, then the lead becomes out_of_office (automatic); a manual category is kept', async () => {
      const automatic = await outOfOffice();
      const manual = await outOfOffice();
      await api.patch(enrollmentPath(manual), { enrollment: { category: 'interested' } }).expect(200);

      for (const lead of [automatic, manual]) {
        await deliver(
          inboundFixture('out-of-office', {
            contactEmail: lead.email,
            mailboxEmail: account.smtpUsername,
            originalMessageId: lead.firstMessageId,
          }),
        );
      }

      await eventually(async () => (await getEnrollment(automatic)).category === 'out_of_office', {
        what: 'the automatic category',
      });
      expect(await getEnrollment(automatic)).toMatchObject({
        category: 'out_of_office',
        category_source: 'automatic',
        status: 'active',
      });
      await eventually(async () => (await repliesOf(manual.enrollmentId)) === 1, {
        what: 'the second auto-reply read',
      });
      expect(await getEnrollment(manual)).toMatchObject({ category: 'interested', category_source: 'manual' });

      // A category set by hand replaces the automatic one; confirming the automatic one makes it manual.
      const confirmed = await api
        .patch(enrollmentPath(automatic), { enrollment: { category: 'out_of_office' } })
        .expect(200);
      expect(confirmed.body.data).toMatchObject({
        category: 'out_of_office',
        category_source: 'manual',
        changed: true,
      });
      await api.patch(enrollmentPath(automatic), { enrollment: { category: 'wrong_person' } }).expect(200);
      expect(await getEnrollment(automatic)).toMatchObject({ category: 'wrong_person', category_source: 'manual' });
      expect(await listed(campaignId, '?category=wrong_person')).toEqual([automatic.enrollmentId]);
      for (const lead of [automatic, manual]) await api.post(`${enrollmentPath(lead)}/stop`).expect(200);
    });
  });

  describe('GET /campaigns/:id/enrollments.csv', () => {
    const csvOf = async (campaignId: string, query = '') => {
      const response = await api.get(`${CAMPAIGNS}/${campaignId}/enrollments.csv${query}`).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(response.headers['content-disposition']).toMatch(
        /^attachment; filename="?campaign-[0-9a-f-]+-leads\.csv"?$/,
      );
      const rows: string[][] = parse(response.text);
      return rows;
    };

    it('when leads have hostile names and categories, then every cell is neutralised and the columns are filled', async () => {
      const enrolled = await fx.start(uniqueEmail('csv'), 600);
      await eventually(async () => (await getEnrollment(enrolled)).current_step === 1, { what: 'step 1 sent' });
      await stack.db.dataSource.query(`UPDATE contacts SET fields = $2 WHERE id = $1`, [
        enrolled.contactId,
        { first_name: '=HYPERLINK("http://evil.example","click")', last_name: '+SUM(1,2)' },
      ]);
      await api.patch(enrollmentPath(enrolled), { enrollment: { category: '@cmd|calc' } }).expect(200);
      const hostile = await fx.enroll(enrolled.campaignId, uniqueEmail('second'));
      await api.patch(enrollmentPath(hostile), { enrollment: { category: '-2+3' } }).expect(200);

      const rows = await csvOf(enrolled.campaignId);
      expect(rows[0]).toEqual([
        'email',
        'first_name',
        'last_name',
        'status',
        'current_step',
        'last_event',
        'last_event_at',
        'category',
        'mailbox',
        'removed_at',
        'enrollment_id',
      ]);
      expect(rows).toHaveLength(3);
      const [email, first, last, status, step, event, eventAt, category, mailbox, removedAt, id] = rows[1]!;
      expect({ email, first, last, status, step, event, category, removedAt, id }).toEqual({
        email: enrolled.email.toLowerCase(),
        first: `'=HYPERLINK("http://evil.example","click")`,
        last: `'+SUM(1,2)`,
        status: 'active',
        step: '1',
        event: 'sent',
        category: `'@cmd|calc`,
        removedAt: '',
        id: enrolled.enrollmentId,
      });
      expect(Date.parse(eventAt!)).not.toBeNaN();
      expect(mailbox).toMatch(/@/);
      expect(rows[2]).toEqual(expect.arrayContaining([`'-2+3`, 'pending', '0', hostile.enrollmentId]));
      for (const row of rows.slice(1)) {
        for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      }

      expect(
        (await csvOf(enrolled.campaignId, `?category=${encodeURIComponent('-2+3')}`)).map((row) => row.at(-1)),
      ).toEqual(['enrollment_id', hostile.enrollmentId]);
      await api.delete(enrollmentPath(hostile)).expect(200);
      expect(await csvOf(enrolled.campaignId)).toHaveLength(2);
      const withRemoved = await csvOf(enrolled.campaignId, '?removed=include');
      expect(withRemoved).toHaveLength(3);
      expect(withRemoved[2]![9]).not.toBe('');
      await api.post(`${enrollmentPath(enrolled)}/stop`).expect(200);
    });

    it('when a campaign has more leads than one batch, all enrolled at the same instant, then each is exported exactly once', async () => {
      const campaignId = await fx.createCampaign(null);
      const total = 2_345;
      const tag = crypto.randomBytes(4).toString('hex');
      // One statement: every row gets the same created_at, so the cursor must tell them apart by id.
      await stack.db.dataSource.query(
        `WITH inserted AS (
           INSERT INTO contacts (organization_id, email)
           SELECT $1::uuid, 'bulk-' || $3::text || '-' || n || '@example.test' FROM generate_series(1, $4::int) n
           RETURNING id
         )
         INSERT INTO enrollments (organization_id, campaign_id, contact_id, workflow_id)
         SELECT $1::uuid, $2::uuid, id, 'enrollment-' || $2::text || '-' || id FROM inserted`,
        [org.organizationId, campaignId, tag, total],
      );
      const rows = (await csvOf(campaignId)).slice(1);
      expect(rows).toHaveLength(total);
      expect(new Set(rows.map((row) => row.at(-1))).size).toBe(total);
      expect(new Set(rows.map((row) => row[0])).size).toBe(total);
    });

    it('when the filter is invalid, then 422 in JSON naming it', async () => {
      const campaignId = await fx.createCampaign(null);
      expectValidationFailure(await api.get(`${CAMPAIGNS}/${campaignId}/enrollments.csv?status=nope`), 'status.0');
      expectValidationFailure(await api.get(`${CAMPAIGNS}/${campaignId}/enrollments.csv?removed=maybe`), 'removed');
    });
  });
});
