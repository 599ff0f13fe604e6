import crypto from 'node:crypto';
import request from 'supertest';
import { createLogger } from '../../src/logger';
import { campaignBody } from '../helpers/factories';
import { PostgresRateLimitStore } from '../../src/rate-limit-store';
import { connectTestStack, eventually, type TestStack } from '../helpers/test-stack';

describe('an API that protects itself: rate limits, security headers, CORS', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('when each API key may make 10 requests per 2 seconds', () => {
    const limited = () =>
      stack.appWith({ rateLimit: { requests: 10, windowMs: 2000, store: new PostgresRateLimitStore(stack.db) } });

    it('then the 11th request inside the window gets 429 rate_limited with Retry-After and RateLimit-* headers', async () => {
      const app = limited();
      const { apiKey } = await stack.newOrganization();
      for (let index = 1; index <= 10; index += 1) {
        const answer = await request(app).get('/api/v1/lists').set('X-API-KEY', apiKey).expect(200);
        expect(answer.headers['ratelimit-limit']).toBe('10');
        expect(answer.headers['ratelimit-remaining']).toBe(String(10 - index));
      }

      const refused = await request(app).get('/api/v1/lists').set('X-API-KEY', apiKey).expect(429);

      expect(refused.body).toMatchObject({ status: 'error', code: 'rate_limited' });
      expect(refused.body.message).toContain('10 request(s) every 2 s');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(2);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      expect(Number(refused.headers['ratelimit-reset'])).toBeLessThanOrEqual(2);
    });

    it('then another key is unaffected, and the limited key is served again once the window has passed', async () => {
      const app = limited();
      const [busy, other] = [await stack.newOrganization(), await stack.newOrganization()];
      for (let index = 0; index < 11; index += 1) await request(app).get('/api/v1/lists').set('X-API-KEY', busy.apiKey);
      await request(app).get('/api/v1/lists').set('X-API-KEY', busy.apiKey).expect(429);

      await request(app).get('/api/v1/lists').set('Authorization', `Bearer ${other.apiKey}`).expect(200);

      await new Promise((resolve) => setTimeout(resolve, 2_100));
      await request(app).get('/api/v1/lists').set('X-API-KEY', busy.apiKey).expect(200);
    });

    it('then two API processes share one count (the counter lives in Postgres)', async () => {
      const [first, second] = [limited(), limited()];
      const { apiKey } = await stack.newOrganization();
      for (let index = 0; index < 5; index += 1) {
        await request(first).get('/api/v1/lists').set('X-API-KEY', apiKey).expect(200);
        await request(second).get('/api/v1/lists').set('X-API-KEY', apiKey).expect(200);
      }
      await request(first).get('/api/v1/lists').set('X-API-KEY', apiKey).expect(429);
      await request(second).get('/api/v1/lists').set('X-API-KEY', apiKey).expect(429);
    });
  });

  describe('when any response goes out', () => {
    it('then it carries helmet-style security headers and no X-Powered-By', async () => {
      const answer = await request(stack.app).get('/healthz').expect(200);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(answer.headers['strict-transport-security']).toMatch(/max-age=/);
      expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
      expect(answer.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(answer.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('CORS', () => {
    it('when no origin is configured (the default), then a browser gets no CORS headers, not even on a preflight', async () => {
      const preflight = await request(stack.app)
        .options('/api/v1/lists')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'GET');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const answer = await request(stack.app).get('/healthz').set('Origin', 'https://app.example.com');
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('when an origin is configured, then that origin is allowed and another is not', async () => {
      const app = stack.appWith({ corsOrigins: ['https://app.example.com'] });
      const allowed = await request(app)
        .options('/api/v1/lists')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'GET')
        .expect(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
      const other = await request(app).get('/healthz').set('Origin', 'https://evil.example.com');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('structured logs', () => {
    /** An app whose JSON log lines land in `lines`, at the most verbose level. */
    function loggedApp() {
      const lines: string[] = [];
      const logger = createLogger('trace', {}, { write: (line: string) => void lines.push(line) });
      const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      return { app: stack.appWith({ logger }), lines, entries };
    }
    const requestLine = (entries: () => Record<string, unknown>[], id: string) =>
      eventually(
        () => Promise.resolve(entries().find((entry) => (entry.req as { id?: string } | undefined)?.id === id)),
        {
          what: `the log line of request ${id}`,
          timeoutMs: 5_000,
        },
      );

    it('when a request creates a mailbox with SMTP, IMAP and DKIM secrets, then its log line carries the request id and organization and no secret', async () => {
      const { app, lines, entries } = loggedApp();
      const { apiKey, organizationId } = await stack.newOrganization();
      const secrets = {
        smtp_password: `smtp-${crypto.randomBytes(12).toString('hex')}`,
        imap_password: `imap-${crypto.randomBytes(12).toString('hex')}`,
        dkim_private_key: crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }),
      };
      const body = campaignBody(stack.info);
      Object.assign(body.campaign.smtp_credentials[0]!, secrets, {
        imap_host: '127.0.0.1',
        imap_port: 993,
        imap_username: 'inbox@sender.test',
        dkim_domain: 'sender.test',
        dkim_selector: 's1',
      });

      const created = await request(app)
        .post('/api/v1/campaigns')
        .set('X-API-KEY', apiKey)
        .set('X-Request-Id', 'import-job-42.attempt_1')
        .send(body)
        .expect(201);

      expect(created.headers['x-request-id']).toBe('import-job-42.attempt_1');
      const line = await requestLine(entries, 'import-job-42.attempt_1');
      expect(line).toMatchObject({
        level: 30,
        organizationId,
        req: { method: 'POST', url: '/api/v1/campaigns' },
        res: { statusCode: 201 },
      });
      const log = lines.join('');
      const keyBody = (secrets.dkim_private_key as string).split('\n')[1]!;
      for (const secret of [secrets.smtp_password, secrets.imap_password, keyBody, apiKey]) {
        expect(log).not.toContain(secret);
      }
    });

    it('when a request has no usable X-Request-Id, then a uuid is generated, echoed back and logged', async () => {
      const { app, entries } = loggedApp();
      const { apiKey } = await stack.newOrganization();

      const generated = await request(app).get('/api/v1/lists').set('X-API-KEY', apiKey).expect(200);
      const replaced = await request(app)
        .get('/api/v1/lists')
        .set('X-API-KEY', apiKey)
        .set('X-Request-Id', 'two words; and a semicolon')
        .expect(200);

      for (const answer of [generated, replaced]) {
        const id = answer.headers['x-request-id'] as string;
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(await requestLine(entries, id)).toMatchObject({ res: { statusCode: 200 } });
      }
    });
  });
});
