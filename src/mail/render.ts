import { Context, Drop, Liquid, toValueSync } from 'liquidjs';
import type { Template } from 'liquidjs';
import { escapeHtml } from './html-links';
import {
  asTemplateError,
  checkOutputLimit,
  checkParseLimits,
  findCause,
  RenderBudget,
  TEMPLATE_LIMITS,
  TemplateError,
} from './template-limits';

export {
  MAX_TEMPLATE_LENGTH,
  RenderBudget,
  TEMPLATE_LIMITS,
  TemplateError,
  type TemplateProblem,
} from './template-limits';

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

/** Tags that load other templates, which Liquid reads from files: a template here is all there is. */
const FILE_TAGS = ['include', 'render', 'layout'] as const;

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

/** What Liquid passes as `this` to filters and to the output escape. */
type FilterThis = { context: Context };

function createEngine(escape: (text: string) => string): Liquid {
  const engine = new Liquid({
    // No file system at all: `templates` replaces it with an empty in-memory one, and the tags that load files
    // refuse to parse (below), so no path, absolute or with `..`, reaches the disk.
    templates: {},
    relativeReference: false,
    parseLimit: TEMPLATE_LIMITS.parseLength,
    memoryLimit: TEMPLATE_LIMITS.memory,
    // For Liquid's own render calls; renderTemplate passes a RenderBudget's meter instead.
    renderLimit: TEMPLATE_LIMITS.ms,
    // Runs on every {{ output }} after its filters: a Missing still here had no fallback.
    outputEscape(this: FilterThis, value: unknown) {
      if (value instanceof Missing) throw new MissingMergeFieldError(value.field);
      const text = stringify(value);
      // Counted before escaping: a string doubled by a capture loop must not be copied first.
      this.context.memoryLimit.use(text.length);
      return escape(text);
    },
  });
  for (const name of FILE_TAGS) {
    engine.registerTag(name, {
      parse() {
        throw new TemplateError('forbidden_tag', `the {% ${name} %} tag is not allowed: templates cannot read files`);
      },
      render: () => '',
    });
  }
  // Any other filter fed a Missing (e.g. `{{ company | upcase }}`) would quietly print nothing: refuse instead.
  for (const [name, filter] of Object.entries(engine.filters)) {
    if (name === 'default') continue;
    // A filter is a function, or { handler, raw } for the ones (like `raw`) that opt out of output escaping.
    const options = typeof filter === 'function' ? { handler: filter, raw: false } : filter;
    const handler = options.handler as (this: FilterThis, ...args: unknown[]) => unknown;
    const raw = options.raw ?? false;
    engine.registerFilter(name, {
      raw,
      handler(this: FilterThis, value: unknown, ...args: unknown[]) {
        const missing = [value, ...args].find((arg): arg is Missing => arg instanceof Missing);
        if (missing) throw new MissingMergeFieldError(missing.field);
        const result = handler.call(this, value, ...args);
        // A raw output skips the output escape, where outputs are counted.
        if (raw && typeof result === 'string') this.context.memoryLimit.use(result.length);
        return result;
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

/** A parsed template, and the fields it uses once someone asked (see unsafeFieldUsed). */
interface Parsed {
  templates: Template[];
  fieldsUsed?: string[];
}

/** Parsed templates by mode and source; bounded by their characters, since a template may be 500 000 long. */
const cache = new Map<string, Parsed>();
const CACHE_CHARACTERS = 20_000_000;
let cachedCharacters = 0;

function parsed(mode: 'text' | 'html', source: string): Parsed {
  const key = `${mode}\0${source}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const entry = { templates: parse(engines[mode], source) };
  if (cachedCharacters + source.length > CACHE_CHARACTERS) {
    cache.clear();
    cachedCharacters = 0;
  }
  cache.set(key, entry);
  cachedCharacters += source.length;
  return entry;
}

/** Liquid's parse, its failures as TemplateErrors. */
function parse(engine: Liquid, source: string): Template[] {
  checkParseLimits(source);
  try {
    return engine.parse(source);
  } catch (error) {
    throw asTemplateError(error, 'syntax') ?? error;
  }
}

/**
 * Why `source` cannot be saved as a template (a tag that reads files, a syntax error, too long to parse), or null.
 * Parsed as rendering parses it; what depends on the contact's data (merge fields, limits) is known only then.
 */
export function templateProblem(source: string): TemplateError | null {
  try {
    parse(engines.html, source);
    return null;
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
}

/**
 * Renders a Liquid template (`{{first_name}}`, `{{company | default: "your team"}}`) with a contact's fields.
 * In `html` mode merge values are HTML-escaped. A field that is absent or blank and has no `default`
 * throws MissingMergeFieldError: an email never goes out as "Hi ,". A used field holding CR, LF or NUL throws
 * UnsafeMergeValueError. A template that reads files, does not parse or exceeds TEMPLATE_LIMITS (within `budget`'s
 * time) throws TemplateError. `globals` are names the template may read besides the fields (the sender's), over them.
 */
export function renderTemplate(
  source: string,
  fields: Record<string, string>,
  mode: 'text' | 'html',
  budget: RenderBudget = new RenderBudget(),
  globals: Record<string, object> = {},
): string {
  const engine = engines[mode];
  budget.checkTime();
  const template = parsed(mode, source);
  const unsafe = unsafeFieldUsed(engine, template, fields);
  if (unsafe !== undefined) throw new UnsafeMergeValueError(unsafe);
  // renderSync, with the fields as the global scope and our meter as the render limit.
  const context = new Context(
    // Without a prototype, so `constructor` or `toString` is looked up as a field like any other name.
    Object.create(null) as object,
    engine.options,
    { sync: true, globals: fieldScope(fields, globals) },
    { renderLimit: budget.meter(), liquid: engine },
  );
  let output: string;
  try {
    output = toValueSync(engine.renderer.renderTemplates(template.templates, context)) as string;
  } catch (error) {
    throw (
      findCause(error, MissingMergeFieldError) ??
      findCause(error, UnsafeMergeValueError) ??
      asTemplateError(error, 'render') ??
      error
    );
  }
  // A string's length is known without building it: a loop of large text blocks is refused before anything copies it.
  checkOutputLimit(output);
  return output;
}

/**
 * The first field the template refers to, run or not, whose value holds CR, LF or NUL: such a contact is refused
 * before anything renders (and before a missing field is reported). Liquid's analysis of the fields a template uses
 * costs its length times their number, so it runs only for such contacts, once a template.
 */
function unsafeFieldUsed(engine: Liquid, template: Parsed, fields: Record<string, string>): string | undefined {
  if (!Object.values(fields).some((value) => UNSAFE_CHARACTERS.test(value))) return undefined;
  template.fieldsUsed ??= Object.keys(engine.analyzeSync(template.templates).globals);
  return template.fieldsUsed.find((name) => Object.hasOwn(fields, name) && UNSAFE_CHARACTERS.test(fields[name]!));
}

/**
 * The contact's fields as Liquid's global scope, read when the template reads them (Liquid's static analysis of the
 * variables a template uses costs its length times their number). An absent or blank field is a Missing; one
 * holding CR, LF or NUL throws UnsafeMergeValueError (also when read by a dynamic name, `{{ [name] }}`).
 */
function fieldScope(fields: Record<string, string>, globals: Record<string, object>): object {
  const field = (name: string | symbol): unknown => {
    // Liquid asks every scope whether it converts itself (`toLiquid`): no field answers that.
    if (typeof name !== 'string' || name === 'toLiquid') return undefined;
    if (Object.hasOwn(globals, name)) return globals[name];
    const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (value !== undefined && UNSAFE_CHARACTERS.test(value)) throw new UnsafeMergeValueError(name);
    return value === undefined || value.trim() === '' ? new Missing(name) : value;
  };
  return new Proxy(Object.create(null) as object, {
    get: (_target, name) => field(name),
    // Liquid reads only own properties: every name is one.
    getOwnPropertyDescriptor: (_target, name) =>
      typeof name === 'string'
        ? { value: field(name), configurable: true, enumerable: true, writable: false }
        : undefined,
  });
}
