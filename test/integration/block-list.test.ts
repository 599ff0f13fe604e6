import { domainToASCII } from 'node:url';
import { uniqueDomain, uniqueEmail } from '../helpers/factories';
import { BLOCK_LIST, CAMPAIGNS } from '../helpers/api-paths';
import { enrollmentFixtures } from '../helpers/enrollment-fixtures';
import { sleep, stackWithOrganization, type ApiClient, type TestStack } from '../helpers/test-stack';

describe('the block list', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;
  let fx: ReturnType<typeof enrollmentFixtures>;

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
    fx = enrollmentFixtures(stack, api);
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('GET, POST and DELETE /block_list', () => {
    it('when entries are added, then they are stored normalized; adding one again answers 200 with the same entry', async () => {
      const domain = uniqueDomain('shop');
      const email = await api.post(BLOCK_LIST, { email: `  Some.One@${domain.toUpperCase()} ` }).expect(201);
      expect(email.body.data).toEqual({
        id: expect.any(String),
        kind: 'email',
        value: `some.one@${domain}`,
        created_at: expect.any(String),
        enrollments_stopped: [],
      });
      const idn = await api.post(BLOCK_LIST, { domain: `Bücher-${domain}` }).expect(201);
      expect(idn.body.data).toMatchObject({ kind: 'domain', value: domainToASCII(`bücher-${domain}`) });
      expect(idn.body.data.value).toMatch(/^xn--/);
      const atDomain = await api.post(BLOCK_LIST, { domain: `@${domain.toUpperCase()}.` }).expect(201);
      expect(atDomain.body.data).toMatchObject({ kind: 'domain', value: domain });

      const again = await api.post(BLOCK_LIST, { email: `Some.One@${domain}` }).expect(200);
      expect(again.body.data).toMatchObject({ id: email.body.data.id, value: `some.one@${domain}` });
      expect(again.body.message).toMatch(/^Already on the block list/);

      const listed = await api.get(`${BLOCK_LIST}?per_page=500`).expect(200);
      const ids = listed.body.data.entries.map((entry: { id: string }) => entry.id);
      expect(ids).toEqual(expect.arrayContaining([email.body.data.id, idn.body.data.id, atDomain.body.data.id]));
      expect(listed.body.data.pagination).toMatchObject({ current_page: 1, per_page: 500, total: ids.length });
    });

    it('when an entry is deleted, then it is gone; deleting it again answers 404 block_list_entry_not_found', async () => {
      const added = await api.post(BLOCK_LIST, { domain: uniqueDomain() }).expect(201);
      const id: string = added.body.data.id;

      await api.delete(`${BLOCK_LIST}/${id}`).expect(200);
      const listed = await api.get(`${BLOCK_LIST}?per_page=500`).expect(200);
      expect(listed.body.data.entries.map((entry: { id: string }) => entry.id)).not.toContain(id);
      const again = await api.delete(`${BLOCK_LIST}/${id}`).expect(404);
      expect(again.body).toMatchObject({ code: 'block_list_entry_not_found', message: 'Block list entry not found' });
      expect((await api.delete(`${BLOCK_LIST}/not-a-uuid`).expect(404)).body.code).toBe('block_list_entry_not_found');
    });

    it.each([
      [{}, 'body: give either email or domain (one of them, not both)'],
      [
        { email: 'a@example.test', domain: 'example.test' },
        'body: give either email or domain (one of them, not both)',
      ],
      [{ email: 'not-an-address' }, 'email: "not-an-address" is not a valid email address'],
      [{ domain: 'not a domain' }, 'domain: "not a domain" is not a valid domain name'],
      [{ domain: 'someone@example.test' }, 'domain: "someone@example.test" is not a valid domain name'],
      [{ domain: 'localhost' }, 'domain: "localhost" is not a valid domain name'],
    ])('when the body is %j, then 422 validation_failed and nothing is stored', async (body, error) => {
      const before = (await api.get(BLOCK_LIST).expect(200)).body.data.pagination.total;
      const response = await api.post(BLOCK_LIST, body).expect(422);
      expect(response.body).toMatchObject({ code: 'validation_failed', errors: [error] });
      expect((await api.get(BLOCK_LIST).expect(200)).body.data.pagination.total).toBe(before);
    });

    it('when another organization lists or deletes the entries, then it sees none and gets 404; its own entries are its own', async () => {
      const domain = uniqueDomain();
      const added = await api.post(BLOCK_LIST, { domain }).expect(201);
      const other = stack.api((await stack.newOrganization()).apiKey);

      expect((await other.get(BLOCK_LIST).expect(200)).body.data).toMatchObject({
        entries: [],
        pagination: { total: 0 },
      });
      expect((await other.delete(`${BLOCK_LIST}/${added.body.data.id}`).expect(404)).body.code).toBe(
        'block_list_entry_not_found',
      );
      const own = await other.post(BLOCK_LIST, { domain }).expect(201);
      expect(own.body.data.id).not.toBe(added.body.data.id);
      expect((await api.get(`${BLOCK_LIST}?per_page=500`).expect(200)).body.data.entries).toContainEqual(
        expect.objectContaining({ id: added.body.data.id }),
      );
    });
  });

  describe('isBlocked (the check the send path and dispatch use)', () => {
    it('when an address or its domain is listed, then it is blocked, case-insensitively and with subdomains, in that organization only', async () => {
      const domain = uniqueDomain();
      const parent = uniqueDomain('parent');
      const other = await stack.newOrganization();
      await api.post(BLOCK_LIST, { email: `Person@${domain}` }).expect(201);
      await api.post(BLOCK_LIST, { domain: `sub.${parent}` }).expect(201);
      const repo = stack.db.repos.blockList;

      expect(await repo.isBlocked(organizationId, `Person@${domain}`)).toBe(true);
      expect(await repo.isBlocked(organizationId, `person@${domain}`)).toBe(true);
      expect(await repo.isBlocked(organizationId, `someone-else@${domain}`)).toBe(false);
      expect(await repo.isBlocked(organizationId, `anyone@sub.${parent}`)).toBe(true);
      expect(await repo.isBlocked(organizationId, `anyone@deep.sub.${parent}`)).toBe(true);
      expect(await repo.isBlocked(organizationId, `anyone@${parent}`)).toBe(false);
      expect(await repo.isBlocked(organizationId, `anyone@notsub.${parent}`)).toBe(false);
      expect(await repo.isBlocked(other.organizationId, `Person@${domain}`)).toBe(false);
    });
  });

  describe('adding an entry stops what it covers', () => {
    it('when an address is blocked, then its running enrollments in every campaign stop and the others go on', async () => {
      const domain = uniqueDomain();
      const blocked = `target@${domain}`;
      const neighbour = `neighbour@${domain}`;
      const first = await fx.start(blocked, 60);
      const second = await fx.start(blocked, 60);
      const untouched = await fx.enroll(first.campaignId, neighbour);
      await fx.dispatch(first.campaignId);
      await fx.waitForMessages([blocked, neighbour], 3, 'every step 1');

      const response = await api.post(BLOCK_LIST, { email: blocked.toUpperCase() }).expect(201);
      expect(response.body.data.value).toBe(`target@${domain}`);
      expect(response.body.data.enrollments_stopped).toEqual(
        [first, second].map((enrolled) => ({
          id: enrolled.enrollmentId,
          campaign_id: enrolled.campaignId,
          contact_id: enrolled.contactId,
          status: 'stopped',
        })),
      );
      expect(await fx.result(first)).toEqual({ status: 'stopped', stepsSent: 1 });
      expect(await fx.result(second)).toEqual({ status: 'stopped', stepsSent: 1 });
      expect((await fx.enrollmentRow(untouched.enrollmentId))?.status).toBe('active');
      expect(await fx.contactStatus(first.contactId)).toBe('active');

      const again = await api.post(BLOCK_LIST, { email: blocked.toUpperCase() }).expect(200);
      expect(again.body.data.enrollments_stopped).toEqual([]);
      await api.post(`${CAMPAIGNS}/${first.campaignId}/enrollments/${untouched.enrollmentId}/stop`).expect(200);
    });

    it('when a domain is blocked, then enrollments at it and its subdomains stop; another domain goes on', async () => {
      const domain = uniqueDomain();
      const atDomain = await fx.start(`one@${domain}`, 60);
      const atSubdomain = await fx.start(`two@mail.${domain}`, 60);
      const elsewhere = await fx.start(uniqueEmail('elsewhere'), 60);
      await fx.waitForMessages([atDomain.email, atSubdomain.email, elsewhere.email], 3, 'every step 1');

      const response = await api.post(BLOCK_LIST, { domain: domain.toUpperCase() }).expect(201);
      expect(response.body.data.enrollments_stopped.map((row: { id: string }) => row.id).sort()).toEqual(
        [atDomain.enrollmentId, atSubdomain.enrollmentId].sort(),
      );
      expect(await fx.result(atDomain)).toEqual({ status: 'stopped', stepsSent: 1 });
      expect(await fx.result(atSubdomain)).toEqual({ status: 'stopped', stepsSent: 1 });
      expect((await fx.enrollmentRow(elsewhere.enrollmentId))?.status).toBe('active');
      await api.post(`${CAMPAIGNS}/${elsewhere.campaignId}/enrollments/${elsewhere.enrollmentId}/stop`).expect(200);
    });

    it('when an enrollment is stopped by the block list, then last_error says so after its workflow ended [needs finish() to keep last_error]', async () => {
      const domain = uniqueDomain();
      const enrolled = await fx.start(`why@${domain}`, 60);
      await fx.waitForMessages([enrolled.email], 1, 'step 1');

      await api.post(BLOCK_LIST, { domain }).expect(201);
      expect(await fx.result(enrolled)).toEqual({ status: 'stopped', stepsSent: 1 });

      const row = await fx.enrollmentRow(enrolled.enrollmentId);
      expect(row).toMatchObject({
        status: 'stopped',
        last_error: `blocked: the domain ${domain} is on the block list`,
      });
    });
  });

  describe('the send path and dispatch refuse blocked addresses', () => {
    it('when an address is blocked behind a sleeping enrollment, then its next step is not sent [needs reasonToStop]', async () => {
      const enrolled = await fx.start(`sleeper@${uniqueDomain()}`, 3);
      await fx.waitForMessages([enrolled.email], 1, 'step 1');

      // Written directly, as an entry landing after the API's stop fan-out would be: only the send path sees it.
      await stack.db.repos.blockList.insertIfAbsent(organizationId, 'email', enrolled.email);

      expect(await fx.result(enrolled)).toEqual({ status: 'stopped', stepsSent: 1 });
      await sleep(500);
      expect(await fx.subjects(enrolled.email)).toEqual(['First']);
    });

    it('when a blocked contact is dispatched, then it is skipped as "blocked" and never emailed [needs dispatch screening]', async () => {
      const domain = uniqueDomain();
      const campaignId = await fx.createCampaign(null);
      const blocked = await fx.enroll(campaignId, `pending@${domain}`);
      const allowed = await fx.enroll(campaignId, uniqueEmail('allowed'));
      await api.post(BLOCK_LIST, { domain }).expect(201);
      expect((await fx.enrollmentRow(blocked.enrollmentId))?.status).toBe('pending');

      const dispatched = await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(202);
      expect(dispatched.body.data).toMatchObject({ dispatched: 1, skipped: 1 });
      const skips = await api.get(`${CAMPAIGNS}/${campaignId}/skips?kind=blocked`).expect(200);
      expect(skips.body.data).toEqual([
        expect.objectContaining({ enrollment_id: blocked.enrollmentId, kind: 'blocked' }),
      ]);
      expect(await fx.result(allowed)).toEqual({ status: 'completed', stepsSent: 1 });
      expect((await fx.enrollmentRow(blocked.enrollmentId))?.status).toBe('skipped');
      expect(await fx.subjects(blocked.email)).toEqual([]);
    });
  });
});
