import request from 'supertest';
import { PostgresRateLimitStore } from '../../src/http/rate-limit';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

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
});
