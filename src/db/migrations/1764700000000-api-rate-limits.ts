import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The API's request counters, one fixed window per API key, shared by every API process. UNLOGGED: a counter lost
 * in a database crash costs one window of leniency, and skipping the write-ahead log keeps each request cheap.
 */
export class ApiRateLimits1764700000000 implements MigrationInterface {
  name = 'ApiRateLimits1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE rate_limit_windows (
        key text PRIMARY KEY,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rate_limit_windows');
  }
}
