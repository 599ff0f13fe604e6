import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Router } from 'express';
import request from 'supertest';
import type { oas31 } from 'zod-openapi';
import { API_BASE, routeTable } from '../../src/app';
import { openApiDocument } from '../../src/http/openapi/document';
import { documentValidator } from '../helpers/openapi-conformance';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every `router.<method>(path)` of the app, as OpenAPI writes it (`/campaigns/:id` → `/campaigns/{id}`). */
function registeredRoutes(table: ReturnType<typeof routeTable>): string[] {
  const routes: string[] = [];
  const collect = (prefix: string, router: Router) => {
    for (const layer of router.stack) {
      const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
      if (!route) continue;
      const path = `${prefix}${route.path === '/' ? '' : route.path.replace(/:(\w+)/g, '{$1}')}`;
      for (const method of Object.keys(route.methods)) routes.push(`${method.toUpperCase()} ${path}`);
    }
  };
  for (const router of table.open) collect('', router);
  for (const [mount, routers] of table.api) for (const router of routers) collect(`${API_BASE}${mount}`, router);
  return routes.sort();
}

function documentedOperations(document: oas31.OpenAPIObject): Array<[string, oas31.OperationObject]> {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map(
      (method) => [`${method.toUpperCase()} ${path}`, item[method]!] as [string, oas31.OperationObject],
    ),
  );
}

/** Each example of a media type (request or response) with the schema it must satisfy. */
function mediaExamples(document: oas31.OpenAPIObject): Array<{ where: string; schema: unknown; value: unknown }> {
  const found: Array<{ where: string; schema: unknown; value: unknown }> = [];
  const visit = (where: string, content: oas31.ContentObject | undefined) => {
    for (const [type, media] of Object.entries(content ?? {})) {
      if (media.example !== undefined)
        found.push({ where: `${where} ${type}`, schema: media.schema, value: media.example });
      for (const [name, example] of Object.entries(media.examples ?? {})) {
        found.push({
          where: `${where} ${type} (${name})`,
          schema: media.schema,
          value: (example as oas31.ExampleObject).value,
        });
      }
    }
  };
  for (const [operation, spec] of documentedOperations(document)) {
    visit(`${operation} request`, (spec.requestBody as oas31.RequestBodyObject | undefined)?.content);
    for (const [status, response] of Object.entries(spec.responses ?? {})) {
      visit(`${operation} ${status}`, (response as oas31.ResponseObject).content);
    }
  }
  return found;
}

/** Each `example` written on a schema (a field, a parameter) with that schema. */
function schemaExamples(
  node: unknown,
  where: string,
  found: Array<{ where: string; schema: unknown; value: unknown }> = [],
) {
  if (Array.isArray(node)) node.forEach((item, index) => schemaExamples(item, `${where}/${index}`, found));
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if ('example' in record && ('type' in record || 'anyOf' in record || 'format' in record)) {
      const { example, ...schema } = record;
      found.push({ where, schema, value: example });
    }
    for (const [key, value] of Object.entries(record)) schemaExamples(value, `${where}/${key}`, found);
  }
  return found;
}

