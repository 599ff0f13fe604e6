// The only reader of process.env: every variable's zod rule and default, the Config the rest of the code is handed,
// and loadConfig parsing them once and naming every bad variable. Over ~300 lines on purpose (config is one module,
// STYLE.md §4): split, a variable's rule, default, error message and Config field would live in different files.
import { isIP } from 'node:net';
import path from 'node:path';
import os from 'node:os';
import { z } from 'zod';
import { invalidAllowEntries, OUTBOUND_HOST_MODES, type OutboundHostSettings } from './mail/outbound-host-policy';

const port = z.coerce.number().int().min(0).max(65535);
const optionalString = z.string().trim().optional();

/** `ip` or `ip:port` (an IPv6 address with a port in brackets), as `dns.Resolver#setServers` takes them. */
function isDnsServer(entry: string): boolean {
  const match = /^(?:\[(?<v6>[^\]]+)\]|(?<v4>[^:]+))(?::(?<port>\d{1,5}))?$/.exec(entry);
  if (!match) return isIP(entry) === 6;
  const { v6, v4, port: portText } = match.groups!;
  if (portText !== undefined && (Number(portText) < 1 || Number(portText) > 65535)) return false;
  return v6 !== undefined ? isIP(v6) === 6 : isIP(v4 ?? '') === 4;
}

const dnsServers = z.string().transform((value, ctx) => {
  const servers = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = servers.filter((entry) => !isDnsServer(entry));
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be a comma-separated list of IP addresses, each optionally with a port ' +
        `(1.1.1.1, 127.0.0.1:5353, [2606:4700::1111]:53); not an address: ${bad.join(', ')}`,
    });
    return z.NEVER;
  }
  return servers;
});

const outboundAllow = z.string().transform((value, ctx) => {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = invalidAllowEntries(entries);
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be a comma-separated list of IP addresses, CIDR networks or host names ' +
        `(10.0.0.25, 10.20.0.0/16, fd00::/8, relay.internal); not one of these: ${bad.join(', ')}`,
    });
    return z.NEVER;
  }
  return entries;
});

