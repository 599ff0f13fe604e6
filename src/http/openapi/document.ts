import { z } from 'zod';
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import { operationPaths } from '../api-operation';
import type { oas31 } from 'zod-openapi';
import { campaignOperations } from '../campaign.operations';
import { campaignContentOperations } from '../campaign-content.operations';
import { campaignSequenceOperations } from '../campaign-sequence.operations';
import { campaignListsOperations } from '../campaign-lists.operations';
import { withBodyReadErrors } from './operation';
import { enrollmentOperations } from '../enrollment.operations';
import { conversationOperations } from '../conversation.operations';
import { leadOperations } from '../lead.operations';
import { eventOperations } from '../event.operations';
import { listOperations } from '../list.operations';
import { blockListOperations } from '../block-list.operations';
import { mailboxOperations } from '../mailbox.operations';
import { contactOperations } from '../contact.operations';
import { outreachOperations } from '../outreach.operations';
import { webhookOperations } from '../webhook.operations';
import { analyticsOperations } from '../analytics.operations';
import { healthOperations } from '../health.routes';
import { metricsOperations } from '../metrics.routes';
import { openOperationPaths, openOperationsUsing } from '../open-operation';
import { publicOperations } from '../public.routes';

const DESCRIPTION = `Cold-email sequences on Temporal: import contacts into lists, create campaigns with steps and
mailboxes, enroll contacts and dispatch; each enrollment is a durable workflow you can pause, resume and stop.

**Authentication:** send your API key as \`X-API-KEY: <key>\` or \`Authorization: Bearer <key>\`. Keys belong to one
organization; \`npm run cli -- key create\` makes one.

**Envelope:** a success is \`{"status":"success","data":…}\`, sometimes with \`message\` or \`total\`. An error is
\`{"status":"error","code":…,"message":…,"errors":[…]}\` with a stable snake_case \`code\` to branch on.

**Rate limits:** each API key may make 10 requests per 2 seconds by default (a bulk import counts as one). Every
answer carries \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\`; over the limit the answer is 429
\`rate_limited\` with \`Retry-After\`.

**Request ids:** send \`X-Request-Id\` (letters, digits, \`.\`, \`_\`, \`-\`; up to 100) or get a generated one back in
the same header; the logs carry it.`;

let served: string | undefined; // 260 kB: serialized once, not per request

/** `GET /openapi.json`: declared here, beside the document it serves (`/docs` renders it). */
export const documentOperations = [
  openOperationsUsing<unknown>()({
    method: 'get',
    path: '/openapi.json',
    tag: 'Operations',
    summary: 'This OpenAPI 3.1 document',
    description: 'Generated from the zod schemas the routes validate with. `/docs` renders it.',
    responses: {
      200: { description: 'The document.', content: { type: 'application/json', schema: z.looseObject({}) } },
    },
    handle: ({ res }) => {
      served ??= JSON.stringify(openApiDocument());
      res.type('json').send(served);
    },
  }),
];

/** Every documented path; a route that is not here fails test/integration/openapi.test.ts. */
const PATHS: ZodOpenApiPathsObject[] = [
  // Leads share `/campaigns/{id}/enrollments/{eid}` with the campaign's GET: one call, so the path keeps every method.
  operationPaths([
    ...campaignOperations,
    ...campaignContentOperations,
    ...campaignSequenceOperations,
    ...campaignListsOperations,
    ...leadOperations,
  ]),
  operationPaths([...enrollmentOperations, ...eventOperations]),
  operationPaths(conversationOperations),
  operationPaths(listOperations),
  operationPaths([...contactOperations, ...outreachOperations, ...blockListOperations]),
  operationPaths(mailboxOperations),
  operationPaths(webhookOperations),
  operationPaths(analyticsOperations),
  // The open routes, at the root: no API key.
  openOperationPaths([...healthOperations, ...metricsOperations, ...documentOperations, ...publicOperations]),
];

const FORMATS_WITHOUT_PATTERN = new Set(['uuid', 'date-time', 'date', 'email']);

let built: oas31.OpenAPIObject | undefined;

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes parse with (built once). */
export function openApiDocument(): oas31.OpenAPIObject {
  built ??= createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Sequencer API',
        version: '1.0.0',
        description: DESCRIPTION,
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/', description: 'This server' }],
      security: [{ apiKey: [] }, { bearer: [] }],
      tags: [
        { name: 'Campaigns', description: 'Campaigns, their steps, mailboxes and statistics.' },
        { name: 'Enrollments', description: 'One contact in one campaign: a durable workflow.' },
        { name: 'Lists', description: 'Lists of contacts, imported as JSON or CSV.' },
        { name: 'Contacts', description: 'Contacts across lists and campaigns.' },
        { name: 'Outreaches', description: 'Groups of campaigns.' },
        { name: 'Block list', description: 'Emails and domains that are never sent to.' },
        {
          name: 'Mailboxes',
          description:
            "The organization's sending accounts (SMTP, IMAP, DKIM), shared by the campaigns they are attached to.",
        },
        { name: 'Events', description: 'Integrations pause, resume and stop enrollments.' },
        {
          name: 'Webhooks',
          description: 'Signed, durable delivery of what happens (Standard Webhooks), with a delivery log and retries.',
        },
        { name: 'Operations', description: 'Health, readiness, metrics and this document; no API key.' },
        { name: 'Message links', description: 'The links in sent messages: unsubscribe, open pixel, click redirect.' },
      ],
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-KEY', description: 'Your organization’s API key.' },
          bearer: { type: 'http', scheme: 'bearer', description: 'The same API key, as a bearer token.' },
        },
      },
      paths: withBodyReadErrors(Object.assign({}, ...PATHS) as ZodOpenApiPathsObject),
    },
    {
      // zod spells its uuid, date and email checks as long regular expressions besides the format; the format says
      // it, and the document shrinks by half.
      override: ({ jsonSchema }) => {
        if (typeof jsonSchema.format === 'string' && FORMATS_WITHOUT_PATTERN.has(jsonSchema.format)) {
          delete jsonSchema.pattern;
        }
      },
    },
  );
  return built;
}
