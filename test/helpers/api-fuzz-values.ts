import fc from 'fast-check';
import { EXAMPLE_IDS } from '../../src/http/openapi/params';
import type { IdKind } from './api-fuzz-fixtures';

/**
 * A fixture's id inside a generated value, resolved when the request is sent: the fuzz organizations are replaced
 * as the run goes, while the generated values must stay the same for a seed.
 */
export class IdRef {
  constructor(
    readonly owner: 'own' | 'foreign',
    readonly kind: IdKind,
    readonly index: number,
  ) {}

  toString(): string {
    return `<${this.owner} ${this.kind} #${this.index}>`;
  }
}

/** A JSON token written as is: numbers JSON can spell but JavaScript cannot hold (1e309, 1.0e-400). */
export class RawJson {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/** The subset of JSON Schema the document's request schemas use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
}

/** Sets an own, enumerable property, even `__proto__` (plain assignment would change the prototype instead). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Characters that break naive code: NUL, controls, lone surrogates, BOM, bidi override, line separators. */
const nastyCharacter = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u202e',
  '\ufeff',
  '\uffff',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '"',
  '\\',
  '%',
  '\u00e9',
  '\u{1f600}',
);

/** Strings that are wrong in an interesting way; big ones stay ≤ 100 kB (the huge cases are a fixed few). */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '   padded   ',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    'null',
    'true',
    '[]',
    '{}',
    '__proto__',
    'constructor',
    'prototype',
    '{{',
    '{% if %}',
    '%00',
    '%E0%A4%A',
    '../../etc/passwd',
    "'; DROP TABLE contacts; --",
    '<script>alert(1)</script>',
    'a@b',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  ),
  fc.string({ unit: nastyCharacter, minLength: 1, maxLength: 6 }),
  fc.tuple(fc.string({ maxLength: 8 }), nastyCharacter, fc.string({ maxLength: 8 })).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 1, max: 10 }).map((tens) => 'x'.repeat(tens * 10_000)),
);

/** Numbers at the edges: -0, huge, tiny, past 2^53, and JSON spellings JavaScript cannot hold. */
export const nastyNumber: fc.Arbitrary<number | RawJson> = fc.oneof(
  fc.constantFrom(-0, 0, -1, 0.5, 1.5, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e21),
  fc
    .constantFrom('1e309', '-1e309', '1e-400', '1.0', '1E2', '-0.0', '100000000000000000000000000001')
    .map((text) => new RawJson(text)),
  fc.double(),
);

/** An object with a prototype key of its own, as JSON.parse makes it from `{"__proto__": …}`. */
export const prototypeObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom<unknown>({ admin: true }, 'x', null, [], { toString: 1 }))
  .map(([key, value]) => {
    const target: Record<string, unknown> = {};
    setOwn(target, key, value);
    return target;
  });

/** A value of another type than the schema wants, or of the right type but wrong (a fresh copy each time). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.oneof(fc.integer(), nastyString), { maxLength: 3 }),
  prototypeObject,
);

/** The document examples' ids, mapped to the fixtures of the same kind. */
const EXAMPLE_KINDS: Record<string, [IdKind, number]> = {
  [EXAMPLE_IDS.campaign]: ['campaign', 0],
  [EXAMPLE_IDS.secondCampaign]: ['campaign', 1],
  [EXAMPLE_IDS.enrollment]: ['enrollment', 0],
  [EXAMPLE_IDS.secondEnrollment]: ['enrollment', 1],
  [EXAMPLE_IDS.list]: ['list', 0],
  [EXAMPLE_IDS.contact]: ['contact', 0],
  [EXAMPLE_IDS.mailbox]: ['mailbox', 0],
  [EXAMPLE_IDS.outreach]: ['outreach', 0],
  [EXAMPLE_IDS.blockListEntry]: ['blockListEntry', 0],
};

/** A documented example with its ids replaced by the fuzz organization's. */
export function exampleWithFixtures(example: unknown): unknown {
  if (typeof example === 'string' && EXAMPLE_KINDS[example]) return new IdRef('own', ...EXAMPLE_KINDS[example]);
  if (Array.isArray(example)) return example.map(exampleWithFixtures);
  if (example && typeof example === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(example)) setOwn(copy, key, exampleWithFixtures(value));
    return copy;
  }
  return example;
}

