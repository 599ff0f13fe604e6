import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Database } from './db/repositories';

/**
 * express-rate-limit's store interface over the `rate_limit_windows` table: the API's rate limit (src/http/rate-limit.ts)
 * counts through it, and the composition root builds it, the http layer seeing only express-rate-limit's Store.
 */
export class PostgresRateLimitStore implements Store {
  private windowMs = 60_000;

  constructor(private readonly db: Database) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { hits, windowStart } = await this.db.repos.rateLimits.hit(key, this.windowMs);
    return { totalHits: hits, resetTime: new Date(windowStart.getTime() + this.windowMs) };
  }

  async decrement(key: string): Promise<void> {
    await this.db.repos.rateLimits.unhit(key);
  }

  async resetKey(key: string): Promise<void> {
    await this.db.repos.rateLimits.reset(key);
  }
}
