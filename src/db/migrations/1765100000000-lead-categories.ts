import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leads within a campaign: a category on each enrollment (a built-in one or an organization's own label, set by
 * hand or by the reply classifier, which never overwrites a manual one) and when the lead was removed from the
 * campaign (the row and its history stay, so the contact is not enrolled in it again).
 */
export class LeadCategories1765100000000 implements MigrationInterface {
  name = 'LeadCategories1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE enrollments
        ADD COLUMN category text
          CONSTRAINT enrollments_category_check CHECK (char_length(category) BETWEEN 1 AND 64),
        ADD COLUMN category_source text
          CONSTRAINT enrollments_category_source_check CHECK (category_source IN ('manual', 'automatic')),
        ADD COLUMN category_set_at timestamptz,
        ADD COLUMN removed_at timestamptz,
        ADD CONSTRAINT enrollments_category_source_set_check CHECK ((category IS NULL) = (category_source IS NULL))`);
    await q.query(
      'CREATE INDEX enrollments_campaign_id_category_idx ON enrollments (campaign_id, category) WHERE category IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX enrollments_campaign_id_category_idx');
    await q.query(`
      ALTER TABLE enrollments
        DROP CONSTRAINT enrollments_category_source_set_check,
        DROP COLUMN removed_at,
        DROP COLUMN category_set_at,
        DROP COLUMN category_source,
        DROP COLUMN category`);
  }
}
