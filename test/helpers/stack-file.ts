import os from 'node:os';
import path from 'node:path';
import type { TestDnsZone } from './dns-server';
import type { DovecotInfo } from './dovecot';

/** What the global setup started, for the test files (which may run in other processes) to connect to. */
export interface StackInfo {
  dir: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  inboxDir: string;
  smtpPort: number;
  secretKey: string;
  /** The base of the unsubscribe and tracking links in the messages the worker sends. */
  publicBaseUrl: string;
  /** The Prometheus exporter of the Temporal worker the global setup runs. */
  temporalMetricsUrl: string;
  /** The DNS server the worker's email validation asks, and the names it serves. */
  dns: { port: number; zone: TestDnsZone };
  /** The Dovecot IMAP server: any user name logs in with `password`, and gets a fresh mailbox. */
  imap: DovecotInfo;
}

/** Jest workers inherit the environment of the process that ran the global setup. */
export const STACK_FILE_VARIABLE = 'SEQUENCER_TEST_STACK_FILE';

export function newStackFilePath(): string {
  return path.join(os.tmpdir(), `sequencer-test-stack-${process.pid}.json`);
}
