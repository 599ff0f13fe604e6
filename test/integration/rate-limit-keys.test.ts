import request from 'supertest';
import { PostgresRateLimitStore } from '../../src/rate-limit-store';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

/** U+00A0, sent as the single byte 0xA0: HTTP does not strip it from a header value, JavaScript's trim() does. */
const NBSP = '\u00a0';

describe('the rate limit counts the authenticated API key, however the request spells it', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  it('when one key is sent padded with whitespace in ways that still authenticate, then every spelling shares one count', async () => {
    const app = stack.appWith({
      rateLimit: { requests: 10, windowMs: 60_000, store: new PostgresRateLimitStore(stack.db) },
    });
    const { apiKey } = await stack.newOrganization();
    const spellings: [header: string, value: string][] = [
      ['X-API-KEY', apiKey],
      ['X-API-KEY', `${NBSP}${apiKey}`],
      ['X-API-KEY', `${apiKey}${NBSP}`],
      ['X-API-KEY', `${NBSP}${NBSP}${apiKey}${NBSP}`],
      ['X-API-KEY', ` \t${apiKey} \t`],
      ['Authorization', `Bearer ${apiKey}`],
      ['Authorization', `Bearer  ${apiKey}`],
      ['Authorization', `Bearer\t${apiKey}`],
      ['Authorization', `bearer ${apiKey}${NBSP}`],
      ['Authorization', `Bearer ${NBSP}${apiKey}`],
    ];

    for (const [header, value] of spellings) {
      await request(app).get('/api/v1/lists').set(header, value).expect(200);
    }

    for (const [header, value] of spellings) {
      const refused = await request(app).get('/api/v1/lists').set(header, value).expect(429);
      expect(refused.body).toMatchObject({ status: 'error', code: 'rate_limited' });
    }
  });

  it('when another organization sends its key in one of those spellings, then it has a count of its own', async () => {
    const app = stack.appWith({
      rateLimit: { requests: 2, windowMs: 60_000, store: new PostgresRateLimitStore(stack.db) },
    });
    const [busy, other] = [await stack.newOrganization(), await stack.newOrganization()];
    for (let index = 0; index < 2; index += 1) {
      await request(app).get('/api/v1/lists').set('X-API-KEY', busy.apiKey).expect(200);
    }
    await request(app).get('/api/v1/lists').set('X-API-KEY', `${NBSP}${busy.apiKey}`).expect(429);

    await request(app).get('/api/v1/lists').set('X-API-KEY', `${NBSP}${other.apiKey}`).expect(200);
  });
});
