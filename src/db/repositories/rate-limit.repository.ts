import type { EntityManager } from 'typeorm';

/** Fixed-window request counters (see the `rate_limit_windows` migration). */
export class RateLimitRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Counts one request for `key`; a window older than `windowMs` starts afresh. Atomic across processes. */
  async hit(key: string, windowMs: number): Promise<{ hits: number; windowStart: Date }> {
    const [row]: { hits: number; window_start: Date }[] = await this.manager.query(
      `INSERT INTO rate_limit_windows AS w (key, window_start, hits) VALUES ($1, now(), 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN w.window_start <= now() - make_interval(secs => $2 / 1000.0) THEN 1 ELSE w.hits + 1 END,
         window_start = CASE WHEN w.window_start <= now() - make_interval(secs => $2 / 1000.0)
                             THEN now() ELSE w.window_start END
       RETURNING hits, window_start`,
      [key, windowMs],
    );
    return { hits: row!.hits, windowStart: row!.window_start };
  }

  /** Takes back one request (express-rate-limit's `skip…Requests` options). */
  async unhit(key: string): Promise<void> {
    await this.manager.query('UPDATE rate_limit_windows SET hits = greatest(hits - 1, 0) WHERE key = $1', [key]);
  }

  async reset(key: string): Promise<void> {
    await this.manager.query('DELETE FROM rate_limit_windows WHERE key = $1', [key]);
  }
}
