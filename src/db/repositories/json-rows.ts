import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity from a row read as JSON in SQL (`to_jsonb(alias)`: its columns by their database names), hydrated the way
 * TypeORM hydrates the rows of its own queries (dates, JSON, transformers). It lets one statement read several
 * entities — the send path's lock-and-load — where TypeORM would take one round trip per entity.
 */
export function entityFromJson<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const metadata = manager.connection.getMetadata(target);
  const { driver } = manager.connection;
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (!(column.databaseName in row)) continue;
    column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
  }
  return entity;
}

/** entityFromJson for each row of a JSON array (`jsonb_agg(alias)`). */
export function entitiesFromJson<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  rows: Record<string, unknown>[] | null,
): T[] {
  return (rows ?? []).map((row) => entityFromJson(manager, target, row));
}
