import { CaseInsensitiveAddresses1764850000000 } from '../../src/db/migrations/1764850000000-case-insensitive-addresses';
import { BLOCK_LIST } from '../helpers/api-paths';
import { uniqueDomain } from '../helpers/factories';
import { stackWithOrganization, type ApiClient, type TestStack } from '../helpers/test-stack';

const EVENTS = '/api/v1/events';

/**
 * One rule for comparing addresses: the domain is always lower-cased, and the local part is compared without regard
 * to case, as every major mail provider treats it (contacts keep it as written).
 */
describe('addresses match whatever their case, in the block list and in unsubscribes', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  const isBlocked = (email: string) => stack.db.repos.blockList.isBlocked(organizationId, email);
  const contact = (email: string) =>
    stack.db.repos.contacts.upsertByEmail(organizationId, { email, fields: {}, timezone: null });

  describe('the block list', () => {
    it('when Ada@Example.COM is blocked, then ada@example.com is blocked too', async () => {
      const domain = uniqueDomain('case');
      await api.post(BLOCK_LIST, { email: `Ada@${domain.toUpperCase()}` }).expect(201);

      expect(await isBlocked(`ada@${domain}`)).toBe(true);
      expect(await isBlocked(`ADA@${domain}`)).toBe(true);
      expect(await isBlocked(`bob@${domain}`)).toBe(false);
    });

    it('when ada@example.com is blocked, then the contact Ada@Example.COM is blocked too', async () => {
      const domain = uniqueDomain('case');
      await api.post(BLOCK_LIST, { email: `ada@${domain}` }).expect(201);

      expect(await isBlocked(`Ada@${domain.toUpperCase()}`)).toBe(true);
    });

    it('when a local part outside ASCII is blocked in capitals, then it is blocked in lower case too', async () => {
      const domain = uniqueDomain('case');
      await api.post(BLOCK_LIST, { email: `Ärger.Ödön@${domain}` }).expect(201);

      expect(await isBlocked(`ärger.ödön@${domain}`)).toBe(true);
    });

    it('when the domain EXAMPLE.com is blocked, then x@example.COM is blocked', async () => {
      const domain = uniqueDomain('case');
      await api.post(BLOCK_LIST, { domain: domain.toUpperCase() }).expect(201);

      expect(await isBlocked(`x@${domain.toUpperCase()}`)).toBe(true);
      expect(await isBlocked(`X@mail.${domain}`)).toBe(true);
    });

    it('when an address is blocked again in another case, then it is the same entry, not a second one', async () => {
      const domain = uniqueDomain('case');
      const first = await api.post(BLOCK_LIST, { email: `Ada@${domain}` }).expect(201);

      const again = await api.post(BLOCK_LIST, { email: `ada@${domain.toUpperCase()}` }).expect(200);

      expect(again.body.data).toMatchObject({ id: first.body.data.id, value: `ada@${domain}` });
      const rows: unknown[] = await stack.db.dataSource.query(
        `SELECT id FROM blocked_addresses WHERE organization_id = $1 AND lower(value) = $2`,
        [organizationId, `ada@${domain}`],
      );
      expect(rows).toHaveLength(1);
    });

    it('when entries were stored in mixed case before, then the migration lower-cases them, keeping the oldest of a pair', async () => {
      const domain = uniqueDomain('case');
      const insert = async (kind: string, value: string, createdAt: string) => {
        const [row] = await stack.db.dataSource.query<{ id: string }[]>(
          `INSERT INTO blocked_addresses (organization_id, kind, value, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
          [organizationId, kind, value, createdAt],
        );
        return row!.id;
      };
      const older = await insert('email', `Ada@${domain}`, '2024-01-01T00:00:00Z');
      await insert('email', `ada@${domain}`, '2024-02-01T00:00:00Z');
      const alone = await insert('email', `Ärger.Bob@${domain}`, '2024-01-01T00:00:00Z');
      const domainEntry = await insert('domain', `SUB.${domain.toUpperCase()}`, '2024-01-01T00:00:00Z');

      const runner = stack.db.dataSource.createQueryRunner();
      try {
        await new CaseInsensitiveAddresses1764850000000().up(runner);
      } finally {
        await runner.release();
      }

      const rows: { id: string; value: string }[] = await stack.db.dataSource.query(
        `SELECT id, value FROM blocked_addresses WHERE organization_id = $1 AND value LIKE $2 ORDER BY value`,
        [organizationId, `%${domain}`],
      );
      expect(rows).toEqual([
        { id: older, value: `ada@${domain}` },
        { id: domainEntry, value: `sub.${domain}` },
        { id: alone, value: `ärger.bob@${domain}` },
      ]);
      expect(await isBlocked(`Ärger.Bob@${domain}`)).toBe(true);
    });
  });

  describe('an unsubscribe event naming the contact by email', () => {
    it('when ADA@example.com is unsubscribed, then the contact ada@Example.com is found and unsubscribed', async () => {
      const domain = uniqueDomain('case');
      const ada = await contact(`ada@${domain}`);

      const response = await api
        .post(EVENTS, { type: 'unsubscribe', email: `ADA@${domain.toUpperCase()}` })
        .expect(200);

      expect(response.body.data).toMatchObject({
        type: 'unsubscribe',
        contact: { id: ada.id, email: `ada@${domain}`, status: 'unsubscribed' },
        contact_changed: true,
      });
    });

    it('when two contacts differ only in case, then the one spelled exactly as the event is chosen', async () => {
      const domain = uniqueDomain('case');
      await contact(`ada@${domain}`);
      const exact = await contact(`Ada@${domain}`);

      const response = await api.post(EVENTS, { type: 'unsubscribe', email: `Ada@${domain}` }).expect(200);

      expect(response.body.data.contact).toMatchObject({ id: exact.id, status: 'unsubscribed' });
    });

    it('when no contact has the address in any case, then it is a 404', async () => {
      await api.post(EVENTS, { type: 'unsubscribe', email: `nobody@${uniqueDomain('case')}` }).expect(404);
    });
  });
});
