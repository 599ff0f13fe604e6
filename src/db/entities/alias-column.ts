import { Column } from 'typeorm';
import { numeric } from './column-types';

/**
 * The row's integer alias (migration 1765600000000-smartlead-aliases): an identity column Postgres fills, never
 * written by TypeORM, named by the Smartlead-compatible API only (its campaign, lead, email-account… ids).
 */
export function AliasColumn(): PropertyDecorator {
  return Column({
    type: 'bigint',
    generated: 'identity',
    generatedIdentity: 'BY DEFAULT',
    insert: false,
    update: false,
    transformer: numeric,
  });
}