/** Which fixture a uuid field names, by its name. */
function idKindOf(field: string | undefined): IdKind | undefined {
  if (!field) return undefined;
  if (/^campaign_id$/.test(field)) return 'campaign';
  if (/^enrollment_id$/.test(field)) return 'enrollment';
  if (/^contact_id$/.test(field)) return 'contact';
  if (/^(list_uuids?|contact_import_id)$/.test(field)) return 'list';
  if (/^outreach_id$/.test(field)) return 'outreach';
  return undefined;
}

const ID_KINDS: IdKind[] = ['campaign', 'enrollment', 'list', 'contact', 'mailbox', 'outreach', 'blockListEntry'];

/** A uuid: mostly the fuzz organization's (of the kind the field names), else another organization's or random. */
export function idFor(field: string | undefined): fc.Arbitrary<IdRef | string> {
  const known = idKindOf(field);
  const kind = known ? fc.constant(known) : fc.constantFrom(...ID_KINDS);
  return fc.oneof(
    { weight: 4, arbitrary: fc.tuple(kind, fc.nat(2)).map(([k, index]) => new IdRef('own', k, index)) },
    { weight: 1, arbitrary: fc.tuple(kind, fc.nat(2)).map(([k, index]) => new IdRef('foreign', k, index)) },
    { weight: 1, arbitrary: fc.uuid() },
  );
}

const PATTERN_CANDIDATES = ['example.test', 's1', 'mail2026', 'first_name', 'plan', 'a'];

/** A value that fits `schema` (or nearly: strings may be padded, emails invented), of a size a test can afford. */
export function validish(schema: JsonSchema, field?: string): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((alternative) => validish(alternative, field)));
  if (Array.isArray(schema.type)) {
    return fc.oneof(...schema.type.map((type) => validish({ ...schema, type }, field)));
  }
  switch (schema.type) {
    case 'object':
      return objectOf(schema);
    case 'array':
      return fc.array(validish(schema.items ?? {}, field), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, (schema.minItems ?? 0) + 3),
      });
    case 'string':
      return stringOf(schema, field);
    case 'integer':
      return fc.oneof(
        fc.integer({ min: Math.max(schema.minimum ?? -1000, -1e6), max: Math.min(schema.maximum ?? 1000, 1e6) }),
        fc.constantFrom(schema.minimum ?? 0, schema.maximum ?? 0),
      );
    case 'number':
      return fc.double({
        min: Math.max(schema.minimum ?? -1000, -1e6),
        max: Math.min(schema.maximum ?? 1000, 1e6),
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case undefined:
    default:
      return schema.default !== undefined ? fc.constant(schema.default) : fc.jsonValue({ maxDepth: 2 });
  }
}

function objectOf(schema: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([name, property]) =>
    required.has(name)
      ? validish(property, name).map((value) => [[name, value]] as Array<[string, unknown]>)
      : fc
          .option(validish(property, name), { freq: 2 })
          .map((value) => (value === null ? [] : ([[name, value]] as Array<[string, unknown]>))),
  );
  const extra =
    typeof schema.additionalProperties === 'object'
      ? fc.array(fc.tuple(keyOf(schema.propertyNames), validish(schema.additionalProperties)), { maxLength: 3 })
      : fc.constant([] as Array<[string, unknown]>);
  return fc.tuple(fc.tuple(...fields), extra).map(([known, more]) => {
    const target: Record<string, unknown> = {};
    for (const [name, value] of [...known.flat(), ...more]) setOwn(target, name, value);
    return target;
  });
}

/** Keys a record accepts, prototype keys included when its pattern allows them. */
function keyOf(names: JsonSchema | undefined): fc.Arbitrary<string> {
  const pattern = names?.pattern ? new RegExp(names.pattern) : undefined;
  const candidates = ['plan', 'first_name', 'x_1', ...PROTOTYPE_KEYS, 'toString', 'hasOwnProperty', 'valueOf'];
  return fc.constantFrom(...candidates.filter((key) => !pattern || pattern.test(key)));
}

