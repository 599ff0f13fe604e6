import { Router } from 'express';

export interface ReadinessChecks {
  postgres: () => Promise<void>;
  temporal: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 3_000;

async function probe(check: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS).unref()),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** `/healthz`: the process is up. `/readyz`: Postgres and Temporal are reachable, each reported separately. */
export function healthRoutes(checks: ReadinessChecks): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'success', data: { status: 'ok' } });
  });
  router.get('/readyz', async (_req, res) => {
    const [postgres, temporal] = await Promise.all([probe(checks.postgres), probe(checks.temporal)]);
    const ready = postgres.ok && temporal.ok;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'success' : 'error',
      ...(ready ? {} : { code: 'service_unavailable', message: 'Not ready: a backing service is unreachable.' }),
      data: { postgres, temporal },
    });
  });
  return router;
}
