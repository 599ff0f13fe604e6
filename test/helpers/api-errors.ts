import type { Response } from 'supertest';
import { campaignBody, uniqueEmail } from './factories';
import type { ApiClient, TestStack } from './test-stack';

/*
 * What the API-errors suites (test/integration/api-errors-*.test.ts) share: the organizations and the pending campaign
 * they arrange, the check that a rejected request changed no row, and the error-envelope assertions.
 */

export const CAMPAIGNS = '/api/v1/campaigns';

export interface Organization {
  organizationId: string;
  apiKey: string;
  api: ApiClient;
}

export async function newOrganization(stack: TestStack): Promise<Organization> {
  const created = await stack.newOrganization();
  return { ...created, api: stack.api(created.apiKey) };
}

/** A campaign with one pending enrollment in batch 1, never dispatched. */
export interface PendingCampaign {
  id: string;
  name: string;
  enrollmentId: string;
  contactId: string;
}

export async function createPendingCampaign(stack: TestStack, org: Organization): Promise<PendingCampaign> {
  const body = campaignBody(stack.info);
  const created = await org.api.post(CAMPAIGNS, body).expect(201);
  const enrolled = await org.api
    .post(`${CAMPAIGNS}/${created.body.data.id}/enroll_contact`, { contact: { email: uniqueEmail('org-a') } })
    .expect(201);
  return {
    id: created.body.data.id,
    name: body.campaign.name,
    enrollmentId: enrolled.body.data.id,
    contactId: enrolled.body.data.contact_id,
  };
}

/** Rows an organization owns, directly or through its campaigns: a rejected request must leave every one as it was. */
interface RowCounts {
  campaigns: number;
  steps: number;
  campaignMailboxes: number;
  mailboxes: number;
  contacts: number;
  enrollments: number;
}

async function rowCounts(stack: TestStack, organizationId: string): Promise<RowCounts> {
  const rows: RowCounts[] = await stack.db.dataSource.query(
    `SELECT
       (SELECT count(*) FROM campaigns WHERE organization_id = $1)::int AS "campaigns",
       (SELECT count(*) FROM sequence_steps s JOIN campaigns c ON c.id = s.campaign_id
         WHERE c.organization_id = $1)::int AS "steps",
       (SELECT count(*) FROM campaign_mailboxes l JOIN campaigns c ON c.id = l.campaign_id
         WHERE c.organization_id = $1)::int AS "campaignMailboxes",
       (SELECT count(*) FROM mailboxes WHERE organization_id = $1)::int AS "mailboxes",
       (SELECT count(*) FROM contacts WHERE organization_id = $1)::int AS "contacts",
       (SELECT count(*) FROM enrollments WHERE organization_id = $1)::int AS "enrollments"`,
    [organizationId],
  );
  return rows[0]!;
}

/** Runs `act` and asserts the organizations' rows are exactly as before; returns the response for further checks. */
export async function expectNoChanges(
  stack: TestStack,
  organizationIds: string[],
  act: () => PromiseLike<Response>,
): Promise<Response> {
  const before = await Promise.all(organizationIds.map((id) => rowCounts(stack, id)));
  const response = await act();
  const after = await Promise.all(organizationIds.map((id) => rowCounts(stack, id)));
  expect(after).toEqual(before);
  return response;
}

export function expectError(response: Response, status: number, code: string): void {
  expect({ status: response.status, body: response.body }).toMatchObject({
    status,
    body: { status: 'error', code, message: expect.stringMatching(/\S/) },
  });
  expect(response.body).not.toHaveProperty('data');
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 422 `validation_failed` whose `errors` contain a `"<field>: …"` entry. */
export function expectValidationFailure(response: Response, field: string): void {
  expectError(response, 422, 'validation_failed');
  expect(response.body.errors).toEqual(
    expect.arrayContaining([expect.stringMatching(new RegExp(`^${escapeRegExp(field)}: \\S`))]),
  );
}

export async function campaignStatus(stack: TestStack, campaignId: string): Promise<string | undefined> {
  const rows: { status: string }[] = await stack.db.dataSource.query('SELECT status FROM campaigns WHERE id = $1', [
    campaignId,
  ]);
  return rows[0]?.status;
}

export async function enrollmentStatuses(stack: TestStack, campaignId: string): Promise<string[]> {
  const rows: { status: string }[] = await stack.db.dataSource.query(
    'SELECT status FROM enrollments WHERE campaign_id = $1 ORDER BY id',
    [campaignId],
  );
  return rows.map((row) => row.status);
}
