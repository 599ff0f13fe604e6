// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import boundaries from 'eslint-plugin-boundaries';

/**
 * The layers, and who may import whom (checked by eslint-plugin-boundaries; anything not allowed is an error):
 *
 *   root (src/system.ts, src/process-runtime.ts, src/database-services.ts, entry points, src/cli/), bench/, test/: the
 *       composition roots build the system and start processes, so they may import every layer. The root also holds
 *       the adapters it builds over the database for the API (src/rate-limit-store.ts: http sees only their interface).
 *   http (src/http/, src/app.ts) → domain, metrics (it serves /metrics), shared.
 *   activities/ → domain, shared; types only of db, db-model, workflows. Temporal's inbound side, as http is the
 *       API's: thin functions over domain code, handed what they run with by the root (they construct nothing).
 *   domain → db-model (entities, their enums), mail (message formats: compose, render, parse), crypto, shared;
 *       types only of db (the Database it is handed) and mail-transport (the SMTP client, host policy it is handed).
 *       Never temporal, workflows, metrics, config, http: what it needs of them is a port in the domain
 *       (*.port.ts), implemented by an adapter and wired by the root.
 *   db (repositories, data source, migrations) → db-model, shared. Nothing of the domain, not even types: the
 *       domain uses the repositories, not the other way round, and no repository implements a domain port, so a
 *       domain type in db could only be a row shape or a rule owned by the wrong layer.
 *   mail, mail-transport → each other, shared; types only of db-model and domain (dns.ts implements the domain's
 *       MailHostResolver port).
 *   temporal (client adapters, connection, dev server) → workflows (definitions, ids, signals), embedded (its dev
 *       server is a child process), shared; types only of domain (the ports it implements), db, db-model, config.
 *   temporal-worker (src/temporal/worker.ts) → temporal, activities, workflows, shared; types of domain, config:
 *       it registers the activities and workflows with Temporal workers.
 *   workflows/ → their siblings; types only of activities/ (sealed: Temporal bundles and replays them; see also
 *       the import bans below). The types they share with activities are owned by the domain code that makes them.
 *   embedded → shared. crypto, config (→ mail-transport: it validates OUTBOUND_ALLOW), metrics (→ domain types:
 *       it implements the EngineMetricsPort), shared: leaves.
 *
 * In eslint-plugin-boundaries 7 an "element" is a folder; several layers here are single files (src/system.ts,
 * src/metrics.ts…) or parts of a folder (the entities of src/db, the transports of src/mail), so each layer is a
 * file category: a list of globs, the first that matches a file giving its layer.
 */
const layers = {
  // Composition roots: build the system and start processes; they, the benchmarks and the tests import anything.
  root: [
    'src/system.ts',
    'src/process-runtime.ts',
    'src/database-services.ts',
    'src/main.ts',
    'src/api.ts',
    'src/worker.ts',
    'src/entrypoint.ts',
    // The API's rate-limit store over Postgres: built by the root, handed to http as express-rate-limit's Store.
    'src/rate-limit-store.ts',
    'src/cli/*.ts',
  ],
  http: ['src/http/**/*.ts', 'src/app.ts'],
  domain: ['src/domain/**/*.ts'],
  // The data model: entities, their enums and column types.
  'db-model': ['src/db/entities/*.ts'],
  // Repositories, the data source, migrations.
  db: ['src/db/**/*.ts'],
  // Network I/O of mail: SMTP and IMAP sessions, DNS, the outbound host policy they vet hosts with.
  'mail-transport': ['src/mail/{smtp,imap-client,dns,outbound-host-policy,ip-address}.ts'],
  // Message formats: composing, rendering templates, parsing inbound mail (no I/O).
  mail: ['src/mail/*.ts'],
  // Hosts the activities and workflows in Temporal workers: the worker side's own small composition.
  'temporal-worker': ['src/temporal/worker.ts'],
  // Temporal client adapters (implementing the domain's ports), connection, dev server, namespace setup.
  temporal: ['src/temporal/*.ts'],
  // Embedded Postgres, the capture inbox, child processes: what `npm start` runs on one machine.
  embedded: ['src/embedded/*.ts'],
  crypto: ['src/crypto/*.ts'],
  config: ['src/config.ts'],
  // The process's Prometheus registry (a singleton): roots and http use it; the domain reports to a port.
  metrics: ['src/metrics.ts'],
  // Leaf helpers any layer may use.
  shared: ['src/logger.ts', 'src/shutdown.ts', 'src/concurrency.ts'],
  activities: ['activities/*.ts'],
  workflows: ['workflows/**/*.ts'],
  // The benchmark harness (its own ceiling workflow is sandboxed below like ours).
  bench: ['bench/*.ts'],
  test: ['test/**/*.ts'],
};