function stringOf(schema: JsonSchema, field: string | undefined): fc.Arbitrary<unknown> {
  if (schema.format === 'uuid') return idFor(field);
  if (schema.format === 'email' || /email/.test(field ?? '')) {
    return fc.oneof(
      fc.nat(999).map((n) => `fuzz-${n}@example.test`),
      fc.nat(2).map((index) => new IdRef('own', 'email', index)),
    );
  }
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
  if (field === 'timezone') return fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kathmandu');
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    return fc.constantFrom(...PATTERN_CANDIDATES.filter((candidate) => pattern.test(candidate)), 'a');
  }
  const minLength = schema.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.min(schema.maxLength ?? 40, minLength + 40) });
}

/** One change to a generated value: drop a field, put a wrong value somewhere, add a prototype key, wrap a value. */
export interface Mutation {
  at: number;
  kind: 'drop' | 'replace' | 'prototype-key' | 'wrap';
  value: unknown;
  key: string;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('drop', 'replace', 'replace', 'prototype-key', 'wrap'),
  value: wrongValue,
  key: fc.constantFrom(...PROTOTYPE_KEYS, 'unknown_field', ''),
});

/** `value` with the mutations applied, each at a slot (an object field or array item) picked by `at`. */
export function mutate(value: unknown, mutations: Mutation[]): unknown {
  let root = structuredCopy(value);
  for (const change of mutations) {
    const slots = slotsOf(root);
    if (slots.length === 0) {
      root = change.kind === 'wrap' ? [root] : structuredCopy(change.value);
      continue;
    }
    const { container, key } = slots[change.at % slots.length]!;
    const current = (container as Record<string, unknown>)[key];
    switch (change.kind) {
      case 'drop':
        if (Array.isArray(container)) container.splice(Number(key), 1);
        else delete (container as Record<string, unknown>)[key];
        break;
      case 'replace':
        setOwn(container as Record<string, unknown>, key, structuredCopy(change.value));
        break;
      case 'wrap':
        setOwn(container as Record<string, unknown>, key, [current]);
        break;
      case 'prototype-key': {
        const target = current && typeof current === 'object' && !Array.isArray(current) ? current : container;
        if (!Array.isArray(target)) setOwn(target as Record<string, unknown>, change.key, structuredCopy(change.value));
        break;
      }
    }
  }
  return root;
}

function slotsOf(value: unknown, slots: Array<{ container: object; key: string }> = []) {
  if (value && typeof value === 'object' && !(value instanceof IdRef) && !(value instanceof RawJson)) {
    for (const key of Object.keys(value)) {
      slots.push({ container: value, key });
      slotsOf((value as Record<string, unknown>)[key], slots);
    }
  }
  return slots;
}

/** A deep copy keeping own `__proto__` keys and the IdRef/RawJson markers. */
function structuredCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structuredCopy);
  if (value && typeof value === 'object' && !(value instanceof IdRef) && !(value instanceof RawJson)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(copy, key, structuredCopy(item));
    return copy;
  }
  return value;
}

/**
 * Mail must only ever go to the stack's own servers: every host a generated body could make the service contact
 * becomes 127.0.0.1, unless it is something no resolver would look up (empty, over 253 characters, not a string).
 */
export function loopbackHosts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(loopbackHosts);
  if (value && typeof value === 'object' && !(value instanceof IdRef) && !(value instanceof RawJson)) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolvable = typeof item === 'string' && item.trim() !== '' && item.length <= 253;
      setOwn(copy, key, /host$/i.test(key) && resolvable ? '127.0.0.1' : loopbackHosts(item));
    }
    return copy;
  }
  return value;
}

/** JSON text of a generated value: ids resolved, RawJson written as is, -0 kept, own `__proto__` keys kept. */
export function toJson(value: unknown, resolve: (ref: IdRef) => string): string {
  if (value instanceof IdRef) return JSON.stringify(resolve(value));
  if (value instanceof RawJson) return value.text;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : (JSON.stringify(value) ?? 'null');
  if (Array.isArray(value)) return `[${value.map((item) => toJson(item ?? null, resolve)).join(',')}]`;
  if (value && typeof value === 'object') {
    const fields = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJson(item, resolve)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
