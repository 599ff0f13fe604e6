import request from 'supertest';
import type { oas31 } from 'zod-openapi';
import { SMARTLEAD_BASE, SMARTLEAD_OPERATIONS } from '../../src/http/smartlead';
import { smartleadOpenApiDocument } from '../../src/http/smartlead/openapi';
import { documentValidator, responseMismatches } from './openapi-conformance';

/** The methods the Smartlead-compatible surface serves. */
export type SmartleadMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A supertest `.expect()` check of one answer. */
export type AnswerCheck = (answer: request.Response) => void;

/** What supertest's `request()` accepts: an Express app, an http.Server, a URL. */
type App = Parameters<typeof request>[0];

let built: { document: oas31.OpenAPIObject; validator: ReturnType<typeof documentValidator> } | undefined;

/** The surface and its validator, built on first use (once per suite file: jest gives each its own modules). */
function smartlead() {
  if (!built) {
    const document = smartleadOpenApiDocument(SMARTLEAD_OPERATIONS, SMARTLEAD_BASE);
    built = { document, validator: documentValidator(document) };
  }
  return built;
}

/** The document /smartlead/openapi.json serves (paths relative to SMARTLEAD_BASE). */
export function smartleadDocument(): oas31.OpenAPIObject {
  return smartlead().document;
}

export interface SmartleadConformanceOptions {
  /** Let a 404 `route_not_found` through (a suite probing undocumented routes); otherwise it fails as undocumented. */
  allowRouteNotFound?: boolean;
  /** Append the answer's JSON body to the failure message. */
  includeBody?: boolean;
}

/**
 * A supertest `.expect()` check: the answer matches what /smartlead/openapi.json documents for its operation (the
 * request path less SMARTLEAD_BASE, query and trailing slash) and status. Use it on every Smartlead-surface request:
 *
 *     const documented = smartleadConformance();
 *     await request(stack.app).get(`${SMARTLEAD_BASE}/campaigns`).expect(401).expect(documented);
 */
export function smartleadConformance(options: SmartleadConformanceOptions = {}): AnswerCheck {
  return (answer) => {
    const { method, path } = (answer as unknown as { req: { method: string; path: string } }).req;
    if (
      options.allowRouteNotFound &&
      answer.status === 404 &&
      (answer.body as { code?: unknown }).code === 'route_not_found'
    )
      return;
    const { document, validator } = smartlead();
    const route = path
      .split('?')[0]!
      .slice(SMARTLEAD_BASE.length)
      .replace(/(.)\/$/, '$1');
    const mismatches = responseMismatches(validator, document, {
      method,
      path: route,
      status: answer.status,
      contentType: answer.headers['content-type'],
      body: answer.body,
    });
    if (mismatches.length > 0) {
      const message = mismatches.join('\n');
      throw new Error(options.includeBody ? `${message}\n${JSON.stringify(answer.body)}` : message);
    }
  };
}

/** Where a caller sends its requests: the app under test, and the key a call uses unless it is given another. */
export interface SmartleadTarget {
  app: App;
  apiKey: string;
}

/**
 * `call(method, path, key?)`: a request to the Smartlead surface as its clients send it, `?api_key=` appended to the
 * path (after any query of its own), every answer checked by `documented` (by default, `smartleadConformance()`).
 * The target is read at each call, so a suite can make its caller before its `beforeAll` connects the stack:
 *
 *     const call = smartleadCaller(() => ({ app: stack.app, apiKey }));
 *     await call('post', '/campaigns/create').send({ name: 'X' }).expect(200);
 *     await call('get', '/campaigns', other.apiKey).expect(200);
 *
 * A request the surface's clients would send differently (a header key, a raw body) is best written out in the suite.
 */
export function smartleadCaller(target: () => SmartleadTarget, documented: AnswerCheck = smartleadConformance()) {
  return (method: SmartleadMethod, path: string, key?: string): request.Test => {
    const { app, apiKey } = target();
    const url = `${SMARTLEAD_BASE}${path}${path.includes('?') ? '&' : '?'}api_key=${encodeURIComponent(key ?? apiKey)}`;
    return request(app)[method](url).expect(documented);
  };
}
