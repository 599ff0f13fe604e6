import crypto from 'node:crypto';
import { openApiDocument } from '../../src/http/openapi/document';
import { addressesTemplate, answerProblems, listen, operationsOf, send } from '../helpers/api-fuzz-client';
import { organizationRowCounts } from '../helpers/organization-snapshot';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { stackWithOrganization, type ApiClient, type TestStack } from '../helpers/test-stack';

/** The failures test/integration/api-fuzz.test.ts found, each reduced to the smallest request that showed it. */
describe('requests the API fuzz found answered with a 500 or an undocumented answer', () => {
  let stack: TestStack;
  let server: Awaited<ReturnType<typeof listen>>;
  let organizationId: string;
  let apiKey: string;
  let api: ApiClient;
  let listUuid: string;
  let campaignId: string;

  beforeAll(async () => {
    ({ stack, api, organizationId, apiKey } = await stackWithOrganization());
    server = await listen(stack.app);
    listUuid = (await api.post('/api/v1/lists', { list: { name: 'Regressions' } }).expect(201)).body.data.uuid;
    campaignId = (await api.post('/api/v1/campaigns', campaignBody(stack.info)).expect(201)).body.data.id;
  });

  afterAll(async () => {
    await server.close();
    await stack.close();
  });

  /**
   * A request sent byte for byte (supertest would re-encode the path), its answer checked as the fuzz checks it:
   * no 5xx, a status, body and error code the operation documents.
   */
  async function raw(method: string, path: string, headers: Array<[string, string]> = [], body?: string) {
    const wire = {
      method,
      path,
      headers: [['X-API-KEY', apiKey], ...headers] as Array<[string, string]>,
      body: body === undefined ? undefined : Buffer.from(body),
    };
    const answer = await send(server, wire);
    const operation = operationsOf(openApiDocument()).find(
      (candidate) => candidate.method === method && addressesTemplate(candidate.template, path),
    );
    expect(operation && answerProblems(operation, wire, answer)).toEqual([]);
    return answer;
  }

  const rowCounts = async () => (await organizationRowCounts(stack.db.dataSource, [organizationId]))[organizationId];

  describe('a path that is not valid percent-encoding', () => {
    it.each([
      ['GET', '/api/v1/campaigns/%E0%A4%A'],
      ['DELETE', '/api/v1/lists/%'],
      ['POST', '/api/v1/campaigns/%ED%A0%80/pause'],
      ['GET', '/u/%E0%A4%A'],
    ])('when %s %s, then a documented 400 bad_request explains the encoding', async (method, path) => {
      const answer = await raw(method, path);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ status: 'error', code: 'bad_request' });
      expect((answer.body as { message: string }).message).toMatch(/percent-encoded UTF-8/);
    });
  });

  describe('deeply nested JSON', () => {
    it('when a body nests objects 10,000 deep, then a 400 names the limit and nothing is written', async () => {
      const before = await rowCounts();
      const answer = await raw(
        'POST',
        '/api/v1/lists',
        [['Content-Type', 'application/json']],
        `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/nested more than 64/) });
      expect(await rowCounts()).toEqual(before);
    });

    it('when a body nests arrays a million deep inside its 5 MB, then it is refused the same way', async () => {
      const answer = await raw(
        'POST',
        `/api/v1/campaigns/${campaignId}/pause`,
        [['Content-Type', 'application/json']],
        `{"a":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'bad_request' });
    });

    it('when brackets sit inside strings, then they do not count as nesting', async () => {
      const name = `${'['.repeat(100)}{"quoted\\"[[[`;
      const created = await api.post('/api/v1/lists', { list: { name } }).expect(201);
      expect(created.body.data.name).toBe(name);
    });
  });

  describe('a lone UTF-16 surrogate, which JSON can spell and Postgres cannot store', () => {
    it('when a contact field holds one, then a 422 names the field and nothing is written', async () => {
      const before = await rowCounts();
      const answer = await raw(
        'POST',
        `/api/v1/campaigns/${campaignId}/enroll_contact`,
        [['Content-Type', 'application/json']],
        `{"contact":{"email":"${uniqueEmail('surrogate')}","first_name":"\\udfff","custom_fields":{"plan":"a\\ud800"}}}`,
      );
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({
        code: 'validation_failed',
        errors: [
          expect.stringMatching(/^contact\.first_name: .*lone UTF-16 surrogate/),
          expect.stringMatching(/^contact\.custom_fields\.plan: /),
        ],
      });
      expect(await rowCounts()).toEqual(before);
    });

    it('when a surrogate pair is whole (an emoji), then it is stored', async () => {
      const email = uniqueEmail('emoji');
      await api.post(`/api/v1/lists/${listUuid}/contacts`, { contacts: [{ email, first_name: 'Ada 😀' }] }).expect(200);
      const page = await api.get(`/api/v1/lists/${listUuid}/contacts`).expect(200);
      expect(page.body.data.contacts).toEqual(
        expect.arrayContaining([expect.objectContaining({ email, fields: { first_name: 'Ada 😀' } })]),
      );
    });
  });

  describe('bodies on routes that take none', () => {
    it('when a GET carries a body in an unsupported charset, then the body is ignored', async () => {
      const answer = await raw('GET', '/api/v1/lists', [['Content-Type', 'application/json; charset=latin-2']], '{');
      expect(answer.status).toBe(200);
    });

    it('when a DELETE carries malformed JSON, then the body is ignored', async () => {
      const list = (await api.post('/api/v1/lists', { list: { name: 'Doomed' } }).expect(201)).body.data.uuid;
      const answer = await raw('DELETE', `/api/v1/lists/${list}`, [['Content-Type', 'application/json']], '{');
      expect(answer.status).toBe(200);
    });

    it('when a POST without a body sends malformed JSON, then its documented 400 malformed_json', async () => {
      const answer = await raw(
        'POST',
        `/api/v1/campaigns/${campaignId}/pause`,
        [['Content-Type', 'application/json']],
        '{',
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'malformed_json' });
    });

    it('when a body says gzip and is not, then a documented 400 bad_request', async () => {
      const answer = await raw(
        'POST',
        '/api/v1/lists',
        [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', 'gzip'],
        ],
        '{"list":{"name":"x"}}',
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'bad_request' });
    });
  });

  describe('the one-click unsubscribe form', () => {
    const tokenPath = () => `/u/${stack.links.tokens.unsubscribe(crypto.randomUUID())}`;

    it('when the form is over 10 kB, then a documented 413 payload_too_large', async () => {
      const answer = await raw(
        'POST',
        tokenPath(),
        [['Content-Type', 'application/x-www-form-urlencoded']],
        `List-Unsubscribe=${'x'.repeat(20_000)}`,
      );
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ status: 'error', code: 'payload_too_large' });
    });

    it('when the form has over 1,000 fields, then 413 payload_too_large, not bad_request under 413', async () => {
      const fields = Array.from({ length: 1001 }, (_, index) => `f${index}=1`).join('&');
      const answer = await raw('POST', tokenPath(), [['Content-Type', 'application/x-www-form-urlencoded']], fields);
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ code: 'payload_too_large' });
    });
  });

  // Not fixed here (the domain's CSV export, src/domain/lists/list.service.ts exportCsv): reported to the lead.
  it('when one contact of a list has a custom field named like an Object method, then the CSV export still completes', async () => {
    const list = (await api.post('/api/v1/lists', { list: { name: 'Prototype fields' } }).expect(201)).body.data.uuid;
    const contacts = [
      { email: uniqueEmail('proto'), custom_fields: { constructor: 'x' } },
      { email: uniqueEmail('plain') },
    ];
    await api.post(`/api/v1/lists/${list}/contacts`, { contacts }).expect(200);
    const answer = await raw('GET', `/api/v1/lists/${list}/contacts.csv`);
    expect(answer.status).toBe(200);
    expect(String(answer.body).trim().split('\n')).toHaveLength(3);
  });

  it('when 100,000 contacts are invalid, then the answer lists 100 of them and how many more', async () => {
    const contacts = Array.from({ length: 100_000 }, () => ({}));
    const response = await api.post(`/api/v1/lists/${listUuid}/contacts`, { contacts }).expect(422);
    expect(response.body.errors).toHaveLength(101);
    expect(response.body.errors[100]).toBe('…and 99900 more');
  });
});
