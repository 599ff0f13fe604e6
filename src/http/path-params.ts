import { z } from 'zod';
import { AppError } from '../domain/errors';
import type { ErrorCode } from '../domain/errors';

const uuid = z.uuid();

/** A path id that is not a uuid cannot name anything: answer the resource's 404, not a validation error. */
export function pathUuid(value: unknown, code: Extract<ErrorCode, `${string}not_found`>, what: string): string {
  const parsed = uuid.safeParse(value);
  if (!parsed.success) throw new AppError(code, `${what} not found`);
  return parsed.data;
}

/** `?flag=true|false|1|0`, absent = `fallback`. */
export const booleanQuery = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1'));
