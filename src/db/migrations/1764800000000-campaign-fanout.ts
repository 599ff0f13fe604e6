import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campaign-wide work leaves the HTTP request for a background job per campaign (the campaign fan-out workflow):
 * - the campaign's `fanout_*` columns show the last pause, resume or delete being carried to its enrollments;
 *   `fanout_generation` counts those requests, so the job notices a newer one and starts its pass over;
 * - `enrollments.start_requested_at` queues a pending enrollment for its workflow start (dispatch, schedule);
 * - two partial indexes let the job page through the start queue and the running enrollments without sorting.
 */
export class CampaignFanout1764800000000 implements MigrationInterface {
  name = 'CampaignFanout1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE campaigns
        ADD COLUMN fanout_action text,
        ADD COLUMN fanout_generation integer NOT NULL DEFAULT 0,
        ADD COLUMN fanout_total integer NOT NULL DEFAULT 0,
        ADD COLUMN fanout_done integer NOT NULL DEFAULT 0,
        ADD COLUMN fanout_started_at timestamptz,
        ADD COLUMN fanout_finished_at timestamptz`);
    await q.query(`ALTER TABLE enrollments ADD COLUMN start_requested_at timestamptz`);
    await q.query(
      `CREATE INDEX enrollments_start_queue_idx ON enrollments (campaign_id, priority DESC, created_at, id)
        WHERE status = 'pending' AND start_requested_at IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX enrollments_running_idx ON enrollments (campaign_id, id) WHERE status IN ('active', 'paused')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX enrollments_running_idx`);
    await q.query(`DROP INDEX enrollments_start_queue_idx`);
    await q.query(`ALTER TABLE enrollments DROP COLUMN start_requested_at`);
    await q.query(`
      ALTER TABLE campaigns
        DROP COLUMN fanout_action,
        DROP COLUMN fanout_generation,
        DROP COLUMN fanout_total,
        DROP COLUMN fanout_done,
        DROP COLUMN fanout_started_at,
        DROP COLUMN fanout_finished_at`);
  }
}
