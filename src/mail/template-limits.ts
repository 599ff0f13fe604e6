import { AssertionError, LiquidError, type Context } from 'liquidjs';

/** The longest template (subject, HTML or text body) a campaign may save: far more than any real email needs. */
export const MAX_TEMPLATE_LENGTH = 100_000;

/**
 * What rendering one template may cost. `memory` is Liquid's count of the characters and array items a template
 * builds (ranges, `append`, `split`…), plus here every `{{ output }}`; `steps` counts the tags, outputs and text
 * blocks rendered, each loop round again. Both are deterministic, so a preview, the dispatch check and the send agree.
 * `ms` is a safety net in wall time, shared by the renders of one preview, test send or step.
 */
export const TEMPLATE_LIMITS = {
  /** Campaigns saved before MAX_TEMPLATE_LENGTH (up to 500 000 characters a template) still render. */
  parseLength: 500_000,
  /**
   * Tags and outputs a template may hold (each line of a `{% liquid %}` tag counts): Liquid's parse slows down
   * more than linearly beyond tens of thousands.
   */
  tags: 2_000,
  memory: 1_000_000,
  steps: 10_000,
  outputLength: 1_000_000,
  ms: 1_000,
} as const;

/**
 * What is wrong with a template whatever the contact: a tag that would read files (`forbidden_tag`), a syntax error
 * (`syntax`), more work than TEMPLATE_LIMITS allow (`limit`), or another failure while rendering (`render`).
 */
export type TemplateProblem = 'forbidden_tag' | 'syntax' | 'limit' | 'render';

/** A template that cannot be used as written: the message says what to change. */
export class TemplateError extends Error {
  constructor(
    readonly problem: TemplateProblem,
    message: string,
    /** For `limit`: which one. Only `time` depends on the machine's load; the others fail the same way every time. */
    readonly limit: string | null = null,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

const limitExceeded = (limit: string, detail: string) =>
  new TemplateError('limit', `the template exceeds the ${limit} limit (${detail})`, limit);
const LIMIT_ERRORS = {
  memory: () =>
    limitExceeded(
      'memory',
      `${TEMPLATE_LIMITS.memory} characters or items built by loops, ranges, filters and outputs`,
    ),
  steps: () =>
    limitExceeded('step', `${TEMPLATE_LIMITS.steps} tags, outputs and text blocks rendered, loop rounds included`),
  time: () => limitExceeded('time', `${TEMPLATE_LIMITS.ms} ms of rendering`),
  output: () => limitExceeded('output', `${TEMPLATE_LIMITS.outputLength} characters rendered`),
  length: () => limitExceeded('length', `${TEMPLATE_LIMITS.parseLength} characters`),
  tags: () =>
    limitExceeded('tag', `${TEMPLATE_LIMITS.tags} tags and outputs, each line of a {% liquid %} tag included`),
  nesting: () => limitExceeded('nesting', 'tags nested too deeply'),
};

/** Refuses a template too long, or with too many tags, for Liquid to parse in reasonable time. */
export function checkParseLimits(source: string): void {
  if (source.length > TEMPLATE_LIMITS.parseLength) throw LIMIT_ERRORS.length();
  if (tagCount(source) > TEMPLATE_LIMITS.tags) throw LIMIT_ERRORS.tags();
}

/** Refuses a rendered template over the output limit. */
export function checkOutputLimit(output: string): void {
  if (output.length > TEMPLATE_LIMITS.outputLength) throw LIMIT_ERRORS.output();
}

/** At least the number of tags and outputs Liquid would parse in `source`, counted in one pass. */
function tagCount(source: string): number {
  let count = 0;
  for (let open = source.indexOf('{'); open !== -1; open = source.indexOf('{', open + 1)) {
    const kind = source[open + 1];
    if (kind === '{') {
      count += 1;
      open += 1;
    } else if (kind === '%') {
      count += 1;
      // A tag ends at the first `%}`, quoted or not, as Liquid reads it.
      const close = source.indexOf('%}', open + 2);
      if (close === -1) break;
      const content = source.slice(open + 2, close);
      if (/^-?\s*liquid\s/.test(content)) count += content.split('\n').length - 1;
      open = close + 1;
    }
  }
  return count;
}

/**
 * The wall time the renders of one operation share (a preview, a test send, one step of a send): past it, every
 * render fails with a `limit` TemplateError, so a hostile campaign cannot hold the API or a worker for long.
 */
export class RenderBudget {
  private readonly deadline: number;

  constructor(ms: number = TEMPLATE_LIMITS.ms) {
    this.deadline = performance.now() + ms;
  }

  /** Throws the time limit's TemplateError once the deadline has passed. */
  checkTime(): void {
    if (performance.now() > this.deadline) throw LIMIT_ERRORS.time();
  }

  /** Liquid calls `check` before every node it renders: one template's step count, against the shared deadline. */
  meter(): Context['renderLimit'] {
    let steps = 0;
    const meter = {
      check: () => {
        steps += 1;
        if (steps > TEMPLATE_LIMITS.steps) throw LIMIT_ERRORS.steps();
        this.checkTime();
      },
      use() {},
    };
    // Liquid's own limiter class has private fields; `check` is all a render limit needs.
    return meter as unknown as Context['renderLimit'];
  }
}

/** Liquid wraps errors thrown inside tags and filters (in a RenderError or ParseError); dig the original out. */
export function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current: unknown = error; current; current = (current as { originalError?: unknown }).originalError) {
    if (current instanceof type) return current;
  }
  return undefined;
}

/** A failure of the template itself as a TemplateError (with `problem` for Liquid's own errors); else undefined. */
export function asTemplateError(error: unknown, problem: 'syntax' | 'render'): TemplateError | undefined {
  const ours = findCause(error, TemplateError);
  if (ours) return ours;
  const assertion = findCause(error, AssertionError);
  if (assertion?.message.startsWith('memory alloc limit')) return LIMIT_ERRORS.memory();
  if (assertion?.message.startsWith('parse length limit')) return LIMIT_ERRORS.length();
  if (assertion?.message.startsWith('template render limit')) return LIMIT_ERRORS.time();
  const range = findCause(error, RangeError);
  if (range?.message.startsWith('Invalid string length')) return LIMIT_ERRORS.output();
  if (range?.message.startsWith('Maximum call stack')) return LIMIT_ERRORS.nesting();
  if (!(error instanceof LiquidError)) return undefined;
  const verb = problem === 'syntax' ? 'parsed' : 'rendered';
  return new TemplateError(problem, `the template cannot be ${verb}: ${error.message}`);
}
