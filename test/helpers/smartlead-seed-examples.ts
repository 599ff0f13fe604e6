import fs from 'node:fs';
import path from 'node:path';

/**
 * The example requests of seed 001 (Smartlead's API reference), read from the seed's own text: each `curl` line,
 * Python `requests.<method>(…)` call, JavaScript `fetch(…)`, PHP `curl_setopt(…CURLOPT_URL…)`, and each request
 * line (`POST https://server.smartlead.ai/api/v1/…`) with the JSON block(s) shown after its "Request Body".
 */
export type SeedExampleKind = 'curl' | 'python' | 'javascript' | 'php' | 'request-line';

export interface SeedExample {
  kind: SeedExampleKind;
  /** 1-based line of the seed where the example starts. */
  line: number;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** After the base URL, as written: `/campaigns/{campaign_id}/leads`, `/campaigns/12345`, `/leads/`. */
  path: string;
  /** The query parameters, in order, as written (placeholders such as YOUR_API_KEY included). */
  query: Array<[string, string]>;
  /** The JSON body, when the example shows one. */
  body?: unknown;
}

/**
 * How many examples of each kind seed 001 shows (counted by hand from its text): a parser finding fewer has
 * regressed, and the replay would pass over what it missed.
 */
export const SEED_001_EXAMPLE_FLOORS: Readonly<Record<SeedExampleKind, number>> = {
  curl: 3,
  python: 1,
  javascript: 1,
  php: 1,
  // 37 request lines; the block list's shows two bodies (an address, a domain).
  'request-line': 38,
};

/** How the seed shows every email address (a page scraper's leftover); the replay puts real ones in. */
export const OBFUSCATED_EMAIL = '[email protected]';

/** Where the examples' URLs start in the seed. */
export const SMARTLEAD_SEED_BASE = 'https://server.smartlead.ai/api/v1';

/**
 * The seed file: SMARTLEAD_SEED_FILE, else the repository's verbatim copy of the reference (shared/seeds/001_…, kept
 * byte for byte in test/fixtures so a clone alone runs the replay), so the examples are read from the reference itself.
 */
export function smartleadSeedPath(): string {
  return (
    process.env.SMARTLEAD_SEED_FILE ??
    path.resolve(__dirname, '..', 'fixtures', 'smartlead', 'seed-001-api-reference.txt')
  );
}

export function readSmartleadSeed(file = smartleadSeedPath()): string {
  return fs.readFileSync(file, 'utf8');
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
// The URL may hold a space: the seed's addresses are shown as "[email protected]" (a page scraper's leftover).
const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE) (https:\/\/\S.*?)\s*$/;
const CURL_LINE = /^curl\s.*$/;

