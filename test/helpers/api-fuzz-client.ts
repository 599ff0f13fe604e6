import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { oas31 } from 'zod-openapi';
import { expectDocumented } from './openapi-conformance';

/** A request exactly as it goes on the wire: the path is not normalized or re-encoded, header names may repeat. */
export interface WireRequest {
  method: string;
  /** Path and query string, sent verbatim. */
  path: string;
  headers: Array<[name: string, value: string]>;
  body?: Buffer;
  /** Send the body with `Transfer-Encoding: chunked` instead of a `Content-Length`. */
  chunked?: boolean;
}

export interface WireAnswer {
  status: number;
  contentType: string | undefined;
  /** The JSON body parsed, or the text when it is not JSON. */
  body: unknown;
}

/** The app on a port of its own (port 0), with one kept-alive connection reused by every request. */
export async function listen(app: Express): Promise<{ port: number; agent: http.Agent; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    port: (server.address() as AddressInfo).port,
    agent,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Sends one request and reads the whole answer; a request unanswered after `timeoutMs` is a failure (a stall). */
export function send(
  target: { port: number; agent: http.Agent },
  request: WireRequest,
  timeoutMs = 60_000,
): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    // Raw header lists get no Host from Node, and Node's server refuses HTTP/1.1 requests without one.
    const headers = ['Host', `127.0.0.1:${target.port}`, ...request.headers.flat()];
    if (request.body && !request.chunked) headers.push('Content-Length', String(request.body.length));
    if (request.chunked) headers.push('Transfer-Encoding', 'chunked');
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        agent: target.agent,
        method: request.method,
        path: request.path,
        headers,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          const contentType = incoming.headers['content-type'];
          let body: unknown = text;
          if (contentType?.startsWith('application/json')) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text; // the conformance check reports it
            }
          }
          resolve({ status: incoming.statusCode ?? 0, contentType, body });
        });
      },
    );
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (request.body && request.chunked) {
      // A few chunks, so the server sees a body of unknown length arriving in parts.
      const size = Math.max(1, Math.ceil(request.body.length / 3));
      for (let offset = 0; offset < request.body.length; offset += size) {
        outgoing.write(request.body.subarray(offset, offset + size));
      }
    } else if (request.body) {
      outgoing.write(request.body);
    }
    outgoing.end();
  });
}

/** One documented operation: its method and path template, and what the document says about it. */
export interface Operation {
  method: string;
  template: string;
  spec: oas31.OperationObject;
}

/** Every operation of an OpenAPI document, in document order. */
export function operationsOf(document: oas31.OpenAPIObject): Operation[] {
  const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
  return Object.entries(document.paths ?? {}).flatMap(([template, item]) =>
    methods
      .filter((method) => item[method] !== undefined)
      .map((method) => ({ method: method.toUpperCase(), template, spec: item[method]! })),
  );
}

/** Does this raw path (query string excluded) address the operation's template? */
export function addressesTemplate(template: string, path: string): boolean {
  const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
  return pattern.test(path.split('?')[0]!);
}

/**
 * Why an answer breaks the fuzz's promises (none when it keeps them): a 5xx; a status, body or error code the
 * operation does not document; an error outside the `{status:"error",code,message,errors?}` envelope.
 */
export function answerProblems(operation: Operation, request: WireRequest, answer: WireAnswer): string[] {
  if (answer.status >= 500) return [`a ${answer.status}`];
  const problems: string[] = [];
  const path = request.path.split('?')[0]!;
  const error = answer.body as { status?: unknown; code?: unknown; message?: unknown } | undefined;
  if (answer.status === 404 && error?.code === 'route_not_found') {
    // The generated path left the operation (an id with a `/` in it): any route's 404 is then the right answer.
    if (addressesTemplate(operation.template, path))
      problems.push(`route_not_found for a path of ${operation.template}`);
    return problems;
  }
  try {
    expectDocumented({
      status: answer.status,
      body: answer.body,
      headers: answer.contentType ? { 'content-type': answer.contentType } : {},
      req: { method: request.method, path },
    } as unknown as Parameters<typeof expectDocumented>[0]);
  } catch (mismatch) {
    problems.push((mismatch as Error).message);
  }
  const documented = operation.spec.responses?.[String(answer.status)] as oas31.ResponseObject | undefined;
  const json = documented?.content?.['application/json'];
  if (answer.status >= 400 && json) {
    if (!answer.contentType?.startsWith('application/json')) {
      problems.push(`an error answered as ${answer.contentType ?? 'no content type'}, not the JSON envelope`);
    } else if (error?.status !== 'error' || typeof error.code !== 'string' || typeof error.message !== 'string') {
      problems.push('an error body outside the {status:"error",code,message} envelope');
    } else if (!Object.keys(json.examples ?? {}).includes(error.code)) {
      problems.push(
        `code ${error.code} is not documented for ${answer.status} on ${operation.method} ${operation.template}`,
      );
    }
  }
  return problems;
}