/** A count of slots, connections or cache entries: a whole number in `[min, max]`. */
function count(min: number, max: number) {
  return z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

/** Every environment variable Sequencer reads; nothing else in the code base touches `process.env`. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  EMBEDDED_POSTGRES_PORT: port.default(5433),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('sequencer'),
  TEMPORAL_CLI_PATH: optionalString,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  BOOTSTRAP_API_KEY: optionalString.pipe(z.string().min(20, 'must be at least 20 characters').optional()),
  SECRET_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes); generate one with `openssl rand -hex 32`')
      .optional(),
  ),
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),
  DEV_SMTP_PORT: port.default(1025),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DNS_SERVERS: optionalString.pipe(dnsServers.optional()),
  DNS_TIMEOUT_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(50, 'must be at least 50 (milliseconds)')
    .max(30_000, 'must be at most 30000 (milliseconds)')
    .default(5000),
  RATE_LIMIT_REQUESTS: z.coerce
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 (no limit) or more')
    .default(10),
  RATE_LIMIT_WINDOW_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(100, 'must be at least 100 (milliseconds)')
    .max(3_600_000, 'must be at most 3600000 (one hour)')
    .default(2000),
  SMARTLEAD_RATE_LIMIT_REQUESTS: z.coerce
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 (no limit) or more')
    .default(10),
  SMARTLEAD_RATE_LIMIT_WINDOW_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds')
    .min(100, 'must be at least 100 (milliseconds)')
    .max(3_600_000, 'must be at most 3600000 (one hour)')
    .default(2000),
  SMARTLEAD_PORT: port.optional(),
  METRICS_PORT: port.optional(),
  METRICS_HOST: z
    .string()
    .trim()
    .refine(
      (host) => isIP(host) !== 0,
      'must be an IP address to listen on, e.g. 127.0.0.1 (this host only) or 0.0.0.0',
    )
    .default('0.0.0.0'),
  METRICS_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^\S{16,}$/, 'must be at least 16 characters without spaces; generate one with `openssl rand -hex 32`')
      .optional(),
  ),
  TEMPORAL_METRICS_PORT: port.optional(),
  CORS_ORIGINS: optionalString.pipe(
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.union([z.literal('*'), z.url()])))
      .optional(),
  ),
  OUTBOUND_HOSTS: z
    .enum(OUTBOUND_HOST_MODES, {
      message: `must be ${OUTBOUND_HOST_MODES.join(' or ')} (public-only also refuses loopback and private networks)`,
    })
    .default('default'),
  OUTBOUND_ALLOW: optionalString.pipe(outboundAllow.optional()),
  WORKER_ACTIVITY_SLOTS: count(1, 1000).default(20),
  WORKER_LOCAL_ACTIVITY_SLOTS: count(1, 1000).default(20),
  WORKER_WORKFLOW_TASK_SLOTS: count(2, 1000).default(20),
  WORKER_CACHED_WORKFLOWS: count(2, 1_000_000).default(2000),
  DATABASE_POOL_SIZE: count(1, 1000).optional(),
  ANALYTICS_MAX_DAYS: count(1, 3660).default(90),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  dataDir: string;
  /** Unset: the embedded Postgres under `dataDir` is used. */
  databaseUrl: string | undefined;
  embeddedPostgresPort: number;
  temporal: {
    /** Unset: the local dev server is launched. */
    address: string | undefined;
    namespace: string;
    apiKey: string | undefined;
    tls: boolean;
    taskQueue: string;
    cliPath: string | undefined;
    devPort: number;
    uiPort: number;
  };
  bootstrapApiKey: string | undefined;
  /** Unset: generated once into `dataDir`. */
  secretKey: string | undefined;
  publicBaseUrl: string;
  devSmtpPort: number;
  logLevel: Env['LOG_LEVEL'];
  /** The resolver the email validation job asks for mail hosts. */
  dns: {
    /** `ip` or `ip:port` entries; empty: the system resolver (`/etc/resolv.conf`). */
    servers: string[];
    /** How long one DNS query waits for each server's answer. */
    timeoutMs: number;
  };
  /** Requests per API key and window; `requests: 0` = no limit. */
  rateLimit: { requests: number; windowMs: number };
  /** The Smartlead-compatible API (src/http/smartlead): its own limit per key (Smartlead's 10 per 2 s by default). */
  smartlead: {
    rateLimit: { requests: number; windowMs: number };
    /** The surface also on a server of its own at `/api/v1` (a client's overridden base URL); unset = off. */
    port: number | undefined;
  };
  /** `/metrics` on a server of its own, instead of the API's port (and a standalone worker's); unset = none. */
  metricsPort: number | undefined;
  /** The address the METRICS_PORT server listens on. */
  metricsHost: string;
  /** When set, `/metrics` answers only `Authorization: Bearer <token>`, wherever it is served. */
  metricsToken: string | undefined;
  /** The Temporal worker's Prometheus exporter (127.0.0.1); unset = off. Its series join `/metrics`. */
  temporalMetricsPort: number | undefined;
  /** Origins browsers may call the API from (`*` = any); empty = CORS off, as by default. */
  corsOrigins: string[];
  /** Which addresses tenant-given SMTP and IMAP hosts may connect to (src/mail/outbound-host-policy.ts). */
  outboundHosts: OutboundHostSettings;
  /** How much the Temporal worker takes on at once (see "Tuning the worker" in the README). */
  worker: WorkerTuning;
  /** Connections each process may open to Postgres. */
  databasePoolSize: number;
  /** The longest date range (in days) an analytics request may ask for. */
  analyticsMaxDays: number;
  /** Where downloaded or built tools (the Temporal CLI) are cached, outside the repository. */
  cacheDir: string;
  /** The executable search path, for finding `temporal` and `go`. */
  searchPath: string;
}

export interface WorkerTuning {
  /** Activity tasks (sends, validation batches) in flight at once. */
  activitySlots: number;
  /** Local activities (an enrollment's quick reads and bookkeeping) in flight at once. */
  localActivitySlots: number;
  /** Workflow tasks in flight at once; one waiting on its local activities holds its slot meanwhile. */
  workflowTaskSlots: number;
  /** Workflows kept in memory between their tasks (the sticky cache); the rest are replayed when they wake. */
  cachedWorkflows: number;
}

