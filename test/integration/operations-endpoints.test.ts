import request from 'supertest';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { ShutdownSequence } from '../../src/shutdown';
import { serveMetrics } from '../../src/process-runtime';
import { expectDocumented } from '../helpers/openapi-conformance';
import { freePorts } from '../helpers/ports';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('the operations endpoints tell outsiders nothing they do not need', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('/readyz', () => {
    it('when Postgres is unreachable, then the 503 says which check failed and nothing of the error, which is logged', async () => {
      const lines: string[] = [];
      const detail = 'password authentication failed for user "sequencer" at 10.1.2.3:5432';
      const app = stack.appWith({
        logger: createLogger('info', {}, { write: (line: string) => void lines.push(line) }),
        readiness: { postgres: () => Promise.reject(new Error(detail)), temporal: () => Promise.resolve() },
      });

      const answer = await request(app).get('/readyz').expect(503).expect(expectDocumented);

      expect(answer.body).toEqual({
        status: 'error',
        code: 'service_unavailable',
        message: 'Not ready: a backing service is unreachable.',
        data: { postgres: { ok: false }, temporal: { ok: true } },
      });
      expect(answer.text).not.toContain('10.1.2.3');
      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged).toContainEqual(
        expect.objectContaining({ check: 'postgres', err: expect.objectContaining({ message: detail }) }),
      );
    });

    it('when both are reachable, then it answers 200 with each check ok', async () => {
      const answer = await request(stack.app).get('/readyz').expect(200).expect(expectDocumented);

      expect(answer.body).toEqual({ status: 'success', data: { postgres: { ok: true }, temporal: { ok: true } } });
    });
  });

  describe('/metrics with METRICS_TOKEN set', () => {
    const app = () => stack.appWith({ metricsAccess: { token: TOKEN } });

    it('then a scrape without the bearer token, or with another, is a 401', async () => {
      const without = await request(app()).get('/metrics').expect(401).expect(expectDocumented);
      const wrong = await request(app())
        .get('/metrics')
        .set('Authorization', `Bearer ${TOKEN}x`)
        .expect(401)
        .expect(expectDocumented);

      expect(without.body).toMatchObject({ status: 'error', code: 'unauthorized' });
      expect(without.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(wrong.text).not.toContain('sequencer_');
    });

    it('then a scrape with the token gets the metrics', async () => {
      const answer = await request(app())
        .get('/metrics')
        .set('Authorization', `Bearer ${TOKEN}`)
        .expect(200)
        .expect(expectDocumented);

      expect(answer.text).toContain('sequencer_http_request_duration_seconds');
    });

    it('then without METRICS_TOKEN anyone may scrape, as before', async () => {
      await request(stack.app).get('/metrics').expect(200);
    });
  });

  describe('/metrics with METRICS_PORT set', () => {
    it('then the API port does not serve it, while requests are still timed', async () => {
      const app = stack.appWith({ metricsAccess: { ownPort: true } });

      await request(app).get('/metrics').expect(404);
      await request(app).get('/healthz').expect(200);
    });

    it('then its own server (the API’s or a standalone worker’s) serves only /metrics, behind the same token', async () => {
      const [port] = await freePorts(1);
      const config = loadConfig({ METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1', METRICS_TOKEN: TOKEN });
      const shutdown = new ShutdownSequence(createLogger('silent'));
      await serveMetrics(config, createLogger('silent'), shutdown);
      try {
        const base = `http://127.0.0.1:${port}`;

        const refused = await fetch(`${base}/metrics`);
        const scraped = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
        const other = await fetch(`${base}/readyz`, { headers: { Authorization: `Bearer ${TOKEN}` } });

        expect(refused.status).toBe(401);
        expect(await refused.json()).toMatchObject({ status: 'error', code: 'unauthorized' });
        expect(scraped.status).toBe(200);
        expect(await scraped.text()).toContain('sequencer_');
        expect(other.status).toBe(404);
      } finally {
        await shutdown.run('test over');
      }
    });

    it('when METRICS_PORT is 0, then no server of its own starts and it says so, so the API’s port keeps /metrics', async () => {
      const shutdown = new ShutdownSequence(createLogger('silent'));

      const served = await serveMetrics(loadConfig({ METRICS_PORT: '0' }), createLogger('silent'), shutdown);

      expect(served).toBe(false);
    });
  });
});
