import { z } from 'zod';
import type { Request } from 'express';
import { openOperationsUsing } from './open-operation';
import { errorEnvelope } from './openapi/operation';

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

// Whether each check passed, nothing more: the error (hosts, users, ports) goes to the log only.
const probeResult = z.object({ ok: z.boolean() });
const readiness = z.object({ postgres: probeResult, temporal: probeResult });

const operation = openOperationsUsing<{ readiness: ReadinessChecks }>();

/** `/healthz`: the process is up. `/readyz`: Postgres and Temporal are reachable, each reported separately. */
export const healthOperations = [
  operation({
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    summary: 'Liveness: the process is up',
    responses: {
      200: {
        description: 'Always, while the process serves requests.',
        content: {
          type: 'application/json',
          schema: z.object({ status: z.literal('success'), data: z.object({ status: z.literal('ok') }) }),
          example: { status: 'success', data: { status: 'ok' } },
        },
      },
    },
    handle: ({ res }) => {
      res.json({ status: 'success', data: { status: 'ok' } });
    },
  }),
  operation({
    method: 'get',
    path: '/readyz',
    tag: 'Operations',
    summary: 'Readiness: Postgres and Temporal, each reported',
    responses: {
      200: {
        description: 'Both are reachable.',
        content: {
          type: 'application/json',
          schema: z.object({ status: z.literal('success'), data: readiness }),
          example: { status: 'success', data: { postgres: { ok: true }, temporal: { ok: true } } },
        },
      },
      503: {
        description: '`service_unavailable`: one of them is not; `data` says which (the reason is logged).',
        content: {
          type: 'application/json',
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
    handle: async ({ deps: { readiness: checks }, req, res }) => {
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
    },
  }),
];
