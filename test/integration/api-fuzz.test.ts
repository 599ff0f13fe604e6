import fc from 'fast-check';
import type { oas31 } from 'zod-openapi';
import { openApiDocument } from '../../src/http/openapi/document';
import {
  answerProblems,
  listen,
  operationsOf,
  send,
  type Operation,
  type WireAnswer,
  type WireRequest,
} from '../helpers/api-fuzz-client';
import { FuzzOrganizations, fixtureIdsOf, type FuzzOrganization } from '../helpers/api-fuzz-fixtures';
import { hugeBodies } from '../helpers/api-fuzz-huge';
import {
  ordinaryPlan,
  planArbitrary,
  resolverFor,
  toWire,
  type Category,
  type RequestPlan,
} from '../helpers/api-fuzz-requests';
import { changedTables, fixtureStates, organizationRowCounts } from '../helpers/organization-snapshot';
import { createLogger } from '../../src/logger';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

/** Fixed, so a failure found here is found again on every run (and in CI). */
const SEED = 1_402_025;
/** Runs per property: about 1,500 requests in all (a run prints the count), a couple of minutes on the test stack. */
const RUNS: Record<Category, number> = { body: 20, query: 5, path: 8, headers: 6, auth: 4 };

const document = openApiDocument();
const operations = operationsOf(document);

function categoriesOf(operation: Operation): Category[] {
  const categories: Category[] = ['query', 'headers'];
  if (operation.spec.requestBody) categories.unshift('body');
  if (operation.template.includes('{')) categories.push('path');
  if (!(operation.spec.security && operation.spec.security.length === 0)) categories.push('auth');
  return categories;
}

