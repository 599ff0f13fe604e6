import fc from 'fast-check';
import type { oas31 } from 'zod-openapi';
import type { FuzzOrganization, IdKind } from './api-fuzz-fixtures';
import {
  authArbitrary,
  authHeaders,
  encode,
  headersArbitrary,
  type AuthPlan,
  type HeaderPlan,
} from './api-fuzz-headers';
import type { Operation, WireRequest } from './api-fuzz-client';
import {
  IdRef,
  exampleWithFixtures,
  loopbackHosts,
  mutate,
  mutation,
  nastyString,
  toJson,
  validish,
  wrongValue,
  type JsonSchema,
} from './api-fuzz-values';

/** What a property varies; everything else in its requests is ordinary. */
export type Category = 'body' | 'query' | 'path' | 'headers' | 'auth';

/** A path parameter: a fixture's id (possibly altered) or text put on the request line verbatim. */
export type PathValue =
  { ref: IdRef; alter?: 'upper' | 'percent-encoded' | 'suffix-%00' | 'suffix-%20' } | { raw: string };
/** One `key=value` of the query string; `raw` pieces go on the request line as they are. */
export type QueryPiece = { key: string; value: string | IdRef } | { raw: string };
export type BodyPlan = { kind: 'json' | 'form'; value: unknown } | { kind: 'text'; text: string };
export interface RequestPlan {
  path: Record<string, PathValue>;
  query: QueryPiece[];
  body?: BodyPlan;
  headers: HeaderPlan;
  auth: AuthPlan;
}

/** Which fixture a path parameter names, by the segment before it (`/lists/{uuid}` → a list). */
const KIND_BY_SEGMENT: Record<string, IdKind> = {
  campaigns: 'campaign',
  enrollments: 'enrollment',
  smtp_credentials: 'mailbox',
  mailboxes: 'mailbox',
  lists: 'list',
  contacts: 'contact',
  outreaches: 'outreach',
  block_list: 'blockListEntry',
  messages: 'stepPosition',
  steps: 'stepPosition',
  u: 'unsubscribeToken',
  o: 'openToken',
  c: 'clickToken',
  // The fixtures make no webhook endpoint: their ids are other kinds', so every such path is a documented 404.
  webhooks: 'campaign',
  deliveries: 'enrollment',
};

/** The path parameters of a template with the fixture kind each names; an unknown one fails the suite loudly. */
export function pathParameters(template: string): Array<{ name: string; kind: IdKind }> {
  const segments = template.split('/');
  return segments.flatMap((segment, index) => {
    const name = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!name) return [];
    const kind = KIND_BY_SEGMENT[segments[index - 1] ?? ''];
    if (!kind) throw new Error(`No fuzz fixture for {${name}} in ${template}: add one to KIND_BY_SEGMENT.`);
    return [{ name, kind }];
  });
}

function requestSchema(operation: Operation): { type: 'json' | 'form'; schema: JsonSchema; example: unknown } | null {
  const content = (operation.spec.requestBody as oas31.RequestBodyObject | undefined)?.content;
  const json = content?.['application/json'];
  const form = content?.['application/x-www-form-urlencoded'];
  const media = json ?? form;
  if (!media) return null;
  return { type: json ? 'json' : 'form', schema: (media.schema ?? {}) as JsonSchema, example: media.example };
}

function queryParameters(operation: Operation): Array<{ name: string; schema: JsonSchema }> {
  return ((operation.spec.parameters ?? []) as oas31.ParameterObject[])
    .filter((parameter) => parameter.in === 'query')
    .map((parameter) => ({ name: parameter.name, schema: (parameter.schema ?? {}) as JsonSchema }));
}

/** An ordinary request: the fixtures' first ids, the documented example body, the key of the fuzz organization. */
export function ordinaryPlan(operation: Operation): RequestPlan {
  const path = Object.fromEntries(
    pathParameters(operation.template).map(({ name, kind }) => [name, { ref: new IdRef('own', kind, 0) }]),
  );
  const body = requestSchema(operation);
  return {
    path,
    query: [],
    body: body ? { kind: body.type, value: loopbackHosts(exampleWithFixtures(body.example ?? {})) } : undefined,
    headers: { contentType: { default: true }, extra: [] },
    auth: { kind: 'own' },
  };
}

/** The generated requests of one category for one operation. */
export function planArbitrary(operation: Operation, category: Category): fc.Arbitrary<RequestPlan> {
  const ordinary = ordinaryPlan(operation);
  switch (category) {
    case 'body':
      return bodyArbitrary(operation).map((body) => ({ ...ordinary, body }));
    case 'query':
      return queryArbitrary(operation).map((query) => ({ ...ordinary, query }));
    case 'path':
      return pathArbitrary(operation).map((path) => ({ ...ordinary, path }));
    case 'headers':
      return fc
        .tuple(headersArbitrary, fc.option(bodyArbitrary(operation), { freq: 3 }))
        .map(([headers, body]) => ({ ...ordinary, headers, body: body ?? ordinary.body }));
    case 'auth':
      return authArbitrary.map((auth) => ({ ...ordinary, auth }));
  }
}

