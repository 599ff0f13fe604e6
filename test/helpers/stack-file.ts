import os from 'node:os';
import path from 'node:path';

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
}

/** Jest workers inherit the environment of the process that ran the global setup. */
export const STACK_FILE_VARIABLE = 'SEQUENCER_TEST_STACK_FILE';

export function newStackFilePath(): string {
  return path.join(os.tmpdir(), `sequencer-test-stack-${process.pid}.json`);
}
