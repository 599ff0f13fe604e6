import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the API last changed an enrollment's status: a schedule the workflow observed before that moment is stale
 * and must not overwrite it (the workflow records its schedule one activity after observing it).
 */
export class EnrollmentControlTime1764400000000 implements MigrationInterface {
  name = 'EnrollmentControlTime1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollments ADD COLUMN control_changed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE enrollments DROP COLUMN control_changed_at`);
  }
}