/** Connections beyond the worker's activities: the API's requests, IMAP sessions' writes, start-up hand-over. */
const POOL_HEADROOM = 10;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment once; throws a ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // `VAR=` (empty or blank) means "not set", as in most tools: the default applies.
  const set = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema
    .superRefine((env, ctx) => {
      // Each workflow task in flight holds its workflow in the cache.
      if (env.WORKER_WORKFLOW_TASK_SLOTS > env.WORKER_CACHED_WORKFLOWS) {
        ctx.addIssue({
          code: 'custom',
          path: ['WORKER_WORKFLOW_TASK_SLOTS'],
          message: `must be at most WORKER_CACHED_WORKFLOWS (${env.WORKER_CACHED_WORKFLOWS})`,
        });
      }
    })
    .safeParse(set);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `${issue.path.join('.')}: ${issue.message} (got ${describe(source, issue.path)})`,
      ),
    );
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    dataDir: path.resolve(env.DATA_DIR),
    databaseUrl: env.DATABASE_URL,
    embeddedPostgresPort: env.EMBEDDED_POSTGRES_PORT,
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      apiKey: env.TEMPORAL_API_KEY,
      tls: env.TEMPORAL_TLS,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      cliPath: env.TEMPORAL_CLI_PATH,
      devPort: env.TEMPORAL_DEV_PORT,
      uiPort: env.TEMPORAL_UI_PORT,
    },
    bootstrapApiKey: env.BOOTSTRAP_API_KEY,
    secretKey: env.SECRET_KEY,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    devSmtpPort: env.DEV_SMTP_PORT,
    logLevel: env.LOG_LEVEL,
    dns: { servers: env.DNS_SERVERS ?? [], timeoutMs: env.DNS_TIMEOUT_MS },
    rateLimit: { requests: env.RATE_LIMIT_REQUESTS, windowMs: env.RATE_LIMIT_WINDOW_MS },
    smartlead: {
      rateLimit: { requests: env.SMARTLEAD_RATE_LIMIT_REQUESTS, windowMs: env.SMARTLEAD_RATE_LIMIT_WINDOW_MS },
      port: env.SMARTLEAD_PORT,
    },
    corsOrigins: env.CORS_ORIGINS ?? [],
    outboundHosts: { mode: env.OUTBOUND_HOSTS, allow: env.OUTBOUND_ALLOW ?? [] },
    metricsPort: env.METRICS_PORT,
    metricsHost: env.METRICS_HOST,
    metricsToken: env.METRICS_TOKEN,
    temporalMetricsPort: env.TEMPORAL_METRICS_PORT,
    worker: {
      activitySlots: env.WORKER_ACTIVITY_SLOTS,
      localActivitySlots: env.WORKER_LOCAL_ACTIVITY_SLOTS,
      workflowTaskSlots: env.WORKER_WORKFLOW_TASK_SLOTS,
      cachedWorkflows: env.WORKER_CACHED_WORKFLOWS,
    },
    // Every activity that may hold a connection at once gets one, so none waits on the pool.
    databasePoolSize:
      env.DATABASE_POOL_SIZE ?? env.WORKER_ACTIVITY_SLOTS + env.WORKER_LOCAL_ACTIVITY_SLOTS + POOL_HEADROOM,
    analyticsMaxDays: env.ANALYTICS_MAX_DAYS,
    cacheDir: path.join(source.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'sequencer'),
    searchPath: source.PATH ?? '',
  };
}

function describe(source: NodeJS.ProcessEnv, issuePath: PropertyKey[]): string {
  const key = issuePath[0];
  const value = typeof key === 'string' ? source[key] : undefined;
  if (value === undefined) return 'nothing';
  // Secrets are named but never echoed.
  if (typeof key === 'string' && /KEY|PASSWORD|SECRET|TOKEN|URL/.test(key))
    return `a value of ${value.length} characters`;
  return JSON.stringify(value);
}
