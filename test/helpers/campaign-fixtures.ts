import crypto from 'node:crypto';
import { CAMPAIGNS } from './api-paths';
import { campaignBody } from './factories';
import { eventually, messagesTo, type ApiClient, type TestStack } from './test-stack';

export type Step = { subject: string; body?: string; delaySeconds: number };

/** A contact enrolled through the API. */
export interface Enrollee {
  enrollmentId: string;
  contactId: string;
  email: string;
}

/** The next midnight UTC: where a send deferred by a full mailbox waits. */
export function nextUtcMidnight(): string {
  const midnight = new Date();
  midnight.setUTCHours(24, 0, 0, 0);
  return midnight.toISOString();
}

/**
 * Campaigns and enrollments through the API of any organization, for the campaign API suites. `stack` is read when a
 * helper runs, so the helpers can be made before the suite's `beforeAll` connects it.
 */
export function campaignFixtures(stack: () => TestStack) {
  /** An address on a domain of the test DNS zone (example.test would be NXDOMAIN under verify_email_mx). */
  const zoneEmail = (prefix: string, domain: keyof TestStack['info']['dns']['zone'] = 'mx'): string =>
    `${prefix}-${crypto.randomBytes(6).toString('hex')}@${stack().info.dns.zone[domain]}`;

  async function createCampaign(
    api: ApiClient,
    options: { steps?: Step[]; dailyLimit?: number; name?: string } = {},
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; name: string; body: ReturnType<typeof campaignBody> }> {
    const body = campaignBody(stack().info, options);
    Object.assign(body.campaign, extra);
    const created = await api.post(CAMPAIGNS, body).expect(201);
    return { id: created.body.data.id as string, name: body.campaign.name, body };
  }

  async function enroll(api: ApiClient, campaignId: string, email: string, batchNumber = 1): Promise<Enrollee> {
    const response = await api
      .post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, {
        contact: { email, first_name: 'Pat' },
        batch_number: batchNumber,
      })
      .expect(201);
    return { enrollmentId: response.body.data.id, contactId: response.body.data.contact_id, email };
  }

  const waitForMessages = (emails: string[], atLeast: number, what: string, timeoutMs = 60_000) =>
    eventually(async () => (await messagesTo(stack().info, emails)).length >= atLeast, { what, timeoutMs });

  /** A fresh organization's API client. */
  async function newApi(): Promise<{ api: ApiClient; organizationId: string }> {
    const organization = await stack().newOrganization();
    return { api: stack().api(organization.apiKey), organizationId: organization.organizationId };
  }

  const enrollmentStatus = async (enrollmentId: string): Promise<string | undefined> =>
    (await stack().db.repos.enrollments.findById(enrollmentId))?.status;

  return { zoneEmail, createCampaign, enroll, waitForMessages, newApi, enrollmentStatus };
}
