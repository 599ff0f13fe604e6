import zlib from 'node:zlib';
import fc from 'fast-check';
import type { FuzzOrganization } from './api-fuzz-fixtures';

/** The headers a generated request varies: content types, encodings, chunking, big or odd extra headers. */
export interface HeaderPlan {
  /** `default`: the body's own type; null: none; a list: that many Content-Type headers. */
  contentType: { default: true } | null | string | string[];
  encoding?: 'gzip' | 'gzip-junk' | 'deflate-junk' | 'br-junk' | 'gzip, gzip' | 'identity' | 'x-unknown';
  chunked?: boolean;
  extra: Array<[string, string]>;
}
export type AuthPlan =
  | { kind: 'none' | 'own' | 'foreign' | 'own-bearer' | 'foreign-bearer' | 'own-lowercase-bearer' | 'own-basic' }
  | { kind: 'own-padded'; padding: string }
  | { kind: 'own-altered'; alter: 'truncated' | 'extended' | 'upper' | 'inner-space' }
  | { kind: 'headers'; headers: Array<[string, string]> };

export const headersArbitrary: fc.Arbitrary<HeaderPlan> = fc.record({
  contentType: fc.oneof(
    fc.constantFrom<HeaderPlan['contentType']>(
      { default: true },
      null,
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/csv',
      'application/json; charset=latin-2',
      'application/json; charset=utf-16',
      'application/json; charset=iso-8859-1',
      'application/json; charset=utf-8',
      'application/json; charset=""',
      'APPLICATION/JSON',
      'application/json;;',
      'application/vnd.api+json',
      'application/merge-patch+json',
      '/',
      ';',
      'application/',
      'text/html; charset=utf-8',
    ),
    fc.constantFrom<HeaderPlan['contentType']>(['application/json', 'text/plain'], ['text/plain', 'application/json']),
  ),
  encoding: fc.option(
    fc.constantFrom<NonNullable<HeaderPlan['encoding']>>(
      'gzip',
      'gzip-junk',
      'deflate-junk',
      'br-junk',
      'gzip, gzip',
      'identity',
      'x-unknown',
    ),
    { freq: 2, nil: undefined },
  ),
  chunked: fc.boolean(),
  extra: fc.subarray<[string, string]>([
    ['X-Fuzz-Padding', 'a'.repeat(12_000)],
    ['X-Request-Id', '../../\u00e9'],
    ['Accept', 'text/html;q=0.1, */*;q=0'],
    ['Accept-Charset', 'latin-2'],
    ['Content-Language', '\u00e9\u00e9'],
    ['Expect', '100-continue'],
  ]),
});

export const authArbitrary: fc.Arbitrary<AuthPlan> = fc.oneof(
  fc
    .constantFrom('none', 'own', 'foreign', 'own-bearer', 'foreign-bearer', 'own-lowercase-bearer', 'own-basic')
    .map((kind): AuthPlan => ({ kind })),
  fc.constantFrom(' ', '  ', '\t', ' \t ').map((padding): AuthPlan => ({ kind: 'own-padded', padding })),
  fc
    .constantFrom('truncated', 'extended', 'upper', 'inner-space')
    .map((alter): AuthPlan => ({ kind: 'own-altered', alter })),
  fc
    .constantFrom<Array<[string, string]>>(
      [['X-API-KEY', '']],
      [['X-API-KEY', 'wrong']],
      [['X-API-KEY', 'x'.repeat(8000)]],
      [['X-API-KEY', 'cl\u00e9']],
      [['Authorization', 'Bearer']],
      [['Authorization', 'Bearer ']],
      [['Authorization', 'Token abc']],
      [['Authorization', 'Bearer a b c']],
    )
    .map((headers): AuthPlan => ({ kind: 'headers', headers })),
);

export function encode(body: Buffer, encoding: NonNullable<HeaderPlan['encoding']>): { body: Buffer; header: string } {
  switch (encoding) {
    case 'gzip':
      return { body: zlib.gzipSync(body), header: 'gzip' };
    case 'gzip-junk':
      return { body, header: 'gzip' };
    case 'deflate-junk':
      return { body, header: 'deflate' };
    case 'br-junk':
      return { body, header: 'br' };
    case 'gzip, gzip':
      return { body: zlib.gzipSync(body), header: 'gzip, gzip' };
    case 'identity':
      return { body, header: 'identity' };
    case 'x-unknown':
      return { body, header: 'x-unknown' };
  }
}

export function authHeaders(
  auth: AuthPlan,
  organizations: { own: FuzzOrganization; foreign: FuzzOrganization },
): { headers: Array<[string, string]>; keyOf: FuzzOrganization | null } {
  const { own, foreign } = organizations;
  switch (auth.kind) {
    case 'none':
      return { headers: [], keyOf: null };
    case 'own':
      return { headers: [['X-API-KEY', own.apiKey]], keyOf: own };
    case 'foreign':
      return { headers: [['X-API-KEY', foreign.apiKey]], keyOf: foreign };
    case 'own-bearer':
      return { headers: [['Authorization', `Bearer ${own.apiKey}`]], keyOf: own };
    case 'foreign-bearer':
      return { headers: [['Authorization', `Bearer ${foreign.apiKey}`]], keyOf: foreign };
    case 'own-lowercase-bearer':
      return { headers: [['Authorization', `bearer   ${own.apiKey}`]], keyOf: own };
    case 'own-basic':
      return { headers: [['Authorization', `Basic ${Buffer.from(`${own.apiKey}:`).toString('base64')}`]], keyOf: own };
    case 'own-padded':
      return { headers: [['X-API-KEY', `${auth.padding}${own.apiKey}${auth.padding}`]], keyOf: own };
    case 'own-altered': {
      const key = own.apiKey;
      const altered = {
        truncated: key.slice(0, -1),
        extended: `${key}x`,
        upper: key.toUpperCase(),
        'inner-space': `${key.slice(0, 4)} ${key.slice(4)}`,
      }[auth.alter];
      return { headers: [['X-API-KEY', altered]], keyOf: own };
    }
    case 'headers':
      return { headers: auth.headers, keyOf: null };
  }
}
