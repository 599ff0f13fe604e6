import type { RequestHandler } from 'express';
import { AppError } from '../domain/errors';

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, and no legitimate field contains it: refuse the request with the
 * offending field paths instead of failing deep in a query.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  const paths: string[] = [];
  collect(req.body, '', paths);
  if (paths.length > 0) {
    throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
      errors: paths.slice(0, 20).map((path) => `${path || 'body'}: must not contain the NUL character (\\u0000)`),
    });
  }
  next();
};

function collect(value: unknown, path: string, paths: string[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) paths.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, path ? `${path}.${index}` : String(index), paths));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) paths.push(path ? `${path}.${key}` : key);
      collect(item, path ? `${path}.${key}` : key, paths);
    }
  }
}
