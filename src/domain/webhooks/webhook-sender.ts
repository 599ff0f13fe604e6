import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { OutboundHostPolicy, OutboundHostRefusedError } from '../../mail/outbound-host-policy';
import { signedHeaders } from './webhook-signature';

/** One signed POST: the body is sent as given, the bytes that were signed. */
export interface WebhookPost {
  url: string;
  secret: string;
  /** The `webhook-id`: the event's, the same on every retry. */
  id: string;
  at: Date;
  body: string;
}

/** What the endpoint answered: its status code (null when none came: refused host, timeout, connection error). */
export interface WebhookPostResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

/** The whole exchange, host lookup included: a slow endpoint holds its queue, never the worker. */
const TIMEOUT_MS = 10_000;
/** Of a failed answer's body, what is kept for the delivery log: enough for an error message. */
const RESPONSE_BYTES = 2_048;
const USER_AGENT = 'Sequencer-Webhooks/1.0 (+https://www.standardwebhooks.com)';

/** Where a POST goes once its host was vetted: the URL as written, and the address the policy allowed. */
interface Target {
  url: URL;
  address: string;
}

/** Posts signed webhook messages to tenants' endpoints, through the outbound host policy. */
export class WebhookSender {
  constructor(private readonly outboundHosts: OutboundHostPolicy) {}

  /**
   * POSTs the message once, redirects not followed, to the address the outbound host policy vetted (so a second DNS
   * answer cannot send it elsewhere). Expected failures — refused host, DNS, connection, timeout — come back as values.
   */
  async post(request: WebhookPost): Promise<WebhookPostResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const deadline = AbortSignal.timeout(TIMEOUT_MS);
    const url = parseEndpoint(request.url);
    if (typeof url === 'string') return { statusCode: null, latencyMs: 0, error: url };
    let address: string;
    try {
      address = await abortable(this.outboundHosts.vet(url.hostname), deadline);
    } catch (error) {
      return { statusCode: null, latencyMs: elapsed(), error: lookupFailure(url, error) };
    }
    const headers = {
      ...signedHeaders(request.secret, request.id, request.at, request.body),
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(request.body)),
      'user-agent': USER_AGENT,
      host: url.host,
    };
    const answer = await exchange({ url, address }, headers, request.body, deadline);
    return { ...answer, latencyMs: elapsed() };
  }
}

/** The endpoint's URL, or why it cannot be posted to. */
function parseEndpoint(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `not a URL: ${text}`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : `not an http(s) URL: ${text}`;
}

/** Sends the request and reads the answer: the status, and for a failure the start of the body. */
function exchange(
  target: Target,
  headers: Record<string, string>,
  body: string,
  deadline: AbortSignal,
): Promise<Omit<WebhookPostResult, 'latencyMs'>> {
  return new Promise((resolve) => {
    const transport = target.url.protocol === 'https:' ? https : http;
    const hostname = target.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const request = transport.request({
      method: 'POST',
      host: target.address,
      port: target.url.port || undefined,
      path: `${target.url.pathname}${target.url.search}`,
      headers,
      // The certificate is checked against the host name of the URL, not the address connected to.
      servername: isIP(hostname) ? undefined : hostname,
      // One connection per message: a pooled one could outlive a policy change or a DNS change.
      agent: false,
      signal: deadline,
    });
    let settled = false;
    const settle = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      request.destroy();
      resolve({ statusCode, error });
    };
    request.on('error', (error) =>
      settle(null, deadline.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : error.message),
    );
    request.on('response', (response) => {
      const status = response.statusCode ?? null;
      if (status !== null && status >= 200 && status < 300) return settle(status, null);
      const chunks: Buffer[] = [];
      let size = 0;
      const failed = () => settle(status, describeFailure(status, Buffer.concat(chunks).subarray(0, RESPONSE_BYTES)));
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= RESPONSE_BYTES) failed();
      });
      response.on('end', failed);
      response.on('close', failed);
      response.on('error', failed);
    });
    request.end(body);
  });
}

/** `HTTP 500: <the start of the body>`, on one line; a redirect says it was not followed. */
function describeFailure(status: number | null, body: Buffer): string {
  const text = body
    .toString('utf8')
    .replace(/[\p{Cc}\s]+/gu, ' ')
    .trim();
  const redirect = status !== null && status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  return `HTTP ${status ?? '?'}${redirect}${text ? `: ${text}` : ''}`;
}

/** Why the host could not be used: refused by the outbound host policy, not found, or not resolved in time. */
function lookupFailure(url: URL, error: unknown): string {
  if (isRefusal(error)) {
    const address = error.address && error.address !== url.hostname ? ` (${error.address})` : '';
    return (
      `${url.hostname}${address} is refused by the outbound host policy: a ${error.kind} address. ` +
      `If this endpoint is yours, the operator can allow it with OUTBOUND_ALLOW.`
    );
  }
  if (error instanceof Error && error.name === 'AbortError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return error instanceof Error ? `${url.hostname}: ${error.message}` : String(error);
}

/** The policy's refusal (recognized by name: the domain holds the policy by its type only). */
function isRefusal(error: unknown): error is OutboundHostRefusedError {
  return error instanceof Error && error.name === 'OutboundHostRefusedError';
}

/** The promise, or the signal's abort reason when that comes first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(Object.assign(new Error('timed out'), { name: 'AbortError' }));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
