import type { DataSource } from 'typeorm';

/** Row counts by table (`contacts` → 3), for one organization. */
export type RowCounts = Record<string, number>;

interface ForeignKey {
  child: string;
  childColumn: string;
  parent: string;
  parentColumn: string;
}

const queries = new WeakMap<DataSource, Promise<string>>();

/**
 * How many rows each table holds for each of these organizations: tables with an `organization_id` directly, and
 * tables that belong to one through foreign keys (list members through their list, steps through their campaign,
 * variants through their step…). The tables are read from the catalog, so a table added by a later migration is
 * counted without editing this list. Raw SQL on purpose: it is the tests' view of "nothing was written".
 */
export async function organizationRowCounts(
  dataSource: DataSource,
  organizationIds: string[],
): Promise<Record<string, RowCounts>> {
  let query = queries.get(dataSource);
  if (!query) {
    query = countQuery(dataSource);
    queries.set(dataSource, query);
  }
  const rows = await dataSource.query<
    Array<{
      table_name: string;
      organization_id: string;
      rows: number;
    }>
  >(await query, [organizationIds]);
  const counts: Record<string, RowCounts> = {};
  for (const id of organizationIds) counts[id] = {};
  for (const row of rows) counts[row.organization_id]![row.table_name] = row.rows;
  return counts;
}

/** The tables (with their counts) whose number of rows differs between two snapshots of one organization. */
export function changedTables(before: RowCounts, after: RowCounts): string[] {
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...tables]
    .filter((table) => (before[table] ?? 0) !== (after[table] ?? 0))
    .map((table) => `${table}: ${before[table] ?? 0} → ${after[table] ?? 0}`);
}

/** One UNION ALL of per-table counts, each joined up to the table that carries `organization_id`. */
async function countQuery(dataSource: DataSource): Promise<string> {
  const tables = (
    await dataSource.query<
      Array<{
        tablename: string;
      }>
    >(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)
  ).map((row) => row.tablename);
  const owned = new Set(
    (
      await dataSource.query<Array<{ table_name: string }>>(
        `SELECT table_name FROM information_schema.columns
          WHERE table_schema = 'public' AND column_name = 'organization_id'`,
      )
    ).map((row) => row.table_name),
  );
  const foreignKeys = await dataSource.query<ForeignKey[]>(
    `SELECT child.relname AS child, child_column.attname AS "childColumn",
            parent.relname AS parent, parent_column.attname AS "parentColumn"
       FROM pg_constraint fk
       JOIN pg_class child ON child.oid = fk.conrelid
       JOIN pg_class parent ON parent.oid = fk.confrelid
       JOIN pg_attribute child_column ON child_column.attrelid = fk.conrelid AND child_column.attnum = fk.conkey[1]
       JOIN pg_attribute parent_column ON parent_column.attrelid = fk.confrelid AND parent_column.attnum = fk.confkey[1]
      WHERE fk.contype = 'f' AND cardinality(fk.conkey) = 1 AND fk.connamespace = 'public'::regnamespace`,
  );

  const parts: string[] = [];
  for (const table of tables.filter((name) => name !== 'organizations').sort()) {
    const chain = owned.has(table) ? [] : chainToOwner(table, owned, foreignKeys);
    if (!chain) continue; // not an organization's data (migrations, rate-limit windows)
    const joins = chain.map(
      (key, index) =>
        `JOIN "${key.parent}" t${index + 1} ON t${index + 1}."${key.parentColumn}" = t${index}."${key.childColumn}"`,
    );
    const owner = `t${chain.length}.organization_id`;
    parts.push(
      `SELECT '${table}' AS table_name, ${owner} AS organization_id, count(*)::int AS rows FROM "${table}" t0 ` +
        `${joins.join(' ')} WHERE ${owner} = ANY($1) GROUP BY ${owner}`,
    );
  }
  return parts.join('\nUNION ALL\n');
}

/** The shortest chain of foreign keys from `table` to a table with `organization_id` (null when there is none). */
function chainToOwner(table: string, owned: Set<string>, foreignKeys: ForeignKey[]): ForeignKey[] | null {
  let frontier: Array<{ table: string; chain: ForeignKey[] }> = [{ table, chain: [] }];
  for (let depth = 0; depth < 3; depth += 1) {
    const next: typeof frontier = [];
    for (const { table: current, chain } of frontier) {
      for (const key of foreignKeys.filter((candidate) => candidate.child === current)) {
        if (owned.has(key.parent)) return [...chain, key];
        next.push({ table: key.parent, chain: [...chain, key] });
      }
    }
    frontier = next;
  }
  return null;
}

/** Ids of the rows whose state `fixtureStates` reads, by table. */
export interface FixtureIds {
  campaigns: string[];
  enrollments: string[];
  contacts: string[];
  mailboxes: string[];
  lists: string[];
  outreaches: string[];
  blockListEntries: string[];
}

/**
 * The state of a few known rows, as comparable text: which still exist, and the status of campaigns, enrollments
 * and contacts, and whether mailboxes are disabled; the campaigns' sending schedules apart, since opening a
 * window lets workflows send (and write) later. Row counts miss an update; this catches the ones that matter.
 */
export async function fixtureStates(
  dataSource: DataSource,
  ids: FixtureIds,
): Promise<{ schedules: string; rows: string }> {
  const rows = await dataSource.query<Array<{ schedules: string; rows: string }>>(
    `SELECT (SELECT json_agg(json_build_array(id, schedule) ORDER BY id)
               FROM campaigns WHERE id = ANY($1::uuid[]))::text AS schedules,
            json_build_object(
              'campaigns', (SELECT json_agg(json_build_array(id, status) ORDER BY id)
                              FROM campaigns WHERE id = ANY($1::uuid[])),
              'enrollments', (SELECT json_agg(json_build_array(id, status) ORDER BY id)
                                FROM enrollments WHERE id = ANY($2::uuid[])),
              'contacts', (SELECT json_agg(json_build_array(id, status) ORDER BY id)
                             FROM contacts WHERE id = ANY($3::uuid[])),
              'mailboxes', (SELECT json_agg(json_build_array(id, disabled_at) ORDER BY id)
                              FROM mailboxes WHERE id = ANY($4::uuid[])),
              'lists', (SELECT json_agg(uuid ORDER BY uuid) FROM lists WHERE uuid = ANY($5::uuid[])),
              'outreaches', (SELECT json_agg(id ORDER BY id) FROM outreaches WHERE id = ANY($6::uuid[])),
              'block_list', (SELECT json_agg(id ORDER BY id) FROM blocked_addresses WHERE id = ANY($7::uuid[]))
            )::text AS rows`,
    [ids.campaigns, ids.enrollments, ids.contacts, ids.mailboxes, ids.lists, ids.outreaches, ids.blockListEntries],
  );
  return rows[0]!;
}