/** A stable per-property seed, so adding an operation does not change the requests sent to the others. */
function seedOf(name: string): number {
  let hash = SEED;
  for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

class Tally {
  readonly started = Date.now();
  total = 0;
  readonly byClass: Record<string, number> = {};
  readonly byCategory: Record<string, number> = {};
  readonly byOperation = new Map<string, number>();

  record(operation: Operation, category: string, status: number): void {
    this.total += 1;
    const statusClass = `${Math.floor(status / 100)}xx`;
    this.byClass[statusClass] = (this.byClass[statusClass] ?? 0) + 1;
    this.byCategory[category] = (this.byCategory[category] ?? 0) + 1;
    const key = `${operation.method} ${operation.template}`;
    this.byOperation.set(key, (this.byOperation.get(key) ?? 0) + 1);
  }
}

describe('the API under generated requests (every operation of /openapi.json)', () => {
  let stack: TestStack;
  let server: Awaited<ReturnType<typeof listen>>;
  let organizations: FuzzOrganizations;
  const tally = new Tally();
  const serverErrors: string[] = [];

  beforeAll(async () => {
    stack = await connectTestStack();
    // The test stack's app, logging its 5xx causes here, so a failure report carries the server's stack trace.
    const logger = createLogger('error', {}, { write: (line: string) => void serverErrors.push(line) });
    server = await listen(stack.appWith({ logger }));
    organizations = new FuzzOrganizations(stack);
    // The suite's operations come from the module; the app must serve the same document.
    const served = await send(server, { method: 'GET', path: '/openapi.json', headers: [] });
    expect(
      operationsOf(served.body as oas31.OpenAPIObject).map(({ method, template }) => `${method} ${template}`),
    ).toEqual(operations.map(({ method, template }) => `${method} ${template}`));
  });

  afterAll(async () => {
    await organizations.drain();
    await server.close();
    await stack.close();
  });

  /**
   * Sends one request and checks the fuzz's promises: no 5xx, the answer as documented (status, body, error code),
   * no row count of either organization changed by a refused request, none of the other organization's by any.
   */
  async function exercise(operation: Operation, category: string, build: (own: OrgPair) => WireBuild): Promise<void> {
    const pair = await organizations.current();
    const { request, keyOf } = build(pair);
    const before = await snapshot(pair);
    serverErrors.length = 0;
    const answer = await send(server, request).catch((error: Error) => {
      throw new Error(report(request, undefined, [`no complete answer: ${error.message}`, ...serverErrors]));
    });
    tally.record(operation, category, answer.status);
    const after = await snapshot(pair);

    const problems = answerProblems(operation, request, answer);
    const refused = answer.status >= 400;
    const changedState: string[] = [];
    for (const organization of [pair.own, pair.foreign]) {
      const id = organization.organizationId;
      const whose = organization === pair.own ? 'the fuzz organization' : 'the other organization';
      const otherKey = keyOf !== null && keyOf !== organization;
      const changed = changedTables(before.counts[id]!, after.counts[id]!);
      if (changed.length > 0 && refused)
        problems.push(`a refused request changed ${whose}'s rows: ${changed.join(', ')}`);
      else if (changed.length > 0 && otherKey)
        problems.push(`another key changed ${whose}'s rows: ${changed.join(', ')}`);
      const [was, is] = [before.states[id]!, after.states[id]!];
      if (was.rows === is.rows && was.schedules === is.schedules) continue;
      const states = `${was.schedules} ${was.rows}\n→ ${is.schedules} ${is.rows}`;
      if (refused) problems.push(`a refused request changed the state of ${whose}'s fixtures:\n${states}`);
      else if (otherKey) problems.push(`another key changed the state of ${whose}'s fixtures:\n${states}`);
      // What the change started may go on after the answer (a campaign's fan-out, a woken workflow), and would
      // write behind the next request's before/after snapshot: the next request gets a fresh organization.
      changedState.push(id);
    }
    await organizations.retire(changedState);
    if (answer.status >= 500) problems.push(...serverErrors);
    if (problems.length > 0) throw new Error(report(request, answer, problems));
  }

  async function snapshot(pair: OrgPair) {
    const ids = [pair.own.organizationId, pair.foreign.organizationId];
    const [counts, ownState, foreignState] = await Promise.all([
      organizationRowCounts(stack.db.dataSource, ids),
      fixtureStates(stack.db.dataSource, fixtureIdsOf(pair.own)),
      fixtureStates(stack.db.dataSource, fixtureIdsOf(pair.foreign)),
    ]);
    return { counts, states: { [ids[0]!]: ownState, [ids[1]!]: foreignState } };
  }

  describe.each(operations)('$method $template', (operation) => {
    it.each(categoriesOf(operation))(
      '%s: no 5xx, no partial write, only documented errors',
      async (category) => {
        const name = `${operation.method} ${operation.template} ${category}`;
        await fc.assert(
          fc.asyncProperty(planArbitrary(operation, category), (plan: RequestPlan) =>
            exercise(operation, category, (pair) => toWire(operation, plan, pair)),
          ),
          { seed: seedOf(name), numRuns: RUNS[category] },
        );
      },
      600_000,
    );

    if (operation.spec.requestBody) {
      it('huge and deeply nested bodies: no 5xx, no partial write, only documented errors', async () => {
        for (const huge of hugeBodies(operation, operations.indexOf(operation))) {
          await exercise(operation, 'huge', (pair) => {
            const { request, keyOf } = toWire(operation, ordinaryPlan(operation), pair);
            const headers = request.headers.filter(([header]) => header.toLowerCase() !== 'content-type');
            headers.push(['Content-Type', huge.contentType]);
            return {
              request: { ...request, headers, body: huge.build(resolverFor(pair)), chunked: huge.chunked },
              keyOf,
            };
          });
        }
      }, 600_000);
    }
  });

  it('sent requests to every operation (the count is in the log)', () => {
    const seconds = Math.round((Date.now() - tally.started) / 1000);
    const classes = Object.entries(tally.byClass)
      .sort()
      .map(([statusClass, count]) => `${statusClass}: ${count}`)
      .join(', ');
    const categories = Object.entries(tally.byCategory)
      .map(([category, count]) => `${category}: ${count}`)
      .join(', ');
    process.stdout.write(
      `API fuzz: ${tally.total} requests in ${seconds} s (${classes}); by category ${categories}; ` +
        `${organizations.created} fuzz organizations; seed ${SEED}.\n`,
    );
    expect(operations.filter(({ method, template }) => !tally.byOperation.has(`${method} ${template}`))).toEqual([]);
  });
});

type OrgPair = { own: FuzzOrganization; foreign: FuzzOrganization };
type WireBuild = { request: WireRequest; keyOf: FuzzOrganization | null };

/** A failure message with the request and the answer, long values cut, so the case can be replayed by hand. */
function report(request: WireRequest, answer: WireAnswer | undefined, problems: string[]): string {
  const cut = (text: string, length: number) =>
    text.length > length ? `${text.slice(0, length)}… (${text.length} characters)` : text;
  const headers = request.headers.map(([name, value]) => `${name}: ${cut(value, 80)}`).join('\n  ');
  const body = request.body ? cut(request.body.toString('utf8'), 600) : '(none)';
  const answered = typeof answer?.body === 'string' ? answer.body : JSON.stringify(answer?.body);
  return [
    problems.join('\n'),
    `request: ${request.method} ${cut(request.path, 300)}${request.chunked ? ' (chunked)' : ''}`,
    `  ${headers}`,
    `  body: ${JSON.stringify(body)}`,
    `answer: ${answer ? `${answer.status} ${answer.contentType ?? ''}` : 'none'}`,
    `  ${cut(answered ?? '', 1200)}`,
  ].join('\n');
}
