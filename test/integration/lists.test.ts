import crypto from 'node:crypto';
import { countContacts } from '../helpers/db-reads';
import { stackWithOrganization, eventually, type ApiClient, type TestStack } from '../helpers/test-stack';

/** The reference document's "Complete Request Example" for adding contacts. */
const REFERENCE_CONTACTS = [
  {
    email: 'john.doe@example.com',
    first_name: 'John',
    last_name: 'Doe',
    phone: '+1-555-123-4567',
    company: 'Acme Corporation',
    title: 'CEO',
    custom_fields: {
      industry: 'Technology',
      company_size: '50-100',
      location: 'San Francisco, CA',
      lead_source: 'Website',
      budget: '10k+',
      linkedin: 'https://linkedin.com/in/johndoe',
      website: 'https://acme.com',
      notes: 'Interested in enterprise solution',
    },
  },
  {
    email: 'jane.smith@techcorp.com',
    first_name: 'Jane',
    last_name: 'Smith',
    company: 'TechCorp',
    title: 'CTO',
    custom_fields: { industry: 'SaaS', company_size: '100-500', lead_source: 'LinkedIn' },
  },
];

const email = (name: string) => `${name}-${crypto.randomBytes(4).toString('hex')}@example.com`;

describe('lists and contacts, as the reference API documents them', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;

  async function createList(name = 'Test list'): Promise<string> {
    const response = await api.post('/api/v1/lists', { list: { name } }).expect(201);
    return response.body.data.uuid as string;
  }

  const addContacts = (listUuid: string, contacts: unknown[], query = '') =>
    api.post(`/api/v1/lists/${listUuid}/contacts${query}`, { contacts });

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('the reference examples', () => {
    let listUuid: string;

    it('POST /lists creates a list: "List created successfully" with id, uuid, name, contacts_count', async () => {
      const response = await api.post('/api/v1/lists', { list: { name: 'New Customer List' } }).expect(201);

      expect(response.body).toEqual({
        status: 'success',
        message: 'List created successfully',
        data: { id: expect.any(Number), uuid: expect.any(String), name: 'New Customer List', contacts_count: 0 },
      });
      listUuid = response.body.data.uuid;
    });

    it('POST /lists/:uuid/contacts?remove_duplicates=true&auto_clean=true counts one new and one existing contact', async () => {
      // Jane is already a contact of the organization (in another list): she is reused, not duplicated.
      await addContacts(await createList('Earlier list'), [{ email: 'jane.smith@techcorp.com', first_name: 'Janet' }]);

      const response = await addContacts(listUuid, REFERENCE_CONTACTS, '?remove_duplicates=true&auto_clean=true');

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        status: 'success',
        message: 'Successfully processed contacts',
        data: {
          total_submitted: 2,
          total_added: 2,
          new_contacts: 1,
          existing_contacts_added: 1,
          duplicates_removed: 0,
          invalid_emails: [],
          list_uuid: listUuid,
          contacts_count: 2,
        },
      });
    });

    it('GET /lists/:uuid/contacts returns the contacts with their fields, validation state and pagination', async () => {
      const response = await api.get(`/api/v1/lists/${listUuid}/contacts?page=1&per_page=100`).expect(200);

      expect(response.body.status).toBe('success');
      expect(response.body.data.pagination).toEqual({
        current_page: 1,
        per_page: 100,
        total_pages: 1,
        total_contacts: 2,
      });
      const [john, jane] = response.body.data.contacts;
      expect(john).toEqual({
        id: expect.any(String),
        email: 'john.doe@example.com',
        email_valid: null,
        status: 'active',
        timezone: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        fields: {
          first_name: 'John',
          last_name: 'Doe',
          phone: '+1-555-123-4567',
          company: 'Acme Corporation',
          title: 'CEO',
          ...REFERENCE_CONTACTS[0]!.custom_fields,
        },
      });
      // The existing contact's fields were merged: the newer values win, nothing else is lost.
      expect(jane.fields).toMatchObject({ first_name: 'Jane', last_name: 'Smith', industry: 'SaaS' });
    });

    it('GET /lists and GET /lists/:uuid show contacts_count, has_campaign, campaign_id, campaign_name and total', async () => {
      const all = await api.get('/api/v1/lists').expect(200);
      const one = await api.get(`/api/v1/lists/${listUuid}`).expect(200);

      expect(all.body).toMatchObject({ status: 'success', total: all.body.data.length });
      const expected = {
        id: expect.any(Number),
        uuid: listUuid,
        name: 'New Customer List',
        contacts_count: 2,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        has_campaign: false,
        campaign_id: null,
        campaign_name: null,
      };
      expect(all.body.data).toContainEqual(expected);
      expect(one.body).toEqual({ status: 'success', data: expected });
    });
  });

  describe('the counters', () => {
    it('when not removing duplicates, then repeats and members count as existing and invalid addresses are listed', async () => {
      const listUuid = await createList();
      const member = email('member');
      await addContacts(listUuid, [{ email: member }]).expect(200);
      const fresh = email('fresh');

      const response = await addContacts(listUuid, [
        { email: fresh, first_name: 'First' },
        { email: fresh.replace('@example.com', '@Example.COM'), last_name: 'Second' },
        { email: member },
        { email: 'not an email' },
        { email: '' },
      ]).expect(200);

      expect(response.body.data).toMatchObject({
        total_submitted: 5,
        total_added: 3,
        new_contacts: 1,
        existing_contacts_added: 2,
        duplicates_removed: 0,
        invalid_emails: ['not an email', ''],
        contacts_count: 2,
      });
    });

    it('when removing duplicates, then repeats in the request and contacts already in the list are dropped', async () => {
      const listUuid = await createList();
      const member = email('member');
      const elsewhere = email('elsewhere');
      await addContacts(listUuid, [{ email: member, first_name: 'Kept' }]).expect(200);
      await addContacts(await createList(), [{ email: elsewhere }]).expect(200);
      const fresh = email('fresh');

      const response = await addContacts(
        listUuid,
        [
          { email: fresh },
          { email: fresh },
          { email: member, first_name: 'Overwritten?' },
          { email: elsewhere },
          { email: 'bad@' },
        ],
        '?remove_duplicates=true',
      ).expect(200);

      expect(response.body.data).toMatchObject({
        total_submitted: 5,
        total_added: 2,
        new_contacts: 1,
        existing_contacts_added: 1,
        duplicates_removed: 2,
        invalid_emails: ['bad@'],
        contacts_count: 3,
      });
      // A dropped duplicate does not touch the stored contact.
      const contacts = (await api.get(`/api/v1/lists/${listUuid}/contacts`).expect(200)).body.data.contacts;
      expect(contacts.find((contact: { email: string }) => contact.email === member).fields.first_name).toBe('Kept');
    });

    it('when emails differ in spacing, domain case or IDN form, then they are normalized and stored once', async () => {
      const listUuid = await createList();
      const local = `Mixed.${crypto.randomBytes(3).toString('hex')}`;

      const response = await addContacts(listUuid, [
        { email: `  ${local}@EXAMPLE.com ` },
        { email: `${local}@example.COM` },
        { email: `${local}@bücher.example` },
      ]).expect(200);

      expect(response.body.data).toMatchObject({ new_contacts: 2, existing_contacts_added: 1, contacts_count: 2 });
      const contacts = (await api.get(`/api/v1/lists/${listUuid}/contacts`).expect(200)).body.data.contacts;
      expect(contacts.map((contact: { email: string }) => contact.email)).toEqual([
        `${local}@example.com`,
        `${local}@xn--bcher-kva.example`,
      ]);
    });

    it('when more than 1000 contacts are sent, then 422 names the limit and nothing is written', async () => {
      const listUuid = await createList();
      const before = await countContacts(stack.db, organizationId);
      const contacts = Array.from({ length: 1001 }, (_, index) => ({ email: email(`bulk${index}`) }));

      const response = await addContacts(listUuid, contacts).expect(422);

      expect(response.body).toMatchObject({ status: 'error', code: 'validation_failed' });
      expect(response.body.errors[0]).toMatch(/at most 1000 contacts per request/);
      expect(await countContacts(stack.db, organizationId)).toBe(before);
      expect((await api.get(`/api/v1/lists/${listUuid}`).expect(200)).body.data.contacts_count).toBe(0);
    });

    it('when 1000 contacts are sent, then all are added in one request (timing printed, not asserted)', async () => {
      const listUuid = await createList();
      const contacts = Array.from({ length: 1000 }, (_, index) => ({
        email: email(`thousand${index}`),
        first_name: `Name${index}`,
        company: 'Bulk Inc',
        custom_fields: { rank: index },
      }));

      const started = performance.now();
      const response = await addContacts(listUuid, contacts).expect(200);
      const elapsed = performance.now() - started;

      expect(response.body.data).toMatchObject({ total_submitted: 1000, new_contacts: 1000, contacts_count: 1000 });
      process.stdout.write(`\n1000-contact JSON import: ${elapsed.toFixed(0)} ms\n`);
    });

    it('when a contact entry has a wrong type, then 422 names the field and nothing is written', async () => {
      const listUuid = await createList();
      const before = await countContacts(stack.db, organizationId);

      const response = await addContacts(listUuid, [{ email: email('ok') }, { first_name: 'No email' }]).expect(422);

      expect(response.body.errors).toEqual([expect.stringMatching(/^contacts\.1\.email: /)]);
      expect(await countContacts(stack.db, organizationId)).toBe(before);
    });
  });

  describe('auto_clean', () => {
    it('when contacts are imported with auto_clean=true, then the durable job sets email_valid from real DNS', async () => {
      const listUuid = await createList();
      const { zone } = stack.info.dns;
      const [deliverable, nowhere] = [
        `ada.${crypto.randomBytes(3).toString('hex')}@${zone.mx}`,
        `bob@${zone.nxdomain}`,
      ];

      await addContacts(listUuid, [{ email: deliverable }, { email: nowhere }], '?auto_clean=true').expect(200);

      const contacts = await eventually(
        async () => {
          const page = (await api.get(`/api/v1/lists/${listUuid}/contacts`).expect(200)).body.data.contacts;
          return page.every((contact: { email_valid: boolean | null }) => contact.email_valid !== null) ? page : null;
        },
        { what: 'both addresses to be checked' },
      );
      expect(
        contacts.map((contact: { email: string; email_valid: boolean }) => [contact.email, contact.email_valid]),
      ).toEqual([
        [deliverable, true],
        [nowhere, false],
      ]);
    });
  });

  describe('paging', () => {
    it('when a list has 250 contacts, then pages of 100 come in join order and the last page has 50', async () => {
      const listUuid = await createList();
      const emails = Array.from({ length: 250 }, (_, index) => email(`page${String(index).padStart(3, '0')}`));
      await addContacts(
        listUuid,
        emails.map((address) => ({ email: address })),
      ).expect(200);

      const pages = [];
      for (const page of [1, 2, 3]) {
        pages.push(
          (await api.get(`/api/v1/lists/${listUuid}/contacts?page=${page}&per_page=100`).expect(200)).body.data,
        );
      }

      expect(pages[2].pagination).toEqual({ current_page: 3, per_page: 100, total_pages: 3, total_contacts: 250 });
      expect(pages.flatMap((page) => page.contacts.map((contact: { email: string }) => contact.email))).toEqual(emails);
    });

    it('when per_page is above the maximum of 500 or page is 0, then 422', async () => {
      const listUuid = await createList();
      const tooMany = await api.get(`/api/v1/lists/${listUuid}/contacts?per_page=501`).expect(422);
      await api.get(`/api/v1/lists/${listUuid}/contacts?page=0`).expect(422);
      expect(tooMany.body.errors).toEqual([expect.stringMatching(/^per_page: /)]);
    });
  });

  describe('editing', () => {
    it('PATCH /lists/:uuid renames; DELETE /lists/:uuid deletes the list but keeps its contacts', async () => {
      const listUuid = await createList('Before');
      const kept = email('kept');
      await addContacts(listUuid, [{ email: kept }]).expect(200);

      const renamed = await api.patch(`/api/v1/lists/${listUuid}`, { list: { name: 'After' } }).expect(200);
      expect(renamed.body.data).toMatchObject({ uuid: listUuid, name: 'After', contacts_count: 1 });

      await api.delete(`/api/v1/lists/${listUuid}`).expect(200);
      await api.get(`/api/v1/lists/${listUuid}`).expect(404);
      expect(await stack.db.repos.contacts.findByEmail(organizationId, kept)).not.toBeNull();
    });

    it('PATCH /lists/:uuid/contacts/:id changes fields (null removes one), the email, and refuses a taken email', async () => {
      const listUuid = await createList();
      const [first, second] = [email('first'), email('second')];
      await addContacts(listUuid, [
        { email: first, first_name: 'Ann', custom_fields: { plan: 'gold' } },
        { email: second },
      ]).expect(200);
      const contacts = (await api.get(`/api/v1/lists/${listUuid}/contacts`).expect(200)).body.data.contacts;
      const id = contacts[0].id;

      const updated = await api
        .patch(`/api/v1/lists/${listUuid}/contacts/${id}`, {
          first_name: 'Anne',
          custom_fields: { plan: null, seats: 12 },
          timezone: 'Europe/Paris',
        })
        .expect(200);
      expect(updated.body.data).toMatchObject({
        email: first,
        timezone: 'Europe/Paris',
        fields: { first_name: 'Anne', seats: '12' },
      });
      expect(updated.body.data.fields).not.toHaveProperty('plan');

      const taken = await api.patch(`/api/v1/lists/${listUuid}/contacts/${id}`, { email: second }).expect(409);
      expect(taken.body.code).toBe('conflict');
      const moved = await api
        .patch(`/api/v1/lists/${listUuid}/contacts/${id}`, { email: ` ${first.replace('example.com', 'EXAMPLE.org')}` })
        .expect(200);
      expect(moved.body.data.email).toBe(first.replace('example.com', 'example.org'));
    });

    it('DELETE /lists/:uuid/contacts/:id removes from the list; with scope=organization deletes the contact', async () => {
      const listUuid = await createList();
      const [stays, goes] = [email('stays'), email('goes')];
      await addContacts(listUuid, [{ email: stays }, { email: goes }]).expect(200);
      const [staying, going] = (await api.get(`/api/v1/lists/${listUuid}/contacts`).expect(200)).body.data.contacts;

      await api.delete(`/api/v1/lists/${listUuid}/contacts/${staying.id}`).expect(200);
      await api.delete(`/api/v1/lists/${listUuid}/contacts/${going.id}?scope=organization`).expect(200);

      expect((await api.get(`/api/v1/lists/${listUuid}`).expect(200)).body.data.contacts_count).toBe(0);
      const contacts = await Promise.all(
        [stays, goes].map((address) => stack.db.repos.contacts.findByEmail(organizationId, address)),
      );
      expect(contacts.map((contact) => contact?.email ?? null)).toEqual([stays, null]);
      await api.delete(`/api/v1/lists/${listUuid}/contacts/${staying.id}`).expect(404);
    });
  });

  describe('isolation and errors', () => {
    it("when another organization's key is used, then its list answers 404 'List not found' everywhere", async () => {
      const listUuid = await createList();
      await addContacts(listUuid, [{ email: email('private') }]).expect(200);
      const other = stack.api((await stack.newOrganization()).apiKey);

      const responses = [
        await other.get(`/api/v1/lists/${listUuid}`),
        await other.get(`/api/v1/lists/${listUuid}/contacts`),
        await other.post(`/api/v1/lists/${listUuid}/contacts`, { contacts: [{ email: email('intruder') }] }),
        await other.patch(`/api/v1/lists/${listUuid}`, { list: { name: 'Hijacked' } }),
        await other.delete(`/api/v1/lists/${listUuid}`),
      ];

      for (const response of responses) {
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ status: 'error', code: 'list_not_found', message: 'List not found' });
      }
      expect((await api.get(`/api/v1/lists/${listUuid}`).expect(200)).body.data).toMatchObject({
        name: 'Test list',
        contacts_count: 1,
      });
    });

    it('when the API key is wrong, then 401 with the reference wording', async () => {
      const response = await stack.api('sq_not-a-real-key').get('/api/v1/lists').expect(401);
      expect(response.body).toMatchObject({
        status: 'error',
        message: 'Unauthorized: Invalid API Key or Organization not found',
      });
    });
  });
});