const INVALID_JSON = [
  '',
  ' ',
  '{',
  '{"a":',
  '{"a":1,}',
  "{'a':1}",
  'NaN',
  '"text"',
  '12',
  'null',
  'true',
  '[]',
  '\ufeff{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"\\u0000":1}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1}{"b":2}',
  '{"a":1e309}',
  '\u0000',
];

function bodyArbitrary(operation: Operation): fc.Arbitrary<BodyPlan> {
  const request = requestSchema(operation);
  const type = request?.type ?? 'json';
  const schema = request?.schema ?? { type: 'object' };
  const example = exampleWithFixtures(request?.example ?? {});
  const plan = (value: unknown): BodyPlan => ({ kind: type, value: loopbackHosts(value) });
  return fc.oneof(
    { weight: 2, arbitrary: validish(schema).map(plan) },
    {
      weight: 5,
      arbitrary: fc
        .tuple(validish(schema), fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([value, changes]) => plan(mutate(value, changes))),
    },
    { weight: 2, arbitrary: fc.array(mutation, { maxLength: 3 }).map((changes) => plan(mutate(example, changes))) },
    { weight: 1, arbitrary: wrongValue.map(plan) },
    { weight: 1, arbitrary: fc.constantFrom(...INVALID_JSON).map((text): BodyPlan => ({ kind: 'text', text })) },
  );
}

const NASTY_PATH_SEGMENTS = [
  '%E0%A4%A',
  '%',
  '%zz',
  'a%',
  '%00',
  '%C0%80',
  '%ED%A0%80',
  '%FF',
  '%u0041',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  '%2F..%2F..',
  '%5C',
  '1',
  '-1',
  '0',
  '1e309',
  'NaN',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '%7B%7D',
  '00000000-0000-0000-0000-000000000000',
];

function pathArbitrary(operation: Operation): fc.Arbitrary<Record<string, PathValue>> {
  const parameters = pathParameters(operation.template);
  const valueFor = (kind: IdKind): fc.Arbitrary<PathValue> =>
    fc.oneof(
      { weight: 2, arbitrary: fc.nat(2).map((index) => ({ ref: new IdRef('own', kind, index) })) },
      { weight: 2, arbitrary: fc.nat(2).map((index) => ({ ref: new IdRef('foreign', kind, index) })) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('upper', 'percent-encoded', 'suffix-%00', 'suffix-%20')
          .map((alter) => ({ ref: new IdRef('own', kind, 0), alter })),
      },
      { weight: 1, arbitrary: fc.uuid().map((raw) => ({ raw })) },
      { weight: 4, arbitrary: fc.constantFrom(...NASTY_PATH_SEGMENTS).map((raw) => ({ raw })) },
      {
        weight: 2,
        arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((text) => ({
          raw: encodeURIComponent(text),
        })),
      },
      // Long, yet with the request line and headers under Node's 16 kB header limit.
      { weight: 1, arbitrary: fc.integer({ min: 300, max: 8000 }).map((length) => ({ raw: 'a'.repeat(length) })) },
    );
  return fc.record(Object.fromEntries(parameters.map(({ name, kind }) => [name, valueFor(kind)])));
}

const NASTY_QUERY_PIECES = [
  '%E0%A4%A=1',
  'page=%E0%A4%A',
  'a=%',
  'a=%00',
  '%00=a',
  '__proto__=1',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  'hasOwnProperty=1',
  '&&&',
  '=',
  '=x',
  'a==b',
  'a[]=1&a[]=2',
  'a[b][c]=1',
];

