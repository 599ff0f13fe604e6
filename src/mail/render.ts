import { Drop, Liquid } from 'liquidjs';
import type { Template } from 'liquidjs';
import { escapeHtml } from './html-links';

/** A merge field a template uses that the contact does not have (or has blank), with no `default` fallback. */
export class MissingMergeFieldError extends Error {
  constructor(readonly field: string) {
    super(`missing merge field "${field}"`);
    this.name = 'MissingMergeFieldError';
  }
}

/**
 * A merge value with a line break or NUL. Refused wherever it would go: in a subject it could start a header of its
 * own, and no contact field legitimately needs one in an email.
 */
export class UnsafeMergeValueError extends Error {
  constructor(readonly field: string) {
    super(`merge field "${field}" contains a line break or NUL character`);
    this.name = 'UnsafeMergeValueError';
  }
}

const UNSAFE_CHARACTERS = /[\r\n\0]/;

/** Stands in for an absent or blank field, so only an explicit `default` filter can turn it into text. */
class Missing extends Drop {
  constructor(readonly field: string) {
    super();
  }
  override valueOf(): null {
    return null;
  }
  /** `{{ company.name }}` on a missing `company` is missing too, not an empty string. */
  override liquidMethodMissing(key: string): never {
    throw new MissingMergeFieldError(`${this.field}.${key}`);
  }
}

function createEngine(escape: (text: string) => string): Liquid {
  const engine = new Liquid({
    // Runs on every {{ output }} after its filters: a Missing still here had no fallback.
    outputEscape: (value: unknown) => {
      if (value instanceof Missing) throw new MissingMergeFieldError(value.field);
      return escape(stringify(value));
    },
  });
  // Any other filter fed a Missing (e.g. `{{ company | upcase }}`) would quietly print nothing: refuse instead.
  for (const [name, filter] of Object.entries(engine.filters)) {
    if (name === 'default') continue;
    // A filter is a function, or { handler, raw } for the ones (like `raw`) that opt out of output escaping.
    const options = typeof filter === 'function' ? { handler: filter, raw: false } : filter;
    const handler = options.handler as (this: unknown, ...args: unknown[]) => unknown;
    engine.registerFilter(name, {
      raw: options.raw ?? false,
      handler(this: unknown, value: unknown, ...args: unknown[]) {
        const missing = [value, ...args].find((arg): arg is Missing => arg instanceof Missing);
        if (missing) throw new MissingMergeFieldError(missing.field);
        return handler.call(this, value, ...args);
      },
    });
  }
  engine.registerFilter('default', (value: unknown, fallback: unknown) =>
    value instanceof Missing || value === null || value === undefined || value === '' ? fallback : value,
  );
  return engine;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return value === null || value === undefined ? '' : (JSON.stringify(value) ?? '');
}

const engines = { text: createEngine((text) => text), html: createEngine(escapeHtml) };
const cache = new Map<string, Template[]>();

/**
 * Renders a Liquid template (`{{first_name}}`, `{{company | default: "your team"}}`) with a contact's fields.
 * In `html` mode merge values are HTML-escaped. A field that is absent or blank and has no `default`
 * throws MissingMergeFieldError: an email never goes out as "Hi ,". A used field holding CR, LF or NUL throws
 * UnsafeMergeValueError.
 */
export function renderTemplate(source: string, fields: Record<string, string>, mode: 'text' | 'html'): string {
  const engine = engines[mode];
  const key = `${mode}\0${source}`;
  let templates = cache.get(key);
  if (!templates) {
    templates = engine.parse(source);
    if (cache.size > 1000) cache.clear();
    cache.set(key, templates);
  }
  const scope: Record<string, unknown> = {};
  for (const name of Object.keys(engine.analyzeSync(templates).globals)) {
    const value = fields[name];
    if (value !== undefined && UNSAFE_CHARACTERS.test(value)) throw new UnsafeMergeValueError(name);
    scope[name] = value === undefined || value.trim() === '' ? new Missing(name) : value;
  }
  try {
    return engine.renderSync(templates, scope) as string;
  } catch (error) {
    const cause = findMissing(error);
    throw cause ?? error;
  }
}

/** Liquid wraps errors thrown inside filters in a RenderError; dig the original out. */
function findMissing(error: unknown): MissingMergeFieldError | undefined {
  for (let current: unknown = error; current; current = (current as { originalError?: unknown }).originalError) {
    if (current instanceof MissingMergeFieldError) return current;
  }
  return undefined;
}
