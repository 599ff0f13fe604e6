import type { ValueTransformer } from 'typeorm';

/** Postgres returns `numeric` as a string to preserve precision; our numerics are small enough for a JS number. */
export const numeric: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
