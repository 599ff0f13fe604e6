import crypto from 'node:crypto';
import express, { Router, type Express, type RequestHandler } from 'express';
import { AppError } from '../domain/errors';
import { metrics, registry, renderMetrics } from '../metrics';
import { bearerToken } from './auth';
import { errorHandler, routeNotFound } from './error-handler';

/** Who may read `/metrics`, and whether this app serves it at all. */
export interface MetricsAccess {
  /** METRICS_TOKEN: when set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** METRICS_PORT is set: `/metrics` is served by a server of its own (createMetricsApp), not on this app. */
  ownPort?: boolean;
}

/**
 * The HTTP latency histogram, and `GET /metrics` (Prometheus text format) unless it has a port of its own. Mounted
 * before every route.
 */
export function metricsRoutes(temporalMetricsUrl: string | null, access: MetricsAccess = {}): Router {
  const router = Router();
  router.use(timeRequests);
  if (!access.ownPort) router.get('/metrics', requireMetricsToken(access.token), serveMetrics(temporalMetricsUrl));
  return router;
}

/** The server of METRICS_PORT (the API's, or a standalone worker's): `GET /metrics` alone, behind the same token. */
export function createMetricsApp(temporalMetricsUrl: string | null, token: string | undefined): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', requireMetricsToken(token), serveMetrics(temporalMetricsUrl));
  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}

function serveMetrics(temporalMetricsUrl: string | null): RequestHandler {
  return async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await renderMetrics(temporalMetricsUrl));
  };
}

/** Without a token anyone may scrape (the documented default: expose the port to your monitoring network only). */
function requireMetricsToken(token: string | undefined): RequestHandler {
  const expected = token === undefined ? null : digest(token);
  return (req, res, next) => {
    if (expected === null) return next();
    const presented = bearerToken(req);
    // Compared as digests: equal lengths for timingSafeEqual, and no timing hint about the token's length.
    if (presented !== undefined && crypto.timingSafeEqual(digest(presented), expected)) return next();
    res.set('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new AppError('unauthorized', 'Unauthorized: /metrics needs the metrics token', {
      errors: ['send the value of METRICS_TOKEN as Authorization: Bearer <token>'],
    });
  };
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
