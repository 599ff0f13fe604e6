import { Raw, type FindOperator } from 'typeorm';

/**
 * `column = ANY(:ids::uuid[])` for `find` options: the ids travel as one array parameter. TypeORM's `In()` binds one
 * parameter per id, and Postgres refuses a statement with more than 65,535 of them.
 */
export function anyUuid(ids: string[]): FindOperator<string> {
  return Raw((column) => `${column} = ANY(:anyUuidIds::uuid[])`, { anyUuidIds: ids }) as FindOperator<string>;
}