const PRODUCT = Object.keys(layers).filter((name) => name !== 'bench' && name !== 'test');

/** `from` may import `values` (and their types), and only the types of `types`. */
const layer = (from, values, types = []) => [
  { from: { file: { categories: from } }, allow: { to: { file: { categories: { anyOf: [from, ...values] } } } } },
  ...(types.length > 0
    ? [
        {
          from: { file: { categories: from } },
          allow: { to: { file: { categories: { anyOf: types } } }, dependency: { kind: 'type' } },
        },
      ]
    : []),
];

const layerPolicies = [
  ...layer('root', PRODUCT),
  ...layer('bench', PRODUCT),
  ...layer('test', [...PRODUCT, 'bench']),
  ...layer('http', ['domain', 'metrics', 'shared']),
  ...layer('activities', ['domain', 'shared'], ['db', 'db-model', 'workflows']),
  ...layer('domain', ['db-model', 'mail', 'crypto', 'shared'], ['db', 'mail-transport']),
  ...layer('db-model', []),
  ...layer('db', ['db-model', 'shared']),
  ...layer('mail', ['mail-transport', 'shared'], ['db-model', 'domain']),
  ...layer('mail-transport', ['mail', 'shared'], ['db-model', 'domain']),
  ...layer('temporal', ['workflows', 'embedded', 'shared'], ['domain', 'db', 'db-model', 'config']),
  ...layer('temporal-worker', ['temporal', 'activities', 'workflows', 'shared'], ['domain', 'config']),
  ...layer('embedded', ['shared']),
  ...layer('crypto', []),
  ...layer('config', ['mail-transport']),
  ...layer('metrics', [], ['domain']),
  ...layer('shared', []),
  ...layer('workflows', [], ['activities']),
];

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'coverage/', 'node_modules/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/files': Object.entries(layers).flatMap(([category, patterns]) =>
        patterns.map((pattern) => ({ category, pattern })),
      ),
      'boundaries/files-single-match': true,
      'import/resolver': { typescript: { alwaysTryTypes: true, project: './tsconfig.json' } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        { default: 'disallow', policies: layerPolicies, checkUnknownLocals: true, checkInternals: true },
      ],
      // Every file has a layer, so a new folder is placed on the map before it imports anything.
      'boundaries/no-unknown-files': 'error',
      'boundaries/no-unknown-dependencies': 'error',
    },
  },
  {
    // Workflows are sealed: deterministic code only, bundled by Temporal. They may import @temporalio/workflow,
    // @temporalio/common (pure helpers such as search-attribute keys), their siblings and types from activities/.
    files: ['workflows/**/*.ts', 'bench/*.workflows.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflows must be deterministic: no Node built-ins.' },
            {
              group: ['**/src/**', '../src/**', '../../src/**'],
              message: 'Workflows may not import application code.',
            },
            {
              group: [
                'typeorm',
                'pg',
                'nodemailer',
                'imapflow',
                'mailparser',
                'express',
                'pino',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Workflows may not use I/O libraries: call an activity instead.',
            },
          ],
          // Every built-in Node has (fs, fs/promises, crypto, timers, worker_threads…), not a list that falls behind.
          paths: builtinModules.map((name) => ({
            name,
            message: 'Workflows must be deterministic: no Node built-ins.',
          })),
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval'],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['workflows/**/definitions.ts', 'workflows/search-attributes.ts'],
    rules: {
      // Activity modules may be referenced for their types only.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/activities', '**/activities/**'], allowTypeImports: true }] },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
);
