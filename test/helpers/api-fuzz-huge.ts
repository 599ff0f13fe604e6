import type { oas31 } from 'zod-openapi';
import type { Operation } from './api-fuzz-client';
import { exampleWithFixtures, IdRef, setOwn, toJson } from './api-fuzz-values';

/**
 * The few pathological bodies too big to generate at random (a handful per operation keeps the suite's memory and
 * time bounded): deep nesting, multi-megabyte strings, 100k-item arrays and objects, a body over the 5 MB limit.
 * Each is built only when sent.
 */
export interface HugeBody {
  name: string;
  contentType: string;
  chunked?: boolean;
  build(resolve: (ref: IdRef) => string): Buffer;
}

const MB = 1024 * 1024;

/** `turn` picks which of the slow cases (100k items, 100k keys) this operation gets: each goes to every other one. */
export function hugeBodies(operation: Operation, turn: number): HugeBody[] {
  const content = (operation.spec.requestBody as oas31.RequestBodyObject | undefined)?.content;
  if (content?.['application/x-www-form-urlencoded']) {
    return [
      { name: 'a 3 MB form field', contentType: 'application/x-www-form-urlencoded', build: () => form(3 * MB) },
      {
        name: 'a 3 MB form field, chunked',
        contentType: 'application/x-www-form-urlencoded',
        chunked: true,
        build: () => form(3 * MB),
      },
    ];
  }
  const example = exampleWithFixtures(content?.['application/json']?.example ?? { field: 'value' });
  const json = (name: string, make: () => unknown, chunked = false): HugeBody => ({
    name,
    contentType: 'application/json',
    chunked,
    build: (resolve) => Buffer.from(toJson(make(), resolve)),
  });
  const slow = [
    json('100,000 items in the first array', () =>
      replaceFirst(
        example,
        'array',
        Array.from({ length: 100_000 }, () => ({})),
      ),
    ),
    json('an object of 100,000 keys', () => {
      const wide: Record<string, unknown> = {};
      for (let index = 0; index < 100_000; index += 1) setOwn(wide, `k${index}`, index);
      return replaceFirst(example, 'object', wide);
    }),
  ];
  return [
    {
      name: 'objects nested 10,000 deep',
      contentType: 'application/json',
      build: () => Buffer.from(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`),
    },
    {
      name: 'arrays nested 1,000,000 deep in the first field',
      contentType: 'application/json',
      build: () => Buffer.from(`{"${firstKey(example)}":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`),
    },
    json('a 3 MB string in the first text field', () => replaceFirst(example, 'string', 'x'.repeat(3 * MB))),
    json(
      'a 4 MB string in the first text field, chunked',
      () => replaceFirst(example, 'string', 'é'.repeat(2 * MB)),
      true,
    ),
    slow[turn % slow.length]!,
    json('6 MB: over the body limit', () => replaceFirst(example, 'string', 'x'.repeat(6 * MB))),
  ];
}

function form(size: number): Buffer {
  return Buffer.from(`List-Unsubscribe=${'x'.repeat(size)}`);
}

function firstKey(example: unknown): string {
  return example && typeof example === 'object' ? (Object.keys(example)[0] ?? 'a') : 'a';
}

/**
 * The example with its first value of this type (depth first, the root excluded) replaced; the value goes in a new
 * top-level field when the example has none.
 */
function replaceFirst(example: unknown, type: 'string' | 'array' | 'object', replacement: unknown): unknown {
  let done = false;
  const matches = (value: unknown) =>
    type === 'string'
      ? typeof value === 'string' || value instanceof IdRef
      : type === 'array'
        ? Array.isArray(value)
        : value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof IdRef);
  const walk = (value: unknown, root: boolean): unknown => {
    if (!done && !root && matches(value)) {
      done = true;
      return replacement;
    }
    if (Array.isArray(value)) return value.map((item) => walk(item, false));
    if (value && typeof value === 'object' && !(value instanceof IdRef)) {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) setOwn(copy, key, walk(item, false));
      return copy;
    }
    return value;
  };
  const result = walk(example, true) as Record<string, unknown>;
  if (!done && result && typeof result === 'object') setOwn(result, 'huge', replacement);
  return result;
}
