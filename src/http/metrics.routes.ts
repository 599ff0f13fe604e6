import crypto from 'node:crypto';
import express, { Router, type Express, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../domain/errors';
import { metrics, registry, renderMetrics } from '../metrics';
import { bearerToken } from './auth';
import { errorHandler, routeNotFound } from './error-handler';
import { openOperationRouter, openOperationsUsing } from './open-operation';
import { errorEnvelope } from './openapi/operation';

/** Who may read `/metrics`, and whether this app serves it at all. */
export interface MetricsAccess {
  /** METRICS_TOKEN: when set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** METRICS_PORT is set: `/metrics` is served by a server of its own (createMetricsApp), not on this app. */
  ownPort?: boolean;
}

/** What `/metrics` serves: the Temporal worker's exporter to append (null = none), and who may read it. */
export interface MetricsDeps {
  temporalMetricsUrl: string | null;
  metricsAccess?: MetricsAccess | undefined;
}

const operation = openOperationsUsing<MetricsDeps>();

/** `GET /metrics`, in the Prometheus text format: on the API's port unless METRICS_PORT gives it one of its own. */
export const metricsOperations = [
  operation({
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics',
    description:
      'HTTP latency by route pattern, sends by campaign and outcome, bounces, replies, mailbox slot waits, the ' +
      "Node process, and the Temporal worker's own series when this process runs one. Counters are per process. " +
      'With METRICS_TOKEN set it needs `Authorization: Bearer <token>`; with METRICS_PORT set it is served on that ' +
      'port instead of the API’s.',
    responses: {
      200: {
        description: 'The Prometheus text exposition format.',
        content: {
          type: 'text/plain',
          schema: z.string(),
          example: 'sequencer_sends_total{campaign_id="6f1c2a3b-…",outcome="sent"} 2\n',
        },
      },
      401: {
        description: '`unauthorized`: METRICS_TOKEN is set and the request does not send it as a bearer token.',
        headers: z.object({ 'WWW-Authenticate': z.string().meta({ example: 'Bearer realm="metrics"' }) }),
        content: {
          type: 'application/json',
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
    handle: async ({ deps, req, res }) => {
      requireMetricsToken(req, res, deps.metricsAccess?.token);
      res.set('Content-Type', registry.contentType).send(await renderMetrics(deps.temporalMetricsUrl));
    },
  }),
];

/** The HTTP latency histogram: mounted before every route. */
export function requestTiming(): Router {
  return Router().use(timeRequests);
}

/** The server of METRICS_PORT (the API's, or a standalone worker's): `GET /metrics` alone, behind the same token. */
export function createMetricsApp(temporalMetricsUrl: string | null, token: string | undefined): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(openOperationRouter(metricsOperations, { temporalMetricsUrl, metricsAccess: { token } }));
  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}

/** Without a token anyone may scrape (the documented default: expose the port to your monitoring network only). */
function requireMetricsToken(req: Request, res: Response, token: string | undefined): void {
  if (token === undefined) return;
  const presented = bearerToken(req);
  // Compared as digests: equal lengths for timingSafeEqual, and no timing hint about the token's length.
  if (presented !== undefined && crypto.timingSafeEqual(digest(presented), digest(token))) return;
  res.set('WWW-Authenticate', 'Bearer realm="metrics"');
  throw new AppError('unauthorized', 'Unauthorized: /metrics needs the metrics token', {
    errors: ['send the value of METRICS_TOKEN as Authorization: Bearer <token>'],
  });
}

function digest(text: string): Buffer {
  return crypto.createHash('sha256').update(text, 'utf8').digest();
}

/** Labels by route pattern (`/api/v1/campaigns/:id`), never the raw URL: ids would make every request a series. */
const timeRequests: RequestHandler = (req, res, next) => {
  const end = metrics.httpDuration.startTimer({ method: req.method });
  res.on('finish', () => {
    const pattern = (req.route as { path?: string } | undefined)?.path;
    const route = pattern === undefined ? 'unmatched' : `${req.baseUrl}${pattern === '/' ? '' : pattern}` || '/';
    end({ route, status_code: String(res.statusCode) });
  });
  next();
};