/** Every example request of the seed's text, in the order they appear. */
export function parseSeedExamples(text: string): SeedExample[] {
  const lines = text.split(/\r?\n/);
  const examples: SeedExample[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    const lineNumber = index + 1;
    const requestLine = REQUEST_LINE.exec(line);
    if (requestLine) {
      const bodies = bodiesAfter(lines, index + 1);
      const url = requestLine[2]!;
      const method = requestLine[1] as SeedExample['method'];
      if (bodies.length === 0) examples.push({ kind: 'request-line', line: lineNumber, method, ...splitUrl(url) });
      for (const body of bodies)
        examples.push({ kind: 'request-line', line: lineNumber, method, ...splitUrl(url), body });
      continue;
    }
    if (CURL_LINE.test(line)) {
      examples.push({ kind: 'curl', line: lineNumber, ...curlExample(line) });
      continue;
    }
    const python = /\brequests\.(get|post|put|patch|delete)\(/.exec(line);
    if (python) {
      const call = balancedFrom(lines, index, line.indexOf('(', python.index));
      examples.push({ kind: 'python', line: lineNumber, ...pythonExample(python[1]!, call) });
      continue;
    }
    const fetchAt = line.search(/\bfetch\(/);
    if (fetchAt >= 0) {
      const call = balancedFrom(lines, index, line.indexOf('(', fetchAt));
      examples.push({ kind: 'javascript', line: lineNumber, ...fetchExample(call) });
      continue;
    }
    const php = /curl_setopt\(\s*\$\w+\s*,\s*CURLOPT_URL\s*,\s*"([^"]+)"/.exec(line);
    if (php) examples.push({ kind: 'php', line: lineNumber, ...phpExample(lines, index, php[1]!) });
  }
  return examples;
}

/** How many examples of each kind (every kind listed, 0 included). */
export function countByKind(examples: SeedExample[]): Record<SeedExampleKind, number> {
  const counts: Record<SeedExampleKind, number> = { curl: 0, python: 0, javascript: 0, php: 0, 'request-line': 0 };
  for (const example of examples) counts[example.kind] += 1;
  return counts;
}

/** The base removed and the query split off. */
function splitUrl(url: string): Pick<SeedExample, 'path' | 'query'> {
  if (!url.startsWith(SMARTLEAD_SEED_BASE)) throw new Error(`Not under ${SMARTLEAD_SEED_BASE}: ${url}`);
  const rest = url.slice(SMARTLEAD_SEED_BASE.length);
  const at = rest.indexOf('?');
  const route = at < 0 ? rest : rest.slice(0, at);
  const query = at < 0 ? [] : splitQuery(rest.slice(at + 1));
  return { path: route === '' ? '/' : route, query };
}

function splitQuery(search: string): Array<[string, string]> {
  return search
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      // The scraper took `email=john@…` for one address and left "[email protected]" with no name: the
      // documented parameter is `email`.
      if (pair === OBFUSCATED_EMAIL) return ['email', OBFUSCATED_EMAIL];
      const equals = pair.indexOf('=');
      return equals < 0 ? [pair, ''] : [pair.slice(0, equals), pair.slice(equals + 1)];
    });
}

/** The JSON blocks shown after "Request Body" lines, up to the next request line. */
function bodiesAfter(lines: string[], from: number): unknown[] {
  const bodies: unknown[] = [];
  for (let index = from; index < lines.length; index += 1) {
    const line = lines[index]!.trim();
    if (REQUEST_LINE.test(line)) break;
    if (!/^Request Body(\s*—.*)?$/.test(line)) continue;
    const start = lines[index + 1]?.trim();
    if (!start?.startsWith('{') && !start?.startsWith('[')) continue;
    const block = balancedFrom(lines, index + 1, lines[index + 1]!.indexOf(start[0]!));
    bodies.push(JSON.parse(block));
  }
  return bodies;
}

/**
 * The text from `lines[row][column]` (an opening bracket or parenthesis) to its matching closer, across lines,
 * skipping over quoted strings.
 */
