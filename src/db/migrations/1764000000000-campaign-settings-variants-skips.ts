import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rest of the campaign model: sending settings, outreaches, A/B variants (with the winner of each step),
 * skipped enrollments, and the log of test sends (kept out of the statistics).
 */
export class CampaignSettingsVariantsSkips1764000000000 implements MigrationInterface {
  name = 'CampaignSettingsVariantsSkips1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outreaches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        name text NOT NULL,
        unique_contacts boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX outreaches_organization_id_idx ON outreaches (organization_id)`);
    // Campaign outreach ids were stored before outreaches existed: keep only those that now resolve.
    await q.query(`UPDATE campaigns SET outreach_id = NULL WHERE outreach_id IS NOT NULL`);
    await q.query(
      `ALTER TABLE campaigns ADD CONSTRAINT campaigns_outreach_id_fkey
         FOREIGN KEY (outreach_id) REFERENCES outreaches (id) ON DELETE SET NULL`,
    );
    await q.query(`CREATE INDEX campaigns_outreach_id_idx ON campaigns (outreach_id) WHERE outreach_id IS NOT NULL`);

    await q.query(`
      ALTER TABLE campaigns
        ADD COLUMN schedule jsonb,
        ADD COLUMN max_new_per_day integer,
        ADD COLUMN stop_on text NOT NULL DEFAULT 'reply',
        ADD COLUMN track_opens boolean NOT NULL DEFAULT false,
        ADD COLUMN track_clicks boolean NOT NULL DEFAULT false,
        ADD COLUMN unsubscribe_text text,
        ADD COLUMN winner_metric text,
        ADD COLUMN winner_min_sends integer`);

    await q.query(`
      CREATE TABLE sequence_step_variants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        step_id uuid NOT NULL REFERENCES sequence_steps (id) ON DELETE CASCADE,
        label text NOT NULL,
        subject text NOT NULL,
        body_html text NOT NULL,
        weight integer NOT NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX sequence_step_variants_step_id_label_key ON sequence_step_variants (step_id, label)`,
    );
    // Once decided, every later send of the step uses the winning variant.
    await q.query(`ALTER TABLE sequence_steps ADD COLUMN winner_label text, ADD COLUMN winner_decided_at timestamptz`);
    await q.query(`ALTER TABLE messages ADD COLUMN variant_label text`);

    await q.query(`
      CREATE TABLE enrollment_skips (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        kind text NOT NULL,
        detail text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX enrollment_skips_campaign_id_kind_created_at_idx ON enrollment_skips (campaign_id, kind, created_at)`,
    );

    await q.query(`
      CREATE TABLE test_sends (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        step_position integer NOT NULL,
        variant_label text,
        to_email text NOT NULL,
        mailbox_id uuid REFERENCES mailboxes (id) ON DELETE SET NULL,
        message_id text NOT NULL,
        status text NOT NULL,
        smtp_response text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX test_sends_campaign_id_created_at_idx ON test_sends (campaign_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE test_sends`);
    await q.query(`DROP TABLE enrollment_skips`);
    await q.query(`ALTER TABLE messages DROP COLUMN variant_label`);
    await q.query(`ALTER TABLE sequence_steps DROP COLUMN winner_label, DROP COLUMN winner_decided_at`);
    await q.query(`DROP TABLE sequence_step_variants`);
    await q.query(`
      ALTER TABLE campaigns
        DROP COLUMN schedule, DROP COLUMN max_new_per_day, DROP COLUMN stop_on, DROP COLUMN track_opens,
        DROP COLUMN track_clicks, DROP COLUMN unsubscribe_text, DROP COLUMN winner_metric, DROP COLUMN winner_min_sends`);
    await q.query(`DROP INDEX campaigns_outreach_id_idx`);
    await q.query(`ALTER TABLE campaigns DROP CONSTRAINT campaigns_outreach_id_fkey`);
    await q.query(`DROP TABLE outreaches`);
  }
}