describe('the API documents itself: OpenAPI 3.1 at /openapi.json and a reference page at /docs', () => {
  let stack: TestStack;
  const document = openApiDocument();

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  it('when every router of the app is walked, then each route is in the document, and the document has no route the app lacks', () => {
    const registered = registeredRoutes(routeTable(stack.deps));
    const documented = documentedOperations(document)
      .map(([operation]) => operation)
      .sort();

    expect(registered.length).toBeGreaterThan(45);
    expect(registered.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((operation) => !registered.includes(operation))).toEqual([]);
  });

  it('when /openapi.json is fetched, then it is the generated OpenAPI 3.1 document, with the API-key schemes', async () => {
    const answer = await request(stack.app).get('/openapi.json').expect(200).expect('Content-Type', /json/);

    expect(answer.body).toEqual(JSON.parse(JSON.stringify(document)));
    expect(answer.body.openapi).toBe('3.1.0');
    expect(answer.body.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-KEY' }),
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(answer.body.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
  });

  it('when the operations are read, then each has a tag and summary, each API route its 401 and 429, and each JSON body and success an example', () => {
    const problems: string[] = [];
    for (const [operation, spec] of documentedOperations(document)) {
      if (!spec.tags?.length || !spec.summary) problems.push(`${operation}: no tag or summary`);
      const statuses = Object.keys(spec.responses ?? {});
      if (!statuses.some((status) => /^[23]/.test(status))) problems.push(`${operation}: no success response`);
      if (operation.includes(` ${API_BASE}/`)) {
        if (!statuses.includes('401') || !statuses.includes('429')) problems.push(`${operation}: no 401 or 429`);
        if (spec.security !== undefined) problems.push(`${operation}: does not use the document's API-key security`);
      } else if (spec.security?.length !== 0) {
        problems.push(`${operation}: a route without an API key must say so (security: [])`);
      }
      const body = (spec.requestBody as oas31.RequestBodyObject | undefined)?.content?.['application/json'];
      if (body && body.example === undefined) problems.push(`${operation}: no request example`);
      for (const [status, response] of Object.entries(spec.responses ?? {})) {
        const json = (response as oas31.ResponseObject).content?.['application/json'];
        const exempt = operation === 'GET /openapi.json';
        if (json && !exempt && json.example === undefined && json.examples === undefined) {
          problems.push(`${operation} ${status}: no response example`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('when every example in the document is checked against its schema, then each one validates', () => {
    const validator = documentValidator(document);
    const examples = [...mediaExamples(document), ...schemaExamples(document.paths, 'paths')];
    expect(examples.length).toBeGreaterThan(150);

    const failures = examples.flatMap(({ where, schema, value }) =>
      validator.errorsOf(schema, value).map((error) => `${where}: ${error}`),
    );

    expect(failures).toEqual([]);
  });

  it('when the error responses are read, then each code sits under its own status with an example of it', () => {
    const codes = new Map<string, Set<string>>();
    for (const [, spec] of documentedOperations(document)) {
      for (const [status, response] of Object.entries(spec.responses ?? {})) {
        const examples = (response as oas31.ResponseObject).content?.['application/json']?.examples ?? {};
        for (const [code, example] of Object.entries(examples)) {
          expect((example as oas31.ExampleObject).value).toMatchObject({ status: 'error', code });
          codes.set(code, (codes.get(code) ?? new Set()).add(status));
        }
      }
    }
    expect(codes.get('validation_failed')).toEqual(new Set(['422']));
    expect(codes.get('campaign_not_found')).toEqual(new Set(['404']));
    expect(codes.get('rate_limited')).toEqual(new Set(['429']));
  });

  describe('the /docs page', () => {
    let server: http.Server;
    let baseUrl: string;
    let workDir: string;

    beforeAll(async () => {
      server = http.createServer(stack.app);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sequencer-docs-'));
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await fs.rm(workDir, { recursive: true, force: true });
    });

    it('when it is fetched, then it is the reference page whose scripts and styles come from this server, not a CDN', async () => {
      const page = await request(stack.app).get('/docs/').expect(200).expect('Content-Type', /html/);

      expect(page.text).toContain('<title>Sequencer API reference</title>');
      const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
      expect(assets.length).toBeGreaterThan(2);
      expect(assets.filter((asset) => /^(https?:)?\/\//.test(asset))).toEqual([]);
      for (const asset of assets)
        await request(stack.app)
          .get(new URL(asset, `${baseUrl}/docs/`).pathname)
          .expect(200);
    });

    it('when headless Chromium renders it, then the screenshot is taken and the page lists the routes', async () => {
      const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
      await fs.access(chromium).catch(() => {
        throw new Error(`Chromium is not installed at ${chromium}: apt-get install chromium (.ci/run does)`);
      });
      const screenshot = path.join(workDir, 'docs.png');
      const flags = [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--hide-scrollbars',
        `--user-data-dir=${path.join(workDir, 'profile')}`,
        '--window-size=1280,2400',
        '--virtual-time-budget=15000',
      ];

      const { stdout: dom } = await promisify(execFile)(chromium, [...flags, '--dump-dom', `${baseUrl}/docs/`], {
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      await promisify(execFile)(chromium, [...flags, `--screenshot=${screenshot}`, `${baseUrl}/docs/`], {
        timeout: 60_000,
      });

      const text = dom
        .replace(/<wbr>/g, '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/&nbsp;|\u200b/g, '')
        .replace(/\s+/g, ' ');
      expect(text).toContain('Sequencer API');
      for (const route of [
        '/api/v1/campaigns',
        '/api/v1/campaigns/{id}/dispatch',
        '/api/v1/lists/{uuid}/contacts',
        '/api/v1/campaigns/{id}/enrollments/{eid}/pause',
        '/api/v1/events',
      ]) {
        expect(text).toContain(route);
      }
      const png = await fs.readFile(screenshot);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(20_000);
    });
  });
});
