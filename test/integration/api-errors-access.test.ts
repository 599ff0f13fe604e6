import crypto from 'node:crypto';
import request from 'supertest';
import {
  CAMPAIGNS,
  campaignStatus,
  createPendingCampaign,
  enrollmentStatuses,
  expectError,
  expectNoChanges,
  newOrganization,
  type Organization,
  type PendingCampaign,
} from '../helpers/api-errors';
import { campaignBody, campaignBodyWithPasswords, uniqueEmail } from '../helpers/factories';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

/*
 * Who may reach what: authentication, unknown campaigns, enrollments and routes, another organization's resources,
 * passwords never echoed, health without a key. Bodies the API refuses: api-errors-validation.test.ts.
 */

describe('the HTTP API answers bad input with the documented 4xx and changes nothing', () => {
  let stack: TestStack;
  let orgA: Organization;
  let orgB: Organization;
  /** Org A's campaign with one pending enrollment in batch 1, never dispatched. */
  let campaignA: PendingCampaign;
  /** Org B's own campaign, to try org A's contacts and enrollments against. */
  let campaignB: string;

  beforeAll(async () => {
    stack = await connectTestStack();
    [orgA, orgB] = await Promise.all([newOrganization(stack), newOrganization(stack)]);
    campaignA = await createPendingCampaign(stack, orgA);
    campaignB = (await orgB.api.post(CAMPAIGNS, campaignBody(stack.info)).expect(201)).body.data.id;
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('authentication', () => {
    it('when no API key is sent, then 401 unauthorized in the error envelope', async () => {
      const response = await request(stack.app).get(`${CAMPAIGNS}/${campaignA.id}`);
      expectError(response, 401, 'unauthorized');
    });

    it('when an unknown key is sent in X-API-KEY or as a bearer token, then 401 unauthorized', async () => {
      const unknownKey = `sk_${crypto.randomBytes(24).toString('hex')}`;
      expectError(
        await request(stack.app).get(`${CAMPAIGNS}/${campaignA.id}`).set('X-API-KEY', unknownKey),
        401,
        'unauthorized',
      );
      expectError(
        await request(stack.app).get(`${CAMPAIGNS}/${campaignA.id}`).set('Authorization', `Bearer ${unknownKey}`),
        401,
        'unauthorized',
      );
    });

    it('when the Authorization header is not a bearer token, then 401 unauthorized', async () => {
      const response = await request(stack.app)
        .get(`${CAMPAIGNS}/${campaignA.id}`)
        .set('Authorization', `Basic ${Buffer.from(`user:${orgA.apiKey}`).toString('base64')}`);
      expectError(response, 401, 'unauthorized');
    });

    it('when an unauthenticated request creates a campaign, then 401 and no campaign exists', async () => {
      const body = campaignBody(stack.info);
      const response = await request(stack.app).post(CAMPAIGNS).send(body);
      expectError(response, 401, 'unauthorized');
      const rows: { count: number }[] = await stack.db.dataSource.query(
        'SELECT count(*)::int AS count FROM campaigns WHERE name = $1',
        [body.campaign.name],
      );
      expect(rows[0]!.count).toBe(0);
    });

    it('when the key comes as X-API-KEY or as `Authorization: Bearer`, then both are accepted', async () => {
      const viaHeader = await request(stack.app).get(`${CAMPAIGNS}/${campaignA.id}`).set('X-API-KEY', orgA.apiKey);
      const viaBearer = await request(stack.app)
        .get(`${CAMPAIGNS}/${campaignA.id}`)
        .set('Authorization', `Bearer ${orgA.apiKey}`);
      for (const response of [viaHeader, viaBearer]) {
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ status: 'success', data: { id: campaignA.id, name: campaignA.name } });
      }
    });
  });

  describe('unknown campaigns and enrollments', () => {
    it('when the campaign id is an unknown uuid, then 404 campaign_not_found', async () => {
      expectError(await orgA.api.get(`${CAMPAIGNS}/${crypto.randomUUID()}`), 404, 'campaign_not_found');
    });

    it('when the campaign id is not a uuid, then 404 campaign_not_found on every campaign route', async () => {
      expectError(await orgA.api.get(`${CAMPAIGNS}/not-a-uuid`), 404, 'campaign_not_found');
      expectError(
        await orgA.api.post(`${CAMPAIGNS}/not-a-uuid/enroll_contact`, { contact: { email: uniqueEmail() } }),
        404,
        'campaign_not_found',
      );
      expectError(await orgA.api.post(`${CAMPAIGNS}/not-a-uuid/dispatch`), 404, 'campaign_not_found');
      expectError(
        await orgA.api.get(`${CAMPAIGNS}/not-a-uuid/enrollments/${campaignA.enrollmentId}`),
        404,
        'campaign_not_found',
      );
    });

    it('when the enrollment id is unknown or not a uuid, then 404 enrollment_not_found', async () => {
      expectError(
        await orgA.api.get(`${CAMPAIGNS}/${campaignA.id}/enrollments/${crypto.randomUUID()}`),
        404,
        'enrollment_not_found',
      );
      expectError(
        await orgA.api.get(`${CAMPAIGNS}/${campaignA.id}/enrollments/not-a-uuid`),
        404,
        'enrollment_not_found',
      );
    });

    it('when the enrollment belongs to another campaign of the organization, then 404 enrollment_not_found', async () => {
      const other = await orgA.api.post(CAMPAIGNS, campaignBody(stack.info)).expect(201);
      expectError(
        await orgA.api.get(`${CAMPAIGNS}/${other.body.data.id}/enrollments/${campaignA.enrollmentId}`),
        404,
        'enrollment_not_found',
      );
    });

    it('when the route does not exist, then 404 in the error envelope', async () => {
      expectError(await orgA.api.get('/api/v1/nope'), 404, 'route_not_found');
      expectError(await request(stack.app).get('/nope'), 404, 'route_not_found');
    });
  });

  describe("another organization's resources", () => {
    it("when org B reads org A's campaign, then 404 campaign_not_found without A's data", async () => {
      const response = await orgB.api.get(`${CAMPAIGNS}/${campaignA.id}`);
      expectError(response, 404, 'campaign_not_found');
      expect(JSON.stringify(response.body)).not.toContain(campaignA.name);
    });

    it("when org B enrolls a contact in org A's campaign, then 404 and no contact or enrollment is created", async () => {
      const email = uniqueEmail('org-b');
      const response = await expectNoChanges(stack, [orgA.organizationId, orgB.organizationId], () =>
        orgB.api.post(`${CAMPAIGNS}/${campaignA.id}/enroll_contact`, { contact: { email } }),
      );
      expectError(response, 404, 'campaign_not_found');
      const contacts: unknown[] = await stack.db.dataSource.query('SELECT id FROM contacts WHERE email = $1', [email]);
      expect(contacts).toEqual([]);

      expectError(
        await expectNoChanges(stack, [orgA.organizationId, orgB.organizationId], () =>
          orgB.api.post(`${CAMPAIGNS}/${campaignA.id}/enroll_contact`, { contact_id: campaignA.contactId }),
        ),
        404,
        'campaign_not_found',
      );
    });

    it("when org B dispatches org A's campaign, then 404 and nothing starts", async () => {
      const response = await orgB.api.post(`${CAMPAIGNS}/${campaignA.id}/dispatch`);
      expectError(response, 404, 'campaign_not_found');
      expect(await campaignStatus(stack, campaignA.id)).toBe('pending');
      expect(await enrollmentStatuses(stack, campaignA.id)).toEqual(['pending']);
    });

    it("when org B reads an enrollment of org A's campaign, then 404 campaign_not_found", async () => {
      expectError(
        await orgB.api.get(`${CAMPAIGNS}/${campaignA.id}/enrollments/${campaignA.enrollmentId}`),
        404,
        'campaign_not_found',
      );
    });

    it("when org B uses org A's contact or enrollment ids in its own campaign, then 404 and nothing is created", async () => {
      const response = await expectNoChanges(stack, [orgA.organizationId, orgB.organizationId], () =>
        orgB.api.post(`${CAMPAIGNS}/${campaignB}/enroll_contact`, { contact_id: campaignA.contactId }),
      );
      expectError(response, 404, 'contact_not_found');
      expectError(
        await orgB.api.get(`${CAMPAIGNS}/${campaignB}/enrollments/${campaignA.enrollmentId}`),
        404,
        'enrollment_not_found',
      );
    });
  });

  describe('secrets', () => {
    it('when a campaign is created and read back, then neither the SMTP nor the IMAP password appears', async () => {
      const smtpPassword = `smtp-${crypto.randomBytes(12).toString('hex')}`;
      const imapPassword = `imap-${crypto.randomBytes(12).toString('hex')}`;
      const body = campaignBodyWithPasswords(stack.info, { smtp: smtpPassword, imap: imapPassword });

      const created = await orgA.api.post(CAMPAIGNS, body);
      expect(created.status).toBe(201);
      const read = await orgA.api.get(`${CAMPAIGNS}/${created.body.data.id}`);
      expect(read.status).toBe(200);
      expect(read.body.data.credentials).toHaveLength(1);
      for (const response of [created, read]) {
        expect(response.text).not.toContain(smtpPassword);
        expect(response.text).not.toContain(imapPassword);
      }

      const stored: unknown[] = await stack.db.dataSource.query(
        'SELECT * FROM mailboxes WHERE organization_id = $1 AND smtp_username = $2',
        [orgA.organizationId, body.campaign.smtp_credentials[0]!.smtp_username],
      );
      expect(stored).toHaveLength(1);
      expect(JSON.stringify(stored)).not.toContain(smtpPassword);
      expect(JSON.stringify(stored)).not.toContain(imapPassword);
    });

    it('when a create is rejected, then the error does not echo the submitted password', async () => {
      const smtpPassword = `smtp-${crypto.randomBytes(12).toString('hex')}`;
      const body = campaignBody(stack.info);
      Object.assign(body.campaign.smtp_credentials[0]!, {
        smtp_password: smtpPassword,
        smtp_username: 'not-an-email',
        smtp_port: 0,
      });
      const response = await orgA.api.post(CAMPAIGNS, body);
      expectError(response, 422, 'validation_failed');
      expect(response.text).not.toContain(smtpPassword);
    });
  });

  describe('health', () => {
    it('when /healthz is called without a key, then 200', async () => {
      const response = await request(stack.app).get('/healthz');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'success' });
    });

    it('when Postgres and Temporal are up, then /readyz answers 200 with both checks ok', async () => {
      const response = await request(stack.app).get('/readyz');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        status: 'success',
        data: { postgres: { ok: true }, temporal: { ok: true } },
      });
    });
  });
});
