import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lists and their members, campaign ↔ list association, evergreen campaigns, and email validation state. */
export class ListsAndValidation1763900000000 implements MigrationInterface {
  name = 'ListsAndValidation1763900000000';

  async up(q: QueryRunner): Promise<void> {
    // Lists have a numeric id and a uuid, as in the reference API; the uuid is the public handle.
    await q.query(`
      CREATE TABLE lists (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uuid uuid NOT NULL DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX lists_uuid_key ON lists (uuid)`);
    await q.query(`CREATE INDEX lists_organization_id_created_at_idx ON lists (organization_id, created_at)`);

    // `id` orders members by when they joined: pages stay stable while the list grows.
    await q.query(`
      CREATE TABLE list_contacts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        list_id bigint NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        added_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX list_contacts_list_id_contact_id_key ON list_contacts (list_id, contact_id)`);
    await q.query(`CREATE INDEX list_contacts_contact_id_idx ON list_contacts (contact_id)`);

    // `position` orders a campaign's lists: the first one receives contacts scheduled through the campaign.
    await q.query(`
      CREATE TABLE campaign_lists (
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        list_id bigint NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
        position integer NOT NULL,
        PRIMARY KEY (campaign_id, list_id)
      )`);
    await q.query(`CREATE INDEX campaign_lists_list_id_idx ON campaign_lists (list_id)`);

    await q.query(`ALTER TABLE campaigns ADD COLUMN evergreen boolean NOT NULL DEFAULT false`);

    // Validation: requested_at marks work for the durable validation job (set in the import's own transaction);
    // retry_at postpones a domain whose DNS answer timed out.
    await q.query(`
      ALTER TABLE contacts
        ADD COLUMN email_check_status text,
        ADD COLUMN email_check_detail text,
        ADD COLUMN email_checked_at timestamptz,
        ADD COLUMN email_check_requested_at timestamptz,
        ADD COLUMN email_check_retry_at timestamptz,
        ADD COLUMN email_check_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN email_disposable boolean,
        ADD COLUMN email_role boolean`);
    await q.query(
      `CREATE INDEX contacts_email_check_requested_idx ON contacts (organization_id, email_check_retry_at)
         WHERE email_check_requested_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contacts_email_check_requested_idx`);
    await q.query(`
      ALTER TABLE contacts
        DROP COLUMN email_check_status, DROP COLUMN email_check_detail, DROP COLUMN email_checked_at,
        DROP COLUMN email_check_requested_at, DROP COLUMN email_check_retry_at, DROP COLUMN email_check_attempts,
        DROP COLUMN email_disposable, DROP COLUMN email_role`);
    await q.query(`ALTER TABLE campaigns DROP COLUMN evergreen`);
    await q.query(`DROP TABLE campaign_lists`);
    await q.query(`DROP TABLE list_contacts`);
    await q.query(`DROP TABLE lists`);
  }
}
