import crypto from 'node:crypto';
import type { oas31 } from 'zod-openapi';
import { openApiDocument } from '../../src/http/openapi/document';
import { stackWithOrganization, type ApiClient, type TestStack } from '../helpers/test-stack';

/**
 * Snapshots of what clients depend on: the shape of /openapi.json (and a digest of all of it, so even a changed
 * description is noticed), and a few answers of the API with their ids and times masked. A refactoring of the API
 * layer must leave them as they are; a deliberate change updates them with `npx jest -u` and shows in review.
 */
describe('the API as clients see it', () => {
  let stack: TestStack;
  let api: ApiClient;

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  it('when /openapi.json is read, then its operations, parameters, bodies and answers are as before', async () => {
    const served = (await api.get('/openapi.json').expect(200)).body as oas31.OpenAPIObject;

    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(outline(served)).toMatchSnapshot();
    expect(crypto.createHash('sha256').update(JSON.stringify(served)).digest('hex')).toMatchSnapshot();
  });

  it('when a list is created, read, renamed and deleted, then each answer is as before', async () => {
    const created = await api.post('/api/v1/lists', { list: { name: 'Snapshot list' } }).expect(201);
    const uuid = created.body.data.uuid as string;
    const answers = {
      created: created.body,
      read: (await api.get(`/api/v1/lists/${uuid}`).expect(200)).body,
      renamed: (await api.patch(`/api/v1/lists/${uuid}`, { list: { name: 'Renamed' } }).expect(200)).body,
      invalid: (await api.patch(`/api/v1/lists/${uuid}`, { list: { name: '' } }).expect(422)).body,
      malformedId: (await api.get('/api/v1/lists/not-a-uuid').expect(404)).body,
      deleted: (await api.delete(`/api/v1/lists/${uuid}`).expect(200)).body,
      gone: (await api.get(`/api/v1/lists/${uuid}`).expect(404)).body,
    };

    expect(masked(answers)).toMatchSnapshot();
  });

  it('when a campaign is created with a step and a mailbox, then its answer and its reading are as before', async () => {
    const body = {
      campaign: {
        name: 'Snapshot campaign',
        min_wait_seconds: 0,
        max_wait_seconds: 0,
        smtp_credentials: [
          {
            label: 'Snapshot SMTP',
            smtp_host: '127.0.0.1',
            smtp_port: 2525,
            smtp_security: 'none',
            smtp_username: 'snapshot@sender.test',
            smtp_password: 'secret-password',
            from_name: 'Snapshot Sender',
            daily_limit: 100,
          },
        ],
        sequence_steps: [
          { position: 1, subject: 'Hello {{first_name}}', body_html: '<p>Hi {{first_name}}.</p>', delay_minutes: 0 },
        ],
      },
    };
    const created = await api.post('/api/v1/campaigns', body).expect(201);
    const id = created.body.data.id as string;
    const answers = {
      created: created.body,
      read: (await api.get(`/api/v1/campaigns/${id}`).expect(200)).body,
      enrollments: (await api.get(`/api/v1/campaigns/${id}/enrollments`).expect(200)).body,
      unknownTag: (
        await api
          .post('/api/v1/campaigns', {
            campaign: {
              ...body.campaign,
              sequence_steps: [{ ...body.campaign.sequence_steps[0], subject: '{% x %}' }],
            },
          })
          .expect(422)
      ).body,
    };

    expect(masked(answers)).toMatchSnapshot();
  });
});

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Per operation: its parameters, its body's media types and schema, and each answer's status, type and codes. */
function outline(document: oas31.OpenAPIObject) {
  const operations: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const body = operation.requestBody as oas31.RequestBodyObject | undefined;
      operations[`${method.toUpperCase()} ${path}`] = {
        summary: operation.summary,
        parameters: (operation.parameters ?? []).map((parameter) => {
          const { in: where, name, required } = parameter as oas31.ParameterObject;
          return `${where}:${name}${required ? '' : '?'}`;
        }),
        body: body
          ? Object.fromEntries(Object.entries(body.content).map(([type, media]) => [type, schemaName(media.schema)]))
          : null,
        responses: Object.fromEntries(
          Object.entries(operation.responses ?? {}).map(([status, response]) => {
            const content = (response as oas31.ResponseObject).content ?? {};
            return [
              status,
              Object.fromEntries(
                Object.entries(content).map(([type, media]) => [type, Object.keys(media.examples ?? {}).sort()]),
              ),
            ];
          }),
        ),
      };
    }
  }
  return operations;
}

function schemaName(schema: unknown): string {
  const record = (schema ?? {}) as { $ref?: string; type?: string };
  return record.$ref ?? record.type ?? 'schema';
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;

/** The answers with what differs between runs masked: uuids, times, and the numeric ids of lists. */
function masked(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, field: unknown) => (key === 'id' && typeof field === 'number' ? '<number>' : field))
      .replace(UUID, '<uuid>')
      .replace(TIME, '<time>'),
  );
}
