import path from 'node:path';
import { parseArgs } from 'node:util';

export const PHASES = ['smtp', 'temporal', 'product', 'memory', 'realistic'] as const;
export type Phase = (typeof PHASES)[number];

/** How much each phase does. The exact sizes are `--full`; the defaults are scaled to fit ~10 minutes. */
export interface Sizes {
  /** Messages the raw SMTP ceiling sends. */
  smtpMessages: number;
  /** Workflows (× 3 sends) of the raw Temporal ceiling; also the raw workflow-start count. */
  temporalWorkflows: number;
  /** Enrollments (× 3 steps) of the product run, and the mailboxes they share. */
  productEnrollments: number;
  productMailboxes: number;
  /** Contacts in the timed import (one request: the API's maximum). */
  importContacts: number;
  /** Sleeping enrollments at which worker RSS is read, ascending (cumulative: each point adds to the last). */
  memoryPoints: number[];
  realisticMailboxes: number;
  realisticEnrollments: number;
  realisticWindowSeconds: number;
}

const PROFILES = {
  quick: {
    smtpMessages: 600,
    temporalWorkflows: 100,
    productEnrollments: 100,
    productMailboxes: 20,
    importContacts: 1000,
    memoryPoints: [1_000, 2_000],
    realisticMailboxes: 50,
    realisticEnrollments: 300,
    realisticWindowSeconds: 45,
  },
  default: {
    smtpMessages: 3000,
    temporalWorkflows: 500,
    productEnrollments: 500,
    productMailboxes: 20,
    importContacts: 1000,
    memoryPoints: [3_000, 10_000],
    realisticMailboxes: 200,
    realisticEnrollments: 2_000,
    realisticWindowSeconds: 180,
  },
  full: {
    smtpMessages: 3000,
    temporalWorkflows: 1000,
    productEnrollments: 1000,
    productMailboxes: 20,
    importContacts: 1000,
    memoryPoints: [10_000, 100_000],
    realisticMailboxes: 2_000,
    realisticEnrollments: 20_000,
    realisticWindowSeconds: 600,
  },
} satisfies Record<string, Sizes>;

export type ProfileName = keyof typeof PROFILES;

export interface Options {
  profile: ProfileName;
  sizes: Sizes;
  /** The size flags given, which change the profile's sizes. */
  overrides: string[];
  phases: Phase[];
  out: string;
  label: string | undefined;
  keepData: boolean;
  readyTimeoutSeconds: number;
}

export const USAGE = `npm run bench -- [options]

Measures Sequencer's send path against the raw ceilings of its own engine, in one run (see README, "Benchmark").

  --quick                 small sizes, ~2 minutes
  --full                  the issue's sizes (100,000 sleeping enrollments, 2,000 mailboxes for 10 minutes): ~1 hour
  --only a,b              phases to run, of: ${PHASES.join(', ')} (default: all)
  --out FILE              where to write the JSON result (default: bench/results/<timestamp>.json)
  --label TEXT            a name for this run, kept in the JSON (e.g. "before")
  --keep-data             keep the temporary DATA_DIR of the stack the bench started (its path is printed)
  --ready-timeout S       seconds to wait for the stack to become ready (default 180)
Sizes (override the profile's):
  --smtp-messages N  --temporal-workflows N  --product-enrollments N  --product-mailboxes N  --import-contacts N
  --memory-points N,N  --realistic-mailboxes N  --realistic-enrollments N  --realistic-window S

A running stack instead of starting one: BENCH_API_URL, BENCH_API_KEY, BENCH_TEMPORAL_ADDRESS, BENCH_INBOX_DIR,
and optionally BENCH_TEMPORAL_NAMESPACE, BENCH_SMTP_HOST, BENCH_SMTP_PORT, BENCH_METRICS_URL, BENCH_METRICS_TOKEN.
`;

const SIZE_FLAGS = {
  'smtp-messages': 'smtpMessages',
  'temporal-workflows': 'temporalWorkflows',
  'product-enrollments': 'productEnrollments',
  'product-mailboxes': 'productMailboxes',
  'import-contacts': 'importContacts',
  'realistic-mailboxes': 'realisticMailboxes',
  'realistic-enrollments': 'realisticEnrollments',
  'realistic-window': 'realisticWindowSeconds',
} as const satisfies Record<string, Exclude<keyof Sizes, 'memoryPoints'>>;

export class UsageError extends Error {}

/** Parses the command line; throws a UsageError naming the bad flag. Returns null for --help. */
export function parseOptions(argv: string[], benchDir: string): Options | null {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      only: { type: 'string' },
      out: { type: 'string' },
      label: { type: 'string' },
      'keep-data': { type: 'boolean' },
      'ready-timeout': { type: 'string' },
      'memory-points': { type: 'string' },
      ...Object.fromEntries(Object.keys(SIZE_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
    },
  });
  if (values.help) return null;
  if (values.quick && values.full) throw new UsageError('--quick and --full exclude each other');
  const profile: ProfileName = values.quick ? 'quick' : values.full ? 'full' : 'default';
  const sizes: Sizes = { ...PROFILES[profile], memoryPoints: [...PROFILES[profile].memoryPoints] };
  const overrides: string[] = [];
  for (const [flag, key] of Object.entries(SIZE_FLAGS)) {
    const text = (values as Record<string, string | undefined>)[flag];
    if (text === undefined) continue;
    sizes[key] = positiveInteger(flag, text);
    overrides.push(`--${flag}`);
  }
  if (values['memory-points'] !== undefined) {
    overrides.push('--memory-points');
    sizes.memoryPoints = values['memory-points'].split(',').map((part) => positiveInteger('memory-points', part));
    if (sizes.memoryPoints.some((point, index) => index > 0 && point <= sizes.memoryPoints[index - 1]!)) {
      throw new UsageError('--memory-points must be ascending, e.g. 10000,30000');
    }
  }
  // A campaign takes at most 50 mailboxes (smtp_credentials); the product run uses one campaign.
  if (sizes.productMailboxes > 50) throw new UsageError('--product-mailboxes: at most 50 (one campaign)');
  if (sizes.importContacts > 1000) throw new UsageError('--import-contacts: at most 1000 (one API request)');
  const phases = values.only === undefined ? [...PHASES] : parsePhases(values.only);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    profile,
    sizes,
    overrides,
    phases,
    out: path.resolve(values.out ?? path.join(benchDir, 'results', `${stamp}.json`)),
    label: values.label,
    keepData: values['keep-data'] ?? false,
    readyTimeoutSeconds: values['ready-timeout'] ? positiveInteger('ready-timeout', values['ready-timeout']) : 180,
  };
}

function parsePhases(text: string): Phase[] {
  const names = text.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(PHASES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new UsageError(`--only: unknown phase ${unknown.join(', ')} (phases: ${PHASES.join(', ')})`);
  // Always in the canonical order: ceilings first, then the product on a quiet stack, memory, realistic last.
  return PHASES.filter((phase) => names.includes(phase));
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${flag}: expected a positive whole number, got "${text}"`);
  return value;
}
