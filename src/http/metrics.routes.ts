import { Router, type RequestHandler } from 'express';
import { metrics, registry, renderMetrics } from '../metrics';

/** `GET /metrics` (Prometheus text format) and the HTTP latency histogram it shows. Mounted before every route. */
export function metricsRoutes(temporalMetricsUrl: string | null): Router {
  const router = Router();
  router.use(timeRequests);
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await renderMetrics(temporalMetricsUrl));
  });
  return router;
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
