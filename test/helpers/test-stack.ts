import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type { Client } from '@temporalio/client';
import { createApp, type AppDeps } from '../../src/app';
import { createDataSource } from '../../src/db/data-source';
import { Database } from '../../src/db/repositories';
import { SecretBox } from '../../src/crypto/secret-box';
import { createLogger } from '../../src/logger';
import { readCapturedMessages, type CapturedMessage } from '../../src/embedded/capture-inbox';
import { createAppDeps, createSystem, type Services } from '../../src/system';
import { createMailHostResolver } from '../../src/mail/dns';
import { OutboundHostPolicy } from '../../src/mail/outbound-host-policy';
import type { StepSenderDeps } from '../../src/domain/delivery/step-sender';
import type { PublicLinks } from '../../src/domain/engagement/public-links';
import type { MailboxReader } from '../../src/domain/inbound/mailbox-reader';
import { connectClient } from '../../src/temporal/connection';
import { STACK_FILE_VARIABLE, type StackInfo } from './stack-file';
import { expectDocumented } from './openapi-conformance';

export interface TestStack {
  info: StackInfo;
  app: Express;
  /** Another app on the same services, with some of its settings changed (a logger, a rate limit, CORS). */
  appWith(overrides: Partial<AppDeps>): Express;
  /** What `app` is built from. */
  deps: AppDeps;
  db: Database;
  temporal: Client;
  services: Services;
  /** Reads mailboxes over IMAP as the worker does (the send path's just-in-time reply check uses it too). */
  reader: MailboxReader;
  /** What the send activity runs with, as the worker builds it: for calling `sendStep` directly. */
  senderDeps: StepSenderDeps;
  /** The signed unsubscribe, open and click links, as the app and the worker make them. */
  links: PublicLinks;
  /** A fresh organization and its API key, so suites never see each other's data. */
  newOrganization(): Promise<{ organizationId: string; apiKey: string }>;
  api(apiKey: string): ApiClient;
  close(): Promise<void>;
}

export interface ApiClient {
  get(url: string): request.Test;
  post(url: string, body?: unknown): request.Test;
  patch(url: string, body: unknown): request.Test;
  put(url: string, body: unknown): request.Test;
  delete(url: string): request.Test;
}

/** Connects a suite to the stack the global setup started, with the app built in-process by createApp. */
export async function connectTestStack(): Promise<TestStack> {
  const file = process.env[STACK_FILE_VARIABLE];
  if (!file) throw new Error('The test stack is not running: run the tests through jest (npm test).');
  const info = JSON.parse(await fs.readFile(file, 'utf8')) as StackInfo;
  const dataSource = createDataSource(info.databaseUrl, { poolSize: 5 });
  await dataSource.initialize();
  const db = new Database(dataSource);
  const { client, connection } = await connectClient(
    { namespace: info.namespace, apiKey: undefined, tls: false },
    info.temporalAddress,
  );
  const logger = createLogger('silent');
  // The system as a process builds it (src/system.ts), with the stack's settings: the default outbound host policy,
  // as the worker's (the stack's SMTP server and Dovecot are on 127.0.0.1), and the stack's DNS server.
  const { services, worker } = createSystem(db, new SecretBox(info.secretKey), client, {
    taskQueue: info.taskQueue,
    logger,
    mailHosts: createMailHostResolver({ servers: [`127.0.0.1:${info.dns.port}`], timeoutMs: 500 }),
    publicBaseUrl: info.publicBaseUrl,
    outboundHosts: new OutboundHostPolicy({ mode: 'default', allow: [] }),
  });
  const deps = createAppDeps(
    services,
    { db, connection, logger },
    // Suites fire requests back to back with one key; test/integration/api-protection.test.ts tests the limit, and
    // test/integration/smartlead-surface.test.ts the Smartlead one (appWith a `smartleadRateLimit` of its own).
    {
      rateLimit: { requests: 0, windowMs: 2000 },
      smartleadRateLimit: { requests: 0, windowMs: 2000 },
      corsOrigins: [],
      temporalMetricsUrl: null,
    },
  );
  const appWith = (overrides: Partial<AppDeps>) => createApp({ ...deps, ...overrides });
  const app = appWith({});
  return {
    info,
    app,
    appWith,
    deps,
    db,
    temporal: client,
    services,
    reader: worker.reader,
    senderDeps: worker.sender,
    links: services.content.links,
    newOrganization: () => services.organizations.create(`test-org-${crypto.randomUUID()}`),
    api: (apiKey) => {
      // Every answer must match what /openapi.json documents for its route and status.
      const call = (method: 'get' | 'post' | 'patch' | 'put' | 'delete', url: string) =>
        request(app)[method](url).set('X-API-KEY', apiKey).expect(expectDocumented);
      return {
        get: (url) => call('get', url),
        post: (url, body) => (body === undefined ? call('post', url) : call('post', url).send(body as object)),
        patch: (url, body) => call('patch', url).send(body as object),
        put: (url, body) => call('put', url).send(body as object),
        delete: (url) => call('delete', url),
      };
    },
    close: async () => {
      await connection.close();
      await dataSource.destroy();
    },
  };
}

/** A suite's connection to the stack, with an organization of its own and that organization's API client. */
export interface OrganizationStack {
  stack: TestStack;
  api: ApiClient;
  organizationId: string;
  apiKey: string;
}

/** Connects a suite to the stack with a fresh organization (the suite closes `stack` after it). */
export async function stackWithOrganization(): Promise<OrganizationStack> {
  const stack = await connectTestStack();
  const { organizationId, apiKey } = await stack.newOrganization();
  return { stack, api: stack.api(apiKey), organizationId, apiKey };
}

/** Messages the stack's SMTP server received for these recipients, in arrival order. */
export async function messagesTo(info: StackInfo, recipients: string[]): Promise<CapturedMessage[]> {
  const wanted = new Set(recipients.map((email) => email.toLowerCase()));
  return (await readCapturedMessages(info.inboxDir)).filter((message) =>
    message.envelopeTo.some((address) => wanted.has(address.toLowerCase())),
  );
}

/** The path of a public link, query included (the worker writes PUBLIC_BASE_URL; the app under test is in-process). */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

export function rawMessage(info: StackInfo, message: CapturedMessage): Promise<string> {
  return fs.readFile(path.join(info.inboxDir, message.file), 'utf8');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value, or fails after `timeoutMs` with the last value seen. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  { timeoutMs = 60_000, intervalMs = 250, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
