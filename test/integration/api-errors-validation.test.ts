import crypto from 'node:crypto';
import request, { type Response } from 'supertest';
import {
  CAMPAIGNS,
  campaignStatus,
  createPendingCampaign,
  enrollmentStatuses,
  expectError,
  expectNoChanges,
  expectValidationFailure,
  newOrganization,
  type Organization,
  type PendingCampaign,
} from '../helpers/api-errors';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

/*
 * Bodies the API refuses: undecodable requests, invalid campaigns, invalid or duplicate enrollments, dispatches with
 * nothing to send. Authentication, unknown ids, other organizations, secrets and health: api-errors-access.test.ts.
 */

type CampaignBody = ReturnType<typeof campaignBody>;

describe('the HTTP API answers bad input with the documented 4xx and changes nothing', () => {
  let stack: TestStack;
  let orgA: Organization;
  /** Org A's campaign with one pending enrollment in batch 1, never dispatched. */
  let campaignA: PendingCampaign;

  beforeAll(async () => {
    stack = await connectTestStack();
    orgA = await newOrganization(stack);
    campaignA = await createPendingCampaign(stack, orgA);
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('request bodies', () => {
    it('when the JSON body is malformed, then 400 malformed_json and nothing is stored', async () => {
      const response = await expectNoChanges(stack, [orgA.organizationId], () =>
        request(stack.app)
          .post(CAMPAIGNS)
          .set('X-API-KEY', orgA.apiKey)
          .set('Content-Type', 'application/json')
          .send('{"campaign": '),
      );
      expectError(response, 400, 'malformed_json');
    });

    it('when the JSON body is larger than the limit, then 413 payload_too_large and nothing is stored', async () => {
      const body = campaignBody(stack.info);
      body.campaign.sequence_steps[0]!.body_html = `<p>${'x'.repeat(6 * 1024 * 1024)}</p>`;
      const response = await expectNoChanges(stack, [orgA.organizationId], () => orgA.api.post(CAMPAIGNS, body));
      expectError(response, 413, 'payload_too_large');
    });

    const undecodableBodies: { when: string; headers: Record<string, string>; body: string }[] = [
      {
        when: 'the body declares a charset other than UTF',
        headers: { 'Content-Type': 'application/json; charset=iso-8859-1' },
        body: '{"campaign":{}}',
      },
      {
        when: 'the body uses an unsupported Content-Encoding',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'compress' },
        body: '{"campaign":{}}',
      },
      {
        when: 'the body claims gzip but is not gzip',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
        body: '{"campaign":{}}',
      },
    ];

    it.each(undecodableBodies)(
      'when $when, then a 4xx error envelope (the client erred, not the server) and nothing is stored',
      async ({ headers, body }) => {
        const response = await expectNoChanges(stack, [orgA.organizationId], () =>
          request(stack.app).post(CAMPAIGNS).set('X-API-KEY', orgA.apiKey).set(headers).send(body),
        );
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.body).toMatchObject({
          status: 'error',
          code: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/),
          message: expect.stringMatching(/\S/),
        });
      },
    );
  });

  describe('POST /campaigns validation', () => {
    const invalidBodies: { when: string; field: string; body: (valid: CampaignBody) => unknown }[] = [
      { when: 'the body is empty', field: 'campaign', body: () => ({}) },
      { when: 'the body is a JSON array', field: 'body', body: () => [] },
      { when: 'the campaign has no fields', field: 'campaign.name', body: () => ({ campaign: {} }) },
      {
        when: 'the name is only spaces',
        field: 'campaign.name',
        body: (valid) => ({ campaign: { ...valid.campaign, name: '   ' } }),
      },
      {
        when: 'smtp_port is a string',
        field: 'campaign.smtp_credentials.0.smtp_port',
        body: (valid) => {
          valid.campaign.smtp_credentials[0]!.smtp_port = '587' as unknown as number;
          return valid;
        },
      },
      {
        when: 'smtp_security is not one of tls, starttls, none',
        field: 'campaign.smtp_credentials.0.smtp_security',
        body: (valid) => {
          valid.campaign.smtp_credentials[0]!.smtp_security = 'ssl';
          return valid;
        },
      },
      {
        when: 'from_email is not an email address',
        field: 'campaign.smtp_credentials.0.from_email',
        body: (valid) => {
          Object.assign(valid.campaign.smtp_credentials[0]!, { from_email: 'sender-at-example' });
          return valid;
        },
      },
      {
        when: 'there are no smtp_credentials',
        field: 'campaign.smtp_credentials',
        body: (valid) => ({ campaign: { ...valid.campaign, smtp_credentials: [] } }),
      },
      {
        when: 'sequence_steps is a string',
        field: 'campaign.sequence_steps',
        body: (valid) => ({ campaign: { ...valid.campaign, sequence_steps: 'x' } }),
      },
      {
        when: 'a delay_minutes is negative',
        field: 'campaign.sequence_steps.1.delay_minutes',
        body: (valid) => {
          valid.campaign.sequence_steps[1]!.delay_minutes = -1;
          return valid;
        },
      },
      {
        when: 'two steps share a position',
        field: 'campaign.sequence_steps',
        body: (valid) => {
          valid.campaign.sequence_steps[1]!.position = valid.campaign.sequence_steps[0]!.position;
          return valid;
        },
      },
      {
        when: 'max_wait_seconds is below min_wait_seconds',
        field: 'campaign.max_wait_seconds',
        body: (valid) => ({ campaign: { ...valid.campaign, min_wait_seconds: 300, max_wait_seconds: 60 } }),
      },
      {
        when: 'the first step has no subject (only follow-ups answer under step 1)',
        field: 'campaign.sequence_steps',
        body: (valid) => {
          delete (valid.campaign.sequence_steps[0] as { subject?: string }).subject;
          return valid;
        },
      },
      {
        when: 'a subject holds a line break (it would start a header of its own)',
        field: 'campaign.sequence_steps.0.subject',
        body: (valid) => {
          valid.campaign.sequence_steps[0]!.subject = 'Hello\r\nBcc: victim@example.test';
          return valid;
        },
      },
      {
        when: 'from_name holds a line break',
        field: 'campaign.smtp_credentials.0.from_name',
        body: (valid) => {
          valid.campaign.smtp_credentials[0]!.from_name = 'Sam\nBcc: victim@example.test';
          return valid;
        },
      },
      {
        when: 'only part of the DKIM fields are given',
        field: 'campaign.smtp_credentials.0',
        body: (valid) => {
          Object.assign(valid.campaign.smtp_credentials[0]!, { dkim_domain: 'sender.test', dkim_selector: 's1' });
          return valid;
        },
      },
      {
        when: 'dkim_private_key is not a PEM private key',
        field: 'campaign.smtp_credentials.0.dkim_private_key',
        body: (valid) => {
          Object.assign(valid.campaign.smtp_credentials[0]!, {
            dkim_domain: 'sender.test',
            dkim_selector: 's1',
            dkim_private_key: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----',
          });
          return valid;
        },
      },
      {
        when: 'only half of the IMAP fields are given',
        field: 'campaign.smtp_credentials.0',
        body: (valid) => {
          Object.assign(valid.campaign.smtp_credentials[0]!, { imap_host: '127.0.0.1', imap_port: 993 });
          return valid;
        },
      },
    ];

    it.each(invalidBodies)(
      'when $when, then 422 validation_failed names $field and nothing is stored',
      async ({ field, body }) => {
        const response = await expectNoChanges(stack, [orgA.organizationId], () =>
          orgA.api.post(CAMPAIGNS, body(campaignBody(stack.info))),
        );
        expectValidationFailure(response, field);
      },
    );

    it('when the campaign has no fields, then every missing required field is named', async () => {
      const response = await orgA.api.post(CAMPAIGNS, { campaign: {} });
      expectValidationFailure(response, 'campaign.name');
      expectValidationFailure(response, 'campaign.smtp_credentials');
      expectValidationFailure(response, 'campaign.sequence_steps');
    });

    it('when a later smtp_username is not an email and has no from_email, then 422 names from_email and no mailbox is created', async () => {
      const body = campaignBody(stack.info);
      const valid = body.campaign.smtp_credentials[0]!;
      // The first credential is valid, so its mailbox is written before the second fails: the transaction must undo it.
      body.campaign.smtp_credentials.push({
        ...valid,
        smtp_username: `login-${crypto.randomBytes(4).toString('hex')}`,
      });
      const response = await expectNoChanges(stack, [orgA.organizationId], () => orgA.api.post(CAMPAIGNS, body));
      expectError(response, 422, 'validation_failed');
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.stringContaining('from_email')]));
      const mailboxes: unknown[] = await stack.db.dataSource.query(
        'SELECT id FROM mailboxes WHERE organization_id = $1 AND smtp_username = ANY($2)',
        [orgA.organizationId, body.campaign.smtp_credentials.map((credential) => credential.smtp_username)],
      );
      expect(mailboxes).toEqual([]);
    });

    it('when a rejected create names an existing mailbox, then that mailbox keeps its settings and password', async () => {
      const existing = campaignBody(stack.info);
      await orgA.api.post(CAMPAIGNS, existing).expect(201);
      const credential = existing.campaign.smtp_credentials[0]!;
      const readMailbox = async (): Promise<unknown[]> =>
        stack.db.dataSource.query(
          `SELECT smtp_password_encrypted, daily_limit, from_name, label, updated_at FROM mailboxes
            WHERE organization_id = $1 AND smtp_username = $2`,
          [orgA.organizationId, credential.smtp_username],
        );
      const before = await readMailbox();
      expect(before).toHaveLength(1);

      const body = campaignBody(stack.info);
      body.campaign.smtp_credentials = [
        { ...credential, smtp_password: 'changed-password', daily_limit: 7, from_name: 'Changed', label: 'Changed' },
        { ...credential, smtp_username: `login-${crypto.randomBytes(4).toString('hex')}` },
      ];
      const response = await expectNoChanges(stack, [orgA.organizationId], () => orgA.api.post(CAMPAIGNS, body));
      expectError(response, 422, 'validation_failed');
      expect(await readMailbox()).toEqual(before);
    });

    it('when the campaign name contains a NUL character, then 422 validation_failed and nothing is stored', async () => {
      const body = campaignBody(stack.info);
      body.campaign.name = 'Launch\u0000campaign';
      const response = await expectNoChanges(stack, [orgA.organizationId], () => orgA.api.post(CAMPAIGNS, body));
      expectValidationFailure(response, 'campaign.name');
    });
  });

  describe('POST /campaigns/:id/enroll_contact', () => {
    const enroll = (body: unknown, campaignId = campaignA.id): Promise<Response> =>
      expectNoChanges(stack, [orgA.organizationId], () =>
        orgA.api.post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, body),
      );

    it('when contact_id is an unknown uuid, then 404 contact_not_found and no enrollment is created', async () => {
      expectError(await enroll({ contact_id: crypto.randomUUID() }), 404, 'contact_not_found');
    });

    it('when both contact_id and contact are given, then 422 and nothing is stored', async () => {
      const response = await enroll({ contact_id: campaignA.contactId, contact: { email: uniqueEmail() } });
      expectValidationFailure(response, 'contact_id');
    });

    it('when neither contact_id nor contact is given, then 422 and nothing is stored', async () => {
      expectValidationFailure(await enroll({}), 'contact_id');
    });

    it('when contact_id is not a uuid, then 422 naming contact_id', async () => {
      expectValidationFailure(await enroll({ contact_id: 'not-a-uuid' }), 'contact_id');
    });

    it('when contact.email is not an email address, then 422 naming contact.email and no contact is created', async () => {
      const response = await enroll({ contact: { email: 'not-an-email', first_name: 'Nobody' } });
      expectValidationFailure(response, 'contact.email');
      const contacts: unknown[] = await stack.db.dataSource.query(
        'SELECT id FROM contacts WHERE organization_id = $1 AND email ILIKE $2',
        [orgA.organizationId, '%not-an-email%'],
      );
      expect(contacts).toEqual([]);
    });

    it('when the timezone is not an IANA zone, then 422 naming contact.timezone and nothing is stored', async () => {
      const response = await enroll({ contact: { email: uniqueEmail(), timezone: 'Mars/Olympus_Mons' } });
      expectValidationFailure(response, 'contact.timezone');
    });

    it('when a custom field name is not an identifier, then 422 and nothing is stored', async () => {
      const response = await enroll({ contact: { email: uniqueEmail(), custom_fields: { '1st-choice': 'x' } } });
      expectValidationFailure(response, 'contact.custom_fields.1st-choice');
    });

    it('when batch_number is not a positive integer, then 422 naming batch_number', async () => {
      expectValidationFailure(await enroll({ contact: { email: uniqueEmail() }, batch_number: 0 }), 'batch_number');
      expectValidationFailure(await enroll({ contact: { email: uniqueEmail() }, batch_number: 1.5 }), 'batch_number');
    });

    it('when a custom field value contains a NUL character, then 422 and nothing is stored', async () => {
      const response = await enroll({ contact: { email: uniqueEmail(), custom_fields: { note: 'a\u0000b' } } });
      expectError(response, 422, 'validation_failed');
    });

    it('when the contact is already enrolled, then 422 contact_already_enrolled and its fields are not merged', async () => {
      const email = uniqueEmail('twice');
      const campaignId: string = (await orgA.api.post(CAMPAIGNS, campaignBody(stack.info)).expect(201)).body.data.id;
      const first = await orgA.api
        .post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, {
          contact: { email, first_name: 'Ann', timezone: 'Europe/Paris' },
        })
        .expect(201);
      const readContact = async (): Promise<unknown[]> =>
        stack.db.dataSource.query('SELECT fields, timezone, updated_at FROM contacts WHERE id = $1', [
          first.body.data.contact_id,
        ]);
      const before = await readContact();

      const response = await enroll(
        { contact: { email, first_name: 'Changed', company: 'Changed Inc', timezone: 'Asia/Tokyo' } },
        campaignId,
      );
      expectError(response, 422, 'contact_already_enrolled');
      expect(await readContact()).toEqual(before);
    });
  });

  describe('POST /campaigns/:id/dispatch', () => {
    it('when the campaign has no enrollments, then 422 no_pending_enrollments and it stays pending', async () => {
      const campaignId: string = (await orgA.api.post(CAMPAIGNS, campaignBody(stack.info)).expect(201)).body.data.id;
      const response = await orgA.api.post(`${CAMPAIGNS}/${campaignId}/dispatch`);
      expectError(response, 422, 'no_pending_enrollments');
      expect(await campaignStatus(stack, campaignId)).toBe('pending');
    });

    it('when batch_number names a batch without pending enrollments, then 422 and nothing starts', async () => {
      const response = await orgA.api.post(`${CAMPAIGNS}/${campaignA.id}/dispatch`, { batch_number: 2 });
      expectError(response, 422, 'no_pending_enrollments');
      expect(await campaignStatus(stack, campaignA.id)).toBe('pending');
      expect(await enrollmentStatuses(stack, campaignA.id)).toEqual(['pending']);
    });

    it('when batch_number is not a positive integer, then 422 naming batch_number and nothing starts', async () => {
      for (const batchNumber of ['1', 0, 1.5]) {
        const response = await orgA.api.post(`${CAMPAIGNS}/${campaignA.id}/dispatch`, { batch_number: batchNumber });
        expectValidationFailure(response, 'batch_number');
      }
      expect(await campaignStatus(stack, campaignA.id)).toBe('pending');
      expect(await enrollmentStatuses(stack, campaignA.id)).toEqual(['pending']);
    });

    it('when batch_number is beyond any batch the API can create, then 422, not a 500', async () => {
      const response = await orgA.api.post(`${CAMPAIGNS}/${campaignA.id}/dispatch`, { batch_number: 3_000_000_000 });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ status: 'error' });
      expect(await enrollmentStatuses(stack, campaignA.id)).toEqual(['pending']);
    });
  });
});