function queryArbitrary(operation: Operation): fc.Arbitrary<QueryPiece[]> {
  const parameters = queryParameters(operation);
  const valueOf = (name: string, schema: JsonSchema): fc.Arbitrary<string | IdRef> =>
    fc.oneof(
      validish(schema, name).map((value) => (value instanceof IdRef ? value : String(value))),
      nastyString.filter((text) => text.length < 8000),
      fc.constantFrom('1e400', '-0', '0x10', ' 1', '1.5', '9007199254740993', '1e20', '99999999999999999999', ''),
    );
  const documented = parameters.map(({ name, schema }) =>
    fc.oneof(
      { weight: 3, arbitrary: valueOf(name, schema).map((value): QueryPiece[] => [{ key: name, value }]) },
      {
        weight: 1,
        arbitrary: fc.tuple(valueOf(name, schema), valueOf(name, schema)).map(([first, second]): QueryPiece[] => [
          { key: name, value: first },
          { key: name, value: second },
        ]),
      },
      { weight: 1, arbitrary: valueOf(name, schema).map((value): QueryPiece[] => [{ key: `${name}[]`, value }]) },
      { weight: 1, arbitrary: fc.constant<QueryPiece[]>([]) },
    ),
  );
  const extra = fc.oneof(
    fc.constantFrom(...NASTY_QUERY_PIECES).map((raw): QueryPiece => ({ raw })),
    fc.integer({ min: 1000, max: 8000 }).map((length): QueryPiece => ({ key: 'q', value: 'x'.repeat(length) })),
    fc
      .tuple(fc.constantFrom(...parameters.map(({ name }) => name), 'q'), fc.constantFrom(...NASTY_QUERY_PIECES))
      .map(([name, piece]): QueryPiece => ({ raw: `${name}=${piece.split('=')[1] ?? ''}` })),
  );
  return fc
    .tuple(fc.tuple(...documented), fc.array(extra, { maxLength: 2 }))
    .map(([pieces, more]) => [...pieces.flat(), ...more]);
}

/** Resolves generated ids to the current organizations' fixtures. */
export function resolverFor(organizations: { own: FuzzOrganization; foreign: FuzzOrganization }) {
  return (ref: IdRef): string => {
    const ids = organizations[ref.owner].ids[ref.kind];
    return ids[ref.index % ids.length]!;
  };
}

/** The wire request of a plan, with the current organizations' ids and keys; says whose key it carries. */
export function toWire(
  operation: Operation,
  plan: RequestPlan,
  organizations: { own: FuzzOrganization; foreign: FuzzOrganization },
): { request: WireRequest; keyOf: FuzzOrganization | null } {
  const resolve = resolverFor(organizations);
  const path = operation.template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = plan.path[name];
    if (!value) throw new Error(`no value for {${name}}`);
    if ('raw' in value) return value.raw;
    const id = resolve(value.ref);
    switch (value.alter) {
      case undefined:
        return id;
      case 'upper':
        return id.toUpperCase();
      case 'percent-encoded':
        return [...id].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
      case 'suffix-%00':
        return `${id}%00`;
      case 'suffix-%20':
        return `${id}%20`;
    }
  });
  const query = plan.query
    .map((piece) => {
      if ('raw' in piece) return piece.raw;
      const value = piece.value instanceof IdRef ? resolve(piece.value) : piece.value;
      return `${encodeURIComponent(piece.key)}=${encodeQueryValue(value)}`;
    })
    .join('&');

  const headers: Array<[string, string]> = [];
  let body: Buffer | undefined;
  let bodyType: string | undefined;
  if (plan.body?.kind === 'json') {
    body = Buffer.from(toJson(plan.body.value, resolve));
    bodyType = 'application/json';
  } else if (plan.body?.kind === 'form') {
    body = Buffer.from(toForm(plan.body.value, resolve));
    bodyType = 'application/x-www-form-urlencoded';
  } else if (plan.body?.kind === 'text') {
    body = Buffer.from(plan.body.text);
    bodyType = 'application/json';
  }
  const { contentType: planned } = plan.headers;
  const contentType = planned !== null && typeof planned === 'object' && 'default' in planned ? bodyType : planned;
  for (const type of [contentType ?? []].flat()) headers.push(['Content-Type', type]);
  if (body && plan.headers.encoding) {
    const encoded = encode(body, plan.headers.encoding);
    body = encoded.body;
    headers.push(['Content-Encoding', encoded.header]);
  }
  headers.push(...plan.headers.extra);
  const auth = authHeaders(plan.auth, organizations);
  headers.push(...auth.headers);
  return {
    request: {
      method: operation.method,
      path: query ? `${path}?${query}` : path,
      headers,
      body,
      chunked: plan.headers.chunked,
    },
    keyOf: auth.keyOf,
  };
}

/** Percent-encodes what the request line cannot carry, leaves `%` sequences of nasty strings as they are. */
function encodeQueryValue(value: string): string {
  return [...value]
    .map((char) => (/^[\u0021-\u007e]$/.test(char) && !'&#'.includes(char) ? char : safeEncode(char)))
    .join('');
}

function safeEncode(char: string): string {
  try {
    return encodeURIComponent(char);
  } catch {
    return '%ED%A0%80'; // a lone surrogate: its UTF-8 bytes, which decode to nothing valid
  }
}

function toForm(value: unknown, resolve: (ref: IdRef) => string): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return toJson(value, resolve);
  return Object.entries(value)
    .map(([key, item]) => {
      const text = typeof item === 'string' ? item : toJson(item, resolve);
      return `${safeEncodeText(key)}=${safeEncodeText(text)}`;
    })
    .join('&');
}

function safeEncodeText(text: string): string {
  return [...text].map(safeEncode).join('');
}
