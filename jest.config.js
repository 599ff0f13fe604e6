/** What every project shares: TypeScript through swc, in Node. */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['**/*.test.ts'],
};

/**
 * The real stack, started once per run: Postgres, the Temporal dev server, Dovecot, an SMTP server and a worker.
 * Set on the projects that need it, not at the top: jest runs a project's global setup only when at least one of
 * that project's suites is selected, and runs a setup named by several projects once (it goes by the module's path).
 * So `jest --selectProjects unit` starts nothing, and integration and e2e suites run together share one stack.
 */
const stack = {
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    // Pure logic: no stack, no network; runs in seconds (`npm run test:unit`; the lint probes take a Node process).
    { ...common, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    // The application in-process against the real stack, and the replay of recorded workflow histories.
    {
      ...common,
      ...stack,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration', '<rootDir>/test/workflows'],
    },
    // The application run as a user runs it: the CLI and the worker as processes of their own.
    { ...common, ...stack, displayName: 'e2e', roots: ['<rootDir>/test/e2e'] },
  ],
  testTimeout: 120_000,
  verbose: true,
};
