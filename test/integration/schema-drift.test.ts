import { connectTestStack, type TestStack } from '../helpers/test-stack';

/**
 * Statements that mean an entity and the migrated schema disagree on what exists: a table or column to create,
 * drop or retype. TypeORM's own names for constraints and indexes, and equivalent defaults spelled differently,
 * are not drift: the migrations name those explicitly.
 */
const STRUCTURAL =
  /^(CREATE TABLE|DROP TABLE|ALTER TABLE "\w+" (ADD|DROP COLUMN) "|ALTER TABLE "\w+" ALTER COLUMN "\w+" TYPE)/;

describe('entities and migrations', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  it('when the migrations have run, then every entity table and column exists with its declared type', async () => {
    // `synchronize` is off: this catches an entity edit that came without its migration.
    const pending = await stack.db.dataSource.driver.createSchemaBuilder().log();
    const structural = pending.upQueries.map((query) => query.query).filter((query) => STRUCTURAL.test(query));
    expect(structural).toEqual([]);
  });
});
