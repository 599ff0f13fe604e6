import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { expectError, expectValidationFailure, newOrganization, type Organization } from '../helpers/api-errors';
import { CAMPAIGNS } from '../helpers/api-paths';
import { enrollmentFixtures, type Enrolled } from '../helpers/enrollment-fixtures';
import { uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, type TestStack } from '../helpers/test-stack';

const COLUMNS = [
  'email',
  'first_name',
  'last_name',
  'status',
  'step_reached',
  'mailbox',
  'last_event',
  'last_event_at',
  'category',
  'sent_count',
  'open_count',
  'click_count',
  'reply_count',
  'enrolled_at',
  'removed_at',
  'enrollment_id',
  'contact_id',
];

/** `GET /campaigns/:id/export.csv` on the real stack: its columns and values, formula-safety, and the JSON pages. */
describe('campaign export', () => {
  let stack: TestStack;
  let org: Organization;
  let other: Organization;
  let fx: ReturnType<typeof enrollmentFixtures>;

  beforeAll(async () => {
    stack = await connectTestStack();
    [org, other] = await Promise.all([newOrganization(stack), newOrganization(stack)]);
    fx = enrollmentFixtures(stack, org.api);
  });

  afterAll(async () => {
    await stack.close();
  });

  const csvOf = async (campaignId: string, query = '') => {
    const response = await org.api.get(`${CAMPAIGNS}/${campaignId}/export.csv${query}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="?campaign-[0-9a-f-]+-export\.csv"?$/,
    );
    const rows: string[][] = parse(response.text);
    return {
      header: rows[0],
      rows: rows.slice(1).map((row) => Object.fromEntries(COLUMNS.map((c, i) => [c, row[i]]))),
    };
  };
  const enrollmentPath = (enrolled: Enrolled) =>
    `${CAMPAIGNS}/${enrolled.campaignId}/enrollments/${enrolled.enrollmentId}`;

  it('when a lead was sent to, opened, clicked and replied, then its row has its progress, mailbox, last event and counts', async () => {
    const sent = await fx.start(uniqueEmail('export'), 600);
    await eventually(async () => (await org.api.get(enrollmentPath(sent)).expect(200)).body.data.current_step === 1, {
      what: 'step 1 sent',
    });
    const waiting = await fx.enroll(sent.campaignId, uniqueEmail('waiting'));
    const [message] = await fx.sql<{ id: string; sent_at: Date; from_email: string }>(
      `SELECT message.id, message.sent_at, mailbox.from_email
         FROM messages message JOIN mailboxes mailbox ON mailbox.id = message.mailbox_id
        WHERE message.enrollment_id = $1`,
      [sent.enrollmentId],
    );
    const repliedAt = new Date(message!.sent_at.getTime() + 3_600_000);
    await fx.sql(
      `UPDATE messages SET opened_at = sent_at + interval '1 minute', clicked_at = sent_at + interval '2 minutes',
              replied_at = $2 WHERE id = $1`,
      [message!.id, repliedAt],
    );
    await org.api.patch(enrollmentPath(sent), { enrollment: { category: 'interested' } }).expect(200);

    const { header, rows } = await csvOf(sent.campaignId);
    expect(header).toEqual(COLUMNS);
    expect(rows).toEqual([
      {
        email: sent.email.toLowerCase(),
        first_name: 'Robin',
        last_name: '',
        status: 'active',
        step_reached: '1',
        mailbox: message!.from_email,
        last_event: 'replied',
        last_event_at: repliedAt.toISOString(),
        category: 'interested',
        sent_count: '1',
        open_count: '1',
        click_count: '1',
        reply_count: '1',
        enrolled_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
        removed_at: '',
        enrollment_id: sent.enrollmentId,
        contact_id: sent.contactId,
      },
      expect.objectContaining({
        email: waiting.email.toLowerCase(),
        status: 'pending',
        step_reached: '0',
        mailbox: '',
        last_event: '',
        last_event_at: '',
        sent_count: '0',
        open_count: '0',
        enrollment_id: waiting.enrollmentId,
      }),
    ]);

    const page = (await org.api.get(`${CAMPAIGNS}/${sent.campaignId}/export.csv?format=json`).expect(200)).body.data;
    expect(page.next_cursor).toBeNull();
    expect(page.leads[0]).toEqual({
      enrollment_id: sent.enrollmentId,
      contact_id: sent.contactId,
      email: sent.email.toLowerCase(),
      first_name: 'Robin',
      last_name: null,
      status: 'active',
      step_reached: 1,
      mailbox: message!.from_email,
      last_event: 'replied',
      last_event_at: repliedAt.toISOString(),
      category: 'interested',
      sent_count: 1,
      open_count: 1,
      click_count: 1,
      reply_count: 1,
      enrolled_at: rows[0]!.enrolled_at,
      removed_at: null,
    });
    await org.api.post(`${enrollmentPath(sent)}/stop`).expect(200);
  });

  it('when names and categories start like formulas, then every such cell is neutralised', async () => {
    const campaignId = await fx.createCampaign(null);
    const lead = await fx.enroll(campaignId, uniqueEmail('hostile'));
    await fx.sql(`UPDATE contacts SET fields = $2 WHERE id = $1`, [
      lead.contactId,
      { first_name: '=HYPERLINK("http://evil.example","click")', last_name: '+SUM(1,2)' },
    ]);
    await org.api.patch(enrollmentPath(lead), { enrollment: { category: '@cmd|calc' } }).expect(200);
    const other = await fx.enroll(campaignId, uniqueEmail('minus'));
    await org.api.patch(enrollmentPath(other), { enrollment: { category: '-2+3' } }).expect(200);

    const { rows } = await csvOf(campaignId);
    expect(rows[0]).toMatchObject({
      first_name: `'=HYPERLINK("http://evil.example","click")`,
      last_name: `'+SUM(1,2)`,
      category: `'@cmd|calc`,
    });
    expect(rows[1]).toMatchObject({ category: `'-2+3` });
    // JSON is data, not a spreadsheet: the values as they are.
    const page = (await org.api.get(`${CAMPAIGNS}/${campaignId}/export.csv?format=json`).expect(200)).body.data;
    expect(page.leads[0]).toMatchObject({
      first_name: '=HYPERLINK("http://evil.example","click")',
      category: '@cmd|calc',
    });
  });

  it('when a lead was removed, then it is exported by default, and left out with removed=exclude', async () => {
    const campaignId = await fx.createCampaign(null);
    const kept = await fx.enroll(campaignId, uniqueEmail('kept'));
    const removed = await fx.enroll(campaignId, uniqueEmail('removed'));
    await org.api.delete(enrollmentPath(removed)).expect(200);

    const all = (await csvOf(campaignId)).rows;
    expect(all.map((row) => row.enrollment_id)).toEqual([kept.enrollmentId, removed.enrollmentId]);
    expect(all[1]).toMatchObject({ status: 'stopped', removed_at: expect.stringMatching(/Z$/) });
    const current = (await csvOf(campaignId, '?removed=exclude')).rows;
    expect(current.map((row) => row.enrollment_id)).toEqual([kept.enrollmentId]);
    const stopped = (await csvOf(campaignId, '?status=stopped')).rows;
    expect(stopped.map((row) => row.enrollment_id)).toEqual([removed.enrollmentId]);
  });

  it('when a campaign has more leads than a batch, all enrolled at the same instant, then CSV and JSON pages give each once, in order', async () => {
    const campaignId = await fx.createCampaign(null);
    const total = 2_345;
    const tag = crypto.randomBytes(4).toString('hex');
    // One statement: every row gets the same created_at, so the cursor must tell them apart by id.
    await fx.sql(
      `WITH inserted AS (
         INSERT INTO contacts (organization_id, email)
         SELECT $1::uuid, 'bulk-' || $3::text || '-' || n || '@example.test' FROM generate_series(1, $4::int) n
         RETURNING id
       )
       INSERT INTO enrollments (organization_id, campaign_id, contact_id, workflow_id)
       SELECT $1::uuid, $2::uuid, id, 'enrollment-' || $2::text || '-' || id FROM inserted`,
      [org.organizationId, campaignId, tag, total],
    );
    const csv = (await csvOf(campaignId)).rows.map((row) => row.enrollment_id);
    expect(csv).toHaveLength(total);
    expect(new Set(csv).size).toBe(total);

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?format=json&limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await org.api.get(`${CAMPAIGNS}/${campaignId}/export.csv${query}`).expect(200)).body.data;
      paged.push(...page.leads.map((lead: { enrollment_id: string }) => lead.enrollment_id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(paged).toEqual(csv);
  });

  it('when the request is wrong, then 404 for another organization and 422 naming the field', async () => {
    const campaignId = await fx.createCampaign(null);
    await fx.enroll(campaignId, uniqueEmail('one'));
    const path = `${CAMPAIGNS}/${campaignId}/export.csv`;
    expectError(await other.api.get(path), 404, 'campaign_not_found');
    expectError(await other.api.get(`${path}?format=json`), 404, 'campaign_not_found');
    expectError(await org.api.get(`${CAMPAIGNS}/${crypto.randomUUID()}/export.csv`), 404, 'campaign_not_found');
    expectValidationFailure(await org.api.get(`${path}?format=xlsx`), 'format');
    expectValidationFailure(await org.api.get(`${path}?format=json&limit=0`), 'limit');
    expectValidationFailure(await org.api.get(`${path}?format=json&limit=1001`), 'limit');
    expectValidationFailure(await org.api.get(`${path}?format=json&cursor=not-a-cursor`), 'cursor');
    const forged = Buffer.from('2026-02-30 10:00:00+00|00000000-0000-4000-8000-000000000000').toString('base64url');
    expectValidationFailure(await org.api.get(`${path}?format=json&cursor=${forged}`), 'cursor');
    expectValidationFailure(await org.api.get(`${path}?status=nope`), 'status.0');
  });
});
