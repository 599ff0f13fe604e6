import type { ValueTransformer } from 'typeorm';

/**
 * Postgres returns `numeric` and `bigint` as strings to preserve precision; ours (money-free numerics, IMAP UIDs)
 * are small enough for a JS number.
 */
export const numeric: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
