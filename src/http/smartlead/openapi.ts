import { Router } from 'express';
import { z } from 'zod';
import {
  createDocument,
  type oas31,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { SMARTLEAD_ERRORS, smartleadErrorSchema, type SmartleadErrorStatus } from './errors';
import { isFileResponse, type SmartleadMethod, type SmartleadOperation } from './operation';

const DESCRIPTION = `Smartlead's API (v1), path for path and field for field, served by Sequencer: point a client
written for \`https://server.smartlead.ai/api/v1\` at this server's \`/smartlead/api/v1\` (or at \`/api/v1\` on
\`SMARTLEAD_PORT\` when it is set) and use a Sequencer API key. A thin translation layer over the same services as the
native API (\`/openapi.json\`): nothing here runs a second engine.

**Authentication:** \`?api_key=<key>\` on every request, as Smartlead; the \`X-API-KEY\` header is accepted too.

**Ids:** integers, as Smartlead's. Each campaign, lead, email account, webhook and sequence step has a stable integer
alias that only this API uses (the native API names the same rows by uuid). \`user_id\` is your organization's.

**Leniency:** ids as numbers or strings, booleans as \`true\`/\`"true"\`/\`"True"\`/\`1\`, paths with or without a trailing
slash, and fields this API does not know are accepted (and ignored), as the live service does.

**Errors:** \`{"statusCode":404,"error":"Campaign not found","message":"Campaign not found","code":"campaign_not_found"}\`
with the statuses Smartlead documents: 400, 401, 404, 422, 429 and 500. \`code\` is Sequencer's stable error code.

**Rate limit:** 10 requests per 2 seconds per API key by default (\`SMARTLEAD_RATE_LIMIT_REQUESTS\`,
\`SMARTLEAD_RATE_LIMIT_WINDOW_MS\`), counted apart from the native API's; over it, 429 with \`Retry-After\`.`;

const TAGS = [
  { name: 'Campaigns', description: 'Campaigns: create, read, status, schedule, settings, sequences, delete.' },
  { name: 'Email accounts', description: 'Sending accounts and their warm-up ramp.' },
  { name: 'Leads', description: 'Leads of campaigns, the block list, message history and replies.' },
  { name: 'Analytics', description: 'Statistics and analytics of campaigns and of the organization.' },
  { name: 'Webhooks', description: "Webhooks, delivered in Smartlead's event names and payload shapes." },
];

const DOCUMENTED_METHODS: readonly SmartleadMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/** The OpenAPI operation of one method of a Smartlead operation. */
function documented(spec: SmartleadOperation, method: SmartleadMethod): ZodOpenApiOperationObject {
  const pathParams = spec.params
    ? z.object(
        Object.fromEntries(
          Object.entries(spec.params).map(([name, param]) => [
            name,
            z
              .string()
              .regex(/^\d+$/)
              .meta({
                description: `${param.description} An integer (sent as a number or a string).`,
                example: '12345',
              }),
          ]),
        ),
      )
    : undefined;
  const statuses = new Set<SmartleadErrorStatus>([401, 429, 500, ...(spec.otherStatuses ?? [])]);
  if (spec.params) statuses.add(404);
  if (spec.query || spec.body) statuses.add(422);
  if (spec.body) statuses.add(400);
  const { response } = spec;
  const others = [spec.method, ...(spec.alsoMethods ?? [])].filter((other) => other !== method);
  const also = others.length > 0 ? `\n\nAlso served for ${others.map((other) => other.toUpperCase()).join(', ')}.` : '';
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description || also ? { description: `${spec.description ?? ''}${also}`.trim() } : {}),
    ...(pathParams || spec.query
      ? {
          requestParams: {
            ...(pathParams ? { path: pathParams } : {}),
            ...(spec.query ? { query: spec.query as z.ZodObject } : {}),
          },
        }
      : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.optional !== true,
            ...(spec.body.description ? { description: spec.body.description } : {}),
            content: { 'application/json': { schema: spec.body.schema, example: spec.body.example } },
          },
        }
      : {}),
    responses: {
      [String(isFileResponse(response) ? 200 : (response.status ?? 200))]: {
        description: response.description,
        content: isFileResponse(response)
          ? { [response.mediaType]: { schema: z.string(), example: response.example } }
          : { 'application/json': { schema: response.schema, example: response.example } },
      },
      ...errorResponses([...statuses]),
    },
  };
}

function errorResponses(statuses: SmartleadErrorStatus[]): ZodOpenApiResponsesObject {
  const responses: ZodOpenApiResponsesObject = {};
  for (const status of statuses.sort((a, b) => a - b)) {
    const { description, example } = SMARTLEAD_ERRORS[status];
    responses[`${status}`] = {
      description,
      content: { 'application/json': { schema: smartleadErrorSchema, example } },
      ...(status === 429
        ? {
            headers: z.object({
              'Retry-After': z.string().meta({ description: 'Seconds until the window resets.', example: '2' }),
            }),
          }
        : {}),
    };
  }
  return responses;
}

/** The OpenAPI paths of the operations, under the server's base. */
export function smartleadPaths(operations: readonly SmartleadOperation[]): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const spec of operations) {
    for (const method of [spec.method, ...(spec.alsoMethods ?? [])]) {
      (paths[spec.path] ??= {})[method] = documented(spec, method);
    }
  }
  for (const [path, item] of Object.entries(paths)) {
    paths[path] = Object.fromEntries(DOCUMENTED_METHODS.filter((m) => item[m]).map((m) => [m, item[m]]));
  }
  return paths;
}

const built = new Map<string, oas31.OpenAPIObject>();

/** The Smartlead surface's own OpenAPI 3.1 document, for a server at `base` (built once per base). */
export function smartleadOpenApiDocument(operations: readonly SmartleadOperation[], base: string): oas31.OpenAPIObject {
  let document = built.get(base);
  if (!document) {
    document = createDocument({
      openapi: '3.1.0',
      info: { title: 'Sequencer: Smartlead-compatible API', version: '1.0.0', description: DESCRIPTION },
      servers: [{ url: base, description: 'This server' }],
      security: [{ apiKeyQuery: [] }, { apiKeyHeader: [] }],
      tags: TAGS,
      components: {
        securitySchemes: {
          apiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key', description: 'Your Sequencer API key.' },
          apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-KEY', description: 'The same key, as a header.' },
        },
      },
      paths: smartleadPaths(operations),
    });
    built.set(base, document);
  }
  return document;
}

/** `GET <at>`: the document, without an API key (as `/openapi.json`). */
export function smartleadDocumentRouter(operations: readonly SmartleadOperation[], at: string, base: string): Router {
  const router = Router();
  let served: string | undefined;
  router.get(at, (_req, res) => {
    served ??= JSON.stringify(smartleadOpenApiDocument(operations, base));
    res.type('json').send(served);
  });
  return router;
}
