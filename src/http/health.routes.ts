import { Router, type Request } from 'express';

export interface ReadinessChecks {
  postgres: () => Promise<void>;
  temporal: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 3_000;

/** Whether the check passed in time. The error is logged, never answered: its text names hosts, users and ports. */
async function probe(req: Request, name: keyof ReadinessChecks, check: () => Promise<void>): Promise<{ ok: boolean }> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
    ]);
    return { ok: true };
  } catch (error) {
    req.log.warn({ check: name, err: error }, 'readiness check failed');
    return { ok: false };
  }
}

/** `/healthz`: the process is up. `/readyz`: Postgres and Temporal are reachable, each reported separately. */
export function healthRoutes(checks: ReadinessChecks): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'success', data: { status: 'ok' } });
  });
  router.get('/readyz', async (req, res) => {
    const [postgres, temporal] = await Promise.all([
      probe(req, 'postgres', checks.postgres),
      probe(req, 'temporal', checks.temporal),
    ]);
    const ready = postgres.ok && temporal.ok;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'success' : 'error',
      ...(ready ? {} : { code: 'service_unavailable', message: 'Not ready: a backing service is unreachable.' }),
      data: { postgres, temporal },
    });
  });
  return router;
}
