import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import crypto from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { countContacts } from '../helpers/db-reads';
import { stackWithOrganization, type ApiClient, type TestStack } from '../helpers/test-stack';

describe('CSV import and export of a list', () => {
  let stack: TestStack;
  let api: ApiClient;
  let apiKey: string;
  let organizationId: string;

  const createList = async (): Promise<string> =>
    (await api.post('/api/v1/lists', { list: { name: 'CSV list' } }).expect(201)).body.data.uuid;

  const uploadCsv = (listUuid: string, csv: string, query = '') =>
    api.post(`/api/v1/lists/${listUuid}/contacts${query}`).set('Content-Type', 'text/csv').send(csv);

  beforeAll(async () => {
    ({ stack, api, apiKey, organizationId } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  it('when a spreadsheet-style CSV is imported, then headers map to fields and the counters match the JSON import', async () => {
    const listUuid = await createList();
    const tag = crypto.randomBytes(3).toString('hex');
    const csv = [
      '\uFEFFE-mail,First Name,Company,Industry,Time Zone,',
      `ada.${tag}@example.com,Ada,"Analytical Engines, Ltd",Computing,Europe/London,`,
      `alan.${tag}@example.com,Alan,,"Crypto\nanalysis",,`,
      'not-an-email,Nobody,,,,',
      `ada.${tag}@EXAMPLE.com,Ada Again,,,,`,
      '',
    ].join('\n');

    const response = await uploadCsv(listUuid, csv, '?remove_duplicates=true').expect(200);

    expect(response.body).toEqual({
      status: 'success',
      message: 'Successfully processed contacts',
      data: {
        total_submitted: 4,
        total_added: 2,
        new_contacts: 2,
        existing_contacts_added: 0,
        duplicates_removed: 1,
        invalid_emails: ['not-an-email'],
        invalid_emails_count: 1,
        list_uuid: listUuid,
        contacts_count: 2,
      },
    });
    const contacts = (await api.get(`/api/v1/lists/${listUuid}/contacts`).expect(200)).body.data.contacts;
    expect(contacts[0]).toMatchObject({
      email: `ada.${tag}@example.com`,
      timezone: 'Europe/London',
      fields: { first_name: 'Ada', company: 'Analytical Engines, Ltd', industry: 'Computing' },
    });
    expect(contacts[1].fields).toEqual({ first_name: 'Alan', industry: 'Crypto\nanalysis' });
  });

  it('when a list is exported, then the CSV has the fixed columns, every field used, and the members in order', async () => {
    const listUuid = await createList();
    const tag = crypto.randomBytes(3).toString('hex');
    await api
      .post(`/api/v1/lists/${listUuid}/contacts`, {
        contacts: [
          { email: `one.${tag}@example.com`, first_name: 'One', custom_fields: { plan: 'gold' } },
          { email: `two.${tag}@example.com`, company: 'Two, Inc', custom_fields: { seats: 5 } },
        ],
      })
      .expect(200);

    const response = await api.get(`/api/v1/lists/${listUuid}/contacts.csv`).expect(200);

    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toContain(`list-${listUuid}.csv`);
    const rows: string[][] = parse(response.text);
    expect(rows[0]).toEqual([
      'email',
      'email_valid',
      'status',
      'timezone',
      'created_at',
      'first_name',
      'company',
      'plan',
      'seats',
    ]);
    expect(rows.slice(1).map((row) => [row[0], row[5], row[6], row[7], row[8]])).toEqual([
      [`one.${tag}@example.com`, 'One', '', 'gold', ''],
      [`two.${tag}@example.com`, '', 'Two, Inc', '', '5'],
    ]);
  });

  it('when the header has no email column or a bad name, then 422 names the columns and nothing is written', async () => {
    const listUuid = await createList();
    const before = await countContacts(stack.db, organizationId);

    const response = await uploadCsv(listUuid, 'name,2nd phone\nAda,123\n').expect(422);

    expect(response.body.errors).toEqual([
      'header column 2 ("2nd phone"): use letters, digits and _, not starting with a digit',
      'header: an "email" column is required',
    ]);
    expect(await countContacts(stack.db, organizationId)).toBe(before);
  });

  it('when a row far into the file is bad, then 422 names its line and the rows before it are not kept either', async () => {
    const listUuid = await createList();
    const before = await countContacts(stack.db, organizationId);
    const rows = Array.from({ length: 2500 }, (_, index) => `row${index}.${crypto.randomUUID()}@example.com,UTC`);
    rows.push('late@example.com,Mars/Olympus_Mons');

    const response = await uploadCsv(listUuid, ['email,timezone', ...rows].join('\n')).expect(422);

    expect(response.body.errors).toEqual([
      'line 2502: timezone "Mars/Olympus_Mons" is not an IANA time zone such as Europe/Paris',
    ]);
    expect(await countContacts(stack.db, organizationId)).toBe(before);
  });

  it('when the CSV is malformed, then 422 says where', async () => {
    const listUuid = await createList();
    const response = await uploadCsv(listUuid, 'email,name\n"unterminated@example.com,Ada\n').expect(422);
    expect(response.body.errors[0]).toMatch(/^line \d+: /);
  });

  it('when 100,000 rows are streamed in, then all are imported with bounded memory (peak RSS printed)', async () => {
    const listUuid = await createList();
    const rowCount = 100_000;
    const server = stack.app.listen(0);
    const port = (server.address() as AddressInfo).port;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    try {
      // Generated as it is sent: the file never exists whole, on either side.
      const body = Readable.from(
        (function* () {
          yield 'email,first_name,company,score\n';
          for (let index = 0; index < rowCount; index += 1) {
            yield `bulk${index}.${organizationId.slice(0, 8)}@example.com,Name ${index},Company ${index % 97},${index}\n`;
          }
        })(),
      );
      const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.request(
          {
            port,
            method: 'POST',
            path: `/api/v1/lists/${listUuid}/contacts`,
            headers: { 'X-API-KEY': apiKey, 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        request.on('error', reject);
        body.pipe(request);
      });
      const elapsed = performance.now() - started;

      expect(response.status).toBe(200);
      expect(JSON.parse(response.body).data).toMatchObject({
        total_submitted: rowCount,
        new_contacts: rowCount,
        contacts_count: rowCount,
        invalid_emails: [],
      });
      process.stdout.write(
        `\n100,000-row CSV import: ${(elapsed / 1000).toFixed(1)} s, RSS ${(baseline / 2 ** 20).toFixed(0)} MB → ` +
          `peak ${(peak / 2 ** 20).toFixed(0)} MB (+${((peak - baseline) / 2 ** 20).toFixed(0)} MB)\n`,
      );
      // A generous bound that only a whole-file read of every row and object would break.
      expect(peak - baseline).toBeLessThan(400 * 2 ** 20);
    } finally {
      clearInterval(sampler);
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
