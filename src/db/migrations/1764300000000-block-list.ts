import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The organization's block list: addresses and whole domains that are never emailed. */
export class BlockList1764300000000 implements MigrationInterface {
  name = 'BlockList1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE blocked_addresses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        kind text NOT NULL CONSTRAINT blocked_addresses_kind_check CHECK (kind IN ('email', 'domain')),
        value text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX blocked_addresses_organization_id_kind_value_key
         ON blocked_addresses (organization_id, kind, value)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE blocked_addresses`);
  }
}