function balancedFrom(lines: string[], row: number, column: number): string {
  const text = lines.slice(row).join('\n').slice(column);
  const closers: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  let quote: string | null = null;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quote) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'" || char === '`') quote = char;
    else if (closers[char]) stack.push(closers[char]);
    else if (char === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return text.slice(0, index + 1);
    }
  }
  throw new Error(`Unbalanced example at line ${row + 1}: ${text.slice(0, 80)}`);
}

/** `curl -X METHOD "URL" [-H …] [-d '{…}']`, on one line. */
function curlExample(line: string): Omit<SeedExample, 'kind' | 'line'> {
  const method = /-X\s+([A-Z]+)/.exec(line)?.[1] ?? 'GET';
  const url = /"(https:\/\/[^"]+)"|'(https:\/\/[^']+)'/.exec(line);
  if (!url || !METHODS.has(method)) throw new Error(`Unreadable curl example: ${line}`);
  const data = /(?:-d|--data(?:-raw)?)\s+'([^']*)'/.exec(line)?.[1];
  return {
    method: method as SeedExample['method'],
    ...splitUrl(url[1] ?? url[2]!),
    ...(data === undefined ? {} : { body: JSON.parse(data) }),
  };
}

/** `requests.get("URL", params={…}, json={…})`: a Python dict literal read as JSON. */
function pythonExample(method: string, call: string): Omit<SeedExample, 'kind' | 'line'> {
  const url = /^\(\s*["'](https:\/\/[^"']+)["']/.exec(call)?.[1];
  if (!url) throw new Error(`Unreadable Python example: ${call}`);
  const { path: route, query } = splitUrl(url);
  const params = keywordDict(call, 'params');
  const json = keywordDict(call, 'json');
  for (const [name, value] of Object.entries(params ?? {})) {
    query.push([name, typeof value === 'string' ? value : JSON.stringify(value)]);
  }
  return {
    method: method.toUpperCase() as SeedExample['method'],
    path: route,
    query,
    ...(json === undefined ? {} : { body: json }),
  };
}

function keywordDict(call: string, keyword: string): Record<string, unknown> | undefined {
  const at = new RegExp(`\\b${keyword}\\s*=\\s*\\{`).exec(call);
  if (!at) return undefined;
  const literal = balancedFrom([call], 0, at.index + at[0].length - 1);
  return JSON.parse(pythonToJson(literal)) as Record<string, unknown>;
}

/** True/False/None outside strings become JSON's, single-quoted strings double-quoted. */
function pythonToJson(literal: string): string {
  return literal.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\bTrue\b|\bFalse\b|\bNone\b/g, (token) => {
    if (token === 'True') return 'true';
    if (token === 'False') return 'false';
    if (token === 'None') return 'null';
    return token.startsWith("'") ? JSON.stringify(token.slice(1, -1)) : token;
  });
}

/** `fetch(`URL`, { method, body: JSON.stringify({…}) })`. */
function fetchExample(call: string): Omit<SeedExample, 'kind' | 'line'> {
  const url = /^\(\s*[`"'](https:\/\/[^`"']+)[`"']/.exec(call)?.[1];
  if (!url) throw new Error(`Unreadable fetch example: ${call}`);
  const method = (/\bmethod\s*:\s*["'`](\w+)["'`]/.exec(call)?.[1] ?? 'GET').toUpperCase();
  if (!METHODS.has(method)) throw new Error(`Unreadable fetch method: ${call}`);
  const stringify = /JSON\.stringify\(/.exec(call);
  const body = stringify
    ? (JSON.parse(balancedFrom([call], 0, stringify.index + stringify[0].length)) as unknown)
    : undefined;
  return {
    method: method as SeedExample['method'],
    ...splitUrl(url),
    ...(body === undefined ? {} : { body }),
  };
}

/** `curl_setopt($ch, CURLOPT_URL, "URL")`, with CURLOPT_CUSTOMREQUEST / CURLOPT_POSTFIELDS on the next lines. */
function phpExample(lines: string[], row: number, url: string): Omit<SeedExample, 'kind' | 'line'> {
  let method = 'GET';
  let body: unknown;
  for (let index = row + 1; index < lines.length && lines[index]!.includes('curl_'); index += 1) {
    const line = lines[index]!;
    method = /CURLOPT_CUSTOMREQUEST\s*,\s*"(\w+)"/.exec(line)?.[1] ?? method;
    if (/CURLOPT_POST\s*,\s*(true|1)/.test(line) && method === 'GET') method = 'POST';
    const fields = /CURLOPT_POSTFIELDS\s*,\s*'([^']*)'/.exec(line)?.[1];
    if (fields !== undefined) body = JSON.parse(fields);
  }
  if (!METHODS.has(method)) throw new Error(`Unreadable PHP example at line ${row + 1}`);
  return { method: method as SeedExample['method'], ...splitUrl(url), ...(body === undefined ? {} : { body }) };
}
