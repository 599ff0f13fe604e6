import type { RequestHandler } from 'express';
import { AppError } from '../domain/errors';

/** A UTF-16 surrogate without its other half: JSON can spell it (`"\ud800"`), UTF-8 cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, nor a lone surrogate in jsonb (text would silently turn it into
 * U+FFFD), and no legitimate field contains either: refuse the request with the offending field paths instead of
 * failing deep in a query.
 */
export const rejectUnstorableCharacters: RequestHandler = (req, _res, next) => {
  const problems: string[] = [];
  collect(req.body, problems);
  if (problems.length > 0) {
    throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
      errors: problems.slice(0, 20),
    });
  }
  next();
};

/** Why a string (a value or a key) cannot be stored, or null. */
function unstorable(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate (\\uD800-\\uDFFF without its pair)';
  return null;
}

/**
 * Walks the parsed body with a stack of its own, not recursion: JSON nested a million deep fits in the 5 MB limit
 * and would overflow the call stack.
 */
function collect(body: unknown, problems: string[]): void {
  const pending: Array<{ value: unknown; path: string }> = [{ value: body, path: '' }];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      const problem = unstorable(value);
      if (problem) problems.push(`${path || 'body'}: ${problem}`);
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index -= 1) {
        pending.push({ value: value[index], path: join(path, String(index)) });
      }
    } else if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [key, item] = entries[index]!;
        const problem = unstorable(key);
        if (problem) problems.push(`${join(path, key)} (the field name): ${problem}`);
        pending.push({ value: item, path: join(path, key) });
      }
    }
  }
}
