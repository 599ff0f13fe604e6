import crypto from 'node:crypto';
import {
  createPendingCampaign,
  expectError,
  expectNoChanges,
  expectValidationFailure,
  newOrganization,
  type Organization,
} from '../helpers/api-errors';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

const CONTACTS = '/api/v1/contacts';

/** The organization's contacts across lists: found, read with where they are, edited and deleted. */
describe('contacts across lists', () => {
  let stack: TestStack;
  let org: Organization;
  let other: Organization;

  beforeAll(async () => {
    stack = await connectTestStack();
    [org, other] = await Promise.all([newOrganization(stack), newOrganization(stack)]);
  });

  afterAll(async () => {
    await stack.close();
  });

  /** A list holding these contacts; returns its uuid and the contacts' ids by email. */
  async function listWith(api: Organization['api'], emails: string[]) {
    const list = await api.post('/api/v1/lists', { list: { name: `People ${crypto.randomUUID()}` } }).expect(201);
    const uuid = list.body.data.uuid as string;
    await api
      .post(`/api/v1/lists/${uuid}/contacts`, { contacts: emails.map((email) => ({ email, first_name: 'Ada' })) })
      .expect(200);
    const page = await api.get(`/api/v1/lists/${uuid}/contacts?per_page=500`).expect(200);
    const ids = new Map<string, string>(
      page.body.data.contacts.map((contact: { email: string; id: string }) => [contact.email, contact.id]),
    );
    return { uuid, name: list.body.data.name as string, ids };
  }

  it('when searched by part of the address and by status, then only those match, LIKE wildcards taken literally', async () => {
    const tag = crypto.randomBytes(4).toString('hex');
    const emails = [`ada_${tag}@example.test`, `adax${tag}@example.test`, `grace-${tag}@example.test`];
    const { ids } = await listWith(org.api, emails);
    await org.api.post(`${CONTACTS}/${ids.get(emails[2]!)}/unsubscribe`).expect(200);

    // Imported in one request, they were created at the same instant: compared as a set.
    const byTag = await org.api.get(`${CONTACTS}?email=${tag.toUpperCase()}`).expect(200);
    expect(byTag.body.data.contacts.map((contact: { email: string }) => contact.email).sort()).toEqual(emails);
    expect(byTag.body.data.pagination).toMatchObject({ total: 3, current_page: 1 });
    // `_` is a literal underscore, not "any character": adax… does not match.
    const literal = await org.api.get(`${CONTACTS}?email=${encodeURIComponent(`ada_${tag}`)}`).expect(200);
    expect(literal.body.data.contacts.map((contact: { email: string }) => contact.email)).toEqual([emails[0]]);
    const unsubscribed = await org.api.get(`${CONTACTS}?email=${tag}&status=unsubscribed`).expect(200);
    expect(unsubscribed.body.data.contacts.map((contact: { email: string }) => contact.email)).toEqual([emails[2]]);
    const firstPage = await org.api.get(`${CONTACTS}?email=${tag}&per_page=2&page=1`).expect(200);
    const secondPage = await org.api.get(`${CONTACTS}?email=${tag}&per_page=2&page=2`).expect(200);
    expect(secondPage.body.data.pagination).toEqual({ current_page: 2, per_page: 2, total_pages: 2, total: 3 });
    const paged = [...firstPage.body.data.contacts, ...secondPage.body.data.contacts];
    expect(paged.map((contact: { email: string }) => contact.email).sort()).toEqual(emails);
    // Another organization's contacts are never found.
    expect((await other.api.get(`${CONTACTS}?email=${tag}`).expect(200)).body.data.contacts).toEqual([]);
    expectValidationFailure(await org.api.get(`${CONTACTS}?per_page=501`), 'per_page');
    expectValidationFailure(await org.api.get(`${CONTACTS}?status=sleeping`), 'status');
  });

  it('when read, then it shows its lists and its enrollments in every campaign', async () => {
    const campaign = await createPendingCampaign(stack, org);

    const read = await org.api.get(`${CONTACTS}/${campaign.contactId}`).expect(200);

    expect(read.body.data).toMatchObject({
      id: campaign.contactId,
      enrollments: [{ campaign_id: campaign.id, status: 'pending', current_step: 0 }],
    });
    expect(read.body.data.enrollments[0].id).toBe(campaign.enrollmentId);
  });

  it('when edited, then its fields change everywhere; a taken address is a 409 and changes nothing', async () => {
    const tag = crypto.randomBytes(4).toString('hex');
    const [first, second] = [`first-${tag}@example.test`, `second-${tag}@example.test`];
    const { uuid, name, ids } = await listWith(org.api, [first, second]);

    const edited = await org.api
      .patch(`${CONTACTS}/${ids.get(first)}`, {
        company: 'Analytical Engines',
        first_name: null,
        timezone: 'Europe/London',
        custom_fields: { plan: 'pro' },
      })
      .expect(200);

    expect(edited.body.data).toMatchObject({
      email: first,
      timezone: 'Europe/London',
      fields: { company: 'Analytical Engines', plan: 'pro' },
    });
    expect(edited.body.data.fields).not.toHaveProperty('first_name');
    const inList = await org.api.get(`/api/v1/lists/${uuid}/contacts?per_page=500`).expect(200);
    expect(inList.body.data.contacts.find((contact: { email: string }) => contact.email === first).fields).toEqual(
      edited.body.data.fields,
    );
    const details = await org.api.get(`${CONTACTS}/${ids.get(first)}`).expect(200);
    expect(details.body.data.lists).toEqual([{ uuid, name }]);

    const clash = await expectNoChanges(stack, [org.organizationId], () =>
      org.api.patch(`${CONTACTS}/${ids.get(second)}`, { email: ` ${first} ` }),
    );
    expectError(clash, 409, 'conflict');
    expectValidationFailure(await org.api.patch(`${CONTACTS}/${ids.get(second)}`, {}), 'body');
    expectValidationFailure(
      await org.api.patch(`${CONTACTS}/${ids.get(second)}`, { timezone: 'Mars/Olympus_Mons' }),
      'timezone',
    );
  });

  it("when another organization's contact is named, then 404 and it is untouched", async () => {
    const { ids } = await listWith(other.api, [`theirs-${crypto.randomBytes(4).toString('hex')}@example.test`]);
    const [theirs] = [...ids.values()];

    for (const response of [
      await org.api.get(`${CONTACTS}/${theirs}`),
      await org.api.patch(`${CONTACTS}/${theirs}`, { company: 'Hijacked' }),
      await org.api.delete(`${CONTACTS}/${theirs}`),
      await org.api.get(`${CONTACTS}/not-a-uuid`),
    ]) {
      expectError(response, 404, 'contact_not_found');
    }
    expect((await other.api.get(`${CONTACTS}/${theirs}`).expect(200)).body.data.fields).toEqual({ first_name: 'Ada' });
  });

  it('when deleted, then it is gone with its enrollments and list memberships', async () => {
    const campaign = await createPendingCampaign(stack, org);

    await org.api.delete(`${CONTACTS}/${campaign.contactId}`).expect(200);

    expectError(await org.api.get(`${CONTACTS}/${campaign.contactId}`), 404, 'contact_not_found');
    expect(await stack.db.repos.enrollments.findById(campaign.enrollmentId)).toBeNull();
  });
});
