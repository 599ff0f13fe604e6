import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Addresses compare whatever their case. Block-list entries become their match key (lower case) — where two entries
 * differed only in case, the older is kept — so the block check compares them as they are, through their unique
 * index. Contacts keep their spelling; an index on the lower-cased address serves their case-insensitive lookup.
 */
export class CaseInsensitiveAddresses1764850000000 implements MigrationInterface {
  name = 'CaseInsensitiveAddresses1764850000000';

  async up(q: QueryRunner): Promise<void> {
    // Lower-cased here, as the application does (String#toLowerCase), not by SQL lower(), whose reach beyond ASCII
    // depends on the database's locale. Only entries with capitals or non-ASCII characters can change.
    const candidates = await q.manager.query<{ id: string; value: string }[]>(
      `SELECT id, value FROM blocked_addresses WHERE value <> lower(value) OR octet_length(value) <> char_length(value)`,
    );
    const changed = candidates.filter((entry) => entry.value !== entry.value.toLowerCase());
    if (changed.length > 0) {
      const ids = changed.map((entry) => entry.id);
      const keys = changed.map((entry) => entry.value.toLowerCase());
      await q.query(
        `WITH input AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS input(id, key)),
              keyed AS (
                SELECT entry.id,
                       row_number() OVER (
                         PARTITION BY entry.organization_id, entry.kind, coalesce(input.key, entry.value)
                         ORDER BY entry.created_at, entry.id) AS rank
                  FROM blocked_addresses entry LEFT JOIN input ON input.id = entry.id)
         DELETE FROM blocked_addresses WHERE id IN (SELECT id FROM keyed WHERE rank > 1)`,
        [ids, keys],
      );
      await q.query(
        `UPDATE blocked_addresses entry SET value = input.key
           FROM unnest($1::uuid[], $2::text[]) AS input(id, key)
          WHERE entry.id = input.id`,
        [ids, keys],
      );
    }
    await q.query(
      'CREATE INDEX IF NOT EXISTS contacts_organization_id_lower_email_idx ON contacts (organization_id, lower(email))',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Block-list entries stay lower-cased: their original spelling is gone, and they match as before.
    await q.query('DROP INDEX IF EXISTS contacts_organization_id_lower_email_idx');
  }
}
