import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got. */
export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * How the receiver answers a request: a status code, a status with headers and a body, or `hold` (no answer until
 * the test releases or closes it).
 */
export type WebhookAnswer = number | 'hold' | { status: number; headers?: Record<string, string>; body?: string };

/** Decides the answer to the `nth` (0-based) request on a path. */
export type WebhookResponder = (received: ReceivedWebhook, nth: number) => WebhookAnswer;

/** A real HTTP endpoint on 127.0.0.1 that records every POST and answers as each path's responder says. */
export interface WebhookReceiver {
  /** The URL of a path on the receiver, e.g. `url('/ok')`. */
  url(path: string): string;
  /** Sets how requests to `path` are answered (200 when no responder is set). */
  respond(path: string, responder: WebhookResponder): void;
  /** What arrived on `path`, in arrival order. */
  receivedOn(path: string): ReceivedWebhook[];
  /** Answers every held request with `status`. */
  release(status: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const responders = new Map<string, WebhookResponder>();
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const hit: ReceivedWebhook = {
        path: request.url ?? '/',
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : (value ?? ''),
          ]),
        ),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const nth = received.filter((other) => other.path === hit.path).length;
      received.push(hit);
      const answer = (responders.get(hit.path) ?? (() => 200))(hit, nth);
      if (answer === 'hold') {
        held.add(response);
        response.on('close', () => held.delete(response));
        return;
      }
      const { status, headers, body } =
        typeof answer === 'number' ? { status: answer, headers: {}, body: undefined } : answer;
      response
        .writeHead(status, { 'content-type': 'text/plain', ...headers })
        .end(body ?? (status < 300 ? 'ok' : `answered ${status}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    respond: (path, responder) => responders.set(path, responder),
    receivedOn: (path) => received.filter((hit) => hit.path === path),
    release: (status) => {
      for (const response of held) response.writeHead(status).end();
    },
    close: () =>
      new Promise((resolve) => {
        for (const response of held) response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
