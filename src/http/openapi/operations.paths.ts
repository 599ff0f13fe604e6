import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';
import { errorEnvelope, errorResponses } from './operation';

const open = { security: [] };
const html = (description: string, example: string) => ({
  description,
  content: { 'text/html': { schema: z.string(), example } },
});
const token = {
  path: z.object({
    token: z
      .string()
      .meta({ description: 'The signed token from the message; altered or forged tokens get 404.', example: 'AbC…' }),
  }),
};
const invalidLink = html('The token does not verify: nothing changed.', '<!doctype html>…<h1>Link not valid</h1>…');
/** A token path that is not valid percent-encoding never reaches the route. */
const unreadablePath = errorResponses(['bad_request']);

// Whether each check passed, nothing more: the error (hosts, users, ports) goes to the log only.
const probe = z.object({ ok: z.boolean() });
const readiness = z.object({ postgres: probe, temporal: probe });

const unsubscribePage: ZodOpenApiOperationObject = {
  ...open,
  tags: ['Message links'],
  summary: 'The unsubscribe page',
  description:
    'The `List-Unsubscribe` https link and the footer link. Shows the address and a button; following the link ' +
    'changes nothing, because mail scanners follow links.',
  requestParams: token,
  responses: {
    '200': html('The page with its button (or: already unsubscribed).', '<!doctype html>…<h1>Unsubscribe</h1>…'),
    '404': invalidLink,
    ...unreadablePath,
  },
};

export const operationsPaths: ZodOpenApiPathsObject = {
  '/healthz': {
    get: {
      ...open,
      tags: ['Operations'],
      summary: 'Liveness: the process is up',
      responses: {
        '200': {
          description: 'Always, while the process serves requests.',
          content: {
            'application/json': {
              schema: z.object({ status: z.literal('success'), data: z.object({ status: z.literal('ok') }) }),
              example: { status: 'success', data: { status: 'ok' } },
            },
          },
        },
      },
    },
  },
  '/readyz': {
    get: {
      ...open,
      tags: ['Operations'],
      summary: 'Readiness: Postgres and Temporal, each reported',
      responses: {
        '200': {
          description: 'Both are reachable.',
          content: {
            'application/json': {
              schema: z.object({ status: z.literal('success'), data: readiness }),
              example: { status: 'success', data: { postgres: { ok: true }, temporal: { ok: true } } },
            },
          },
        },
        '503': {
          description: '`service_unavailable`: one of them is not; `data` says which (the reason is logged).',
          content: {
            'application/json': {
              schema: errorEnvelope,
              example: {
                status: 'error',
                code: 'service_unavailable',
                message: 'Not ready: a backing service is unreachable.',
                data: { postgres: { ok: true }, temporal: { ok: false } },
              },
            },
          },
        },
      },
    },
  },
  '/metrics': {
    get: {
      ...open,
      tags: ['Operations'],
      summary: 'Prometheus metrics',
      description:
        'HTTP latency by route pattern, sends by campaign and outcome, bounces, replies, mailbox slot waits, the ' +
        "Node process, and the Temporal worker's own series when this process runs one. Counters are per process. " +
        'With METRICS_TOKEN set it needs `Authorization: Bearer <token>`; with METRICS_PORT set it is served on that ' +
        'port instead of the API’s.',
      responses: {
        '200': {
          description: 'The Prometheus text exposition format.',
          content: {
            'text/plain': {
              schema: z.string(),
              example: 'sequencer_sends_total{campaign_id="6f1c2a3b-…",outcome="sent"} 2\n',
            },
          },
        },
        '401': {
          description: '`unauthorized`: METRICS_TOKEN is set and the request does not send it as a bearer token.',
          headers: z.object({ 'WWW-Authenticate': z.string().meta({ example: 'Bearer realm="metrics"' }) }),
          content: {
            'application/json': {
              schema: errorEnvelope,
              example: {
                status: 'error',
                code: 'unauthorized',
                message: 'Unauthorized: /metrics needs the metrics token',
                errors: ['send the value of METRICS_TOKEN as Authorization: Bearer <token>'],
              },
            },
          },
        },
      },
    },
  },
  '/openapi.json': {
    get: {
      ...open,
      tags: ['Operations'],
      summary: 'This OpenAPI 3.1 document',
      description: 'Generated from the zod schemas the routes validate with. `/docs` renders it.',
      responses: {
        '200': { description: 'The document.', content: { 'application/json': { schema: z.looseObject({}) } } },
      },
    },
  },
  '/u/{token}': {
    get: unsubscribePage,
    post: {
      ...open,
      tags: ['Message links'],
      summary: 'Unsubscribe (RFC 8058 one-click)',
      description:
        'Mail clients post `List-Unsubscribe=One-Click` here. Unsubscribes the contact at once: every pending or ' +
        'running enrollment ends `unsubscribed`. Idempotent.',
      requestParams: token,
      requestBody: {
        content: {
          'application/x-www-form-urlencoded': {
            schema: z.object({ 'List-Unsubscribe': z.literal('One-Click').optional() }),
            example: { 'List-Unsubscribe': 'One-Click' },
          },
        },
      },
      responses: {
        '200': html('Unsubscribed (also when it already was).', '<!doctype html>…<h1>Unsubscribed</h1>…'),
        '404': invalidLink,
        // The form body is read before the token is checked: unreadable, over 10 kB or in another charset.
        ...errorResponses(['bad_request', 'payload_too_large', 'unsupported_media_type']),
      },
    },
  },
  '/t/o/{token}': {
    get: {
      ...open,
      tags: ['Message links'],
      summary: 'Open pixel',
      description: "Records the message's first open (campaigns with `track_opens`).",
      requestParams: token,
      responses: {
        '200': {
          description: 'A transparent 1×1 GIF.',
          content: { 'image/gif': { schema: z.string().meta({ format: 'binary' }) } },
        },
        '404': invalidLink,
        ...unreadablePath,
      },
    },
  },
  '/t/c/{token}': {
    get: {
      ...open,
      tags: ['Message links'],
      summary: 'Click redirect',
      description:
        "Records the message's first click (and an open), then redirects to the link's destination, which is " +
        'signed inside the token (campaigns with `track_clicks`). The destination must be one of the links of that ' +
        'message (its step rendered again for its recipient): any other is a 404, whatever the signature.',
      requestParams: token,
      responses: {
        '302': {
          description: 'To the destination, without a Referer.',
          headers: z.object({ Location: z.url().meta({ example: 'https://example.com/pricing' }) }),
        },
        '404': invalidLink,
        ...unreadablePath,
      },
    },
  },
};
