import path from 'node:path';
import { startLocalStack } from './local-stack';

/** Where the bench finds the product under test, whoever started it. */
export interface Stack {
  /** The API's origin, e.g. http://127.0.0.1:3000 (paths under /api/v1 are added by the client). */
  apiOrigin: string;
  apiKey: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** The SMTP sink the product's campaigns send to; the raw ceilings send there too, for a fair comparison. */
  smtp: { host: string; port: number };
  /** The capture inbox's directory (index.jsonl): arrival times of what the product sent. Null: not readable here. */
  inboxDir: string | null;
  metricsUrl: string;
  metricsToken: string | undefined;
  /** True when the bench started this stack (and throws it away at the end). */
  owned: boolean;
  /** What to print about it. */
  description: string;
  /** Stops what the bench started (nothing for a running stack). Safe to call twice. */
  stop: () => Promise<void>;
  /** Kills at once what the bench started: the second Ctrl-C. */
  kill: () => void;
}

/**
 * A running stack when BENCH_API_URL is set (the variables are read here and nowhere else); otherwise the bench
 * starts its own with `npm start`'s entry point on the embedded defaults, in a fresh DATA_DIR on free ports.
 */
export async function openStack(options: {
  repoDir: string;
  keepData: boolean;
  readyTimeoutSeconds: number;
  signal: AbortSignal;
}): Promise<Stack> {
  const env = process.env;
  if (!env.BENCH_API_URL) return startLocalStack(options);
  const missing = ['BENCH_API_KEY', 'BENCH_TEMPORAL_ADDRESS'].filter((name) => !env[name]);
  if (missing.length > 0)
    throw new Error(`BENCH_API_URL is set, so the bench uses that stack; it also needs ${missing.join(' and ')}`);
  const apiOrigin = env.BENCH_API_URL.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  const smtpPort = Number(env.BENCH_SMTP_PORT ?? 1025);
  if (!Number.isInteger(smtpPort) || smtpPort < 1 || smtpPort > 65535)
    throw new Error(`BENCH_SMTP_PORT: not a port: ${env.BENCH_SMTP_PORT}`);
  const inboxDir = env.BENCH_INBOX_DIR ? path.resolve(env.BENCH_INBOX_DIR) : null;
  return {
    apiOrigin,
    apiKey: env.BENCH_API_KEY!,
    temporalAddress: env.BENCH_TEMPORAL_ADDRESS!,
    temporalNamespace: env.BENCH_TEMPORAL_NAMESPACE ?? 'default',
    smtp: { host: env.BENCH_SMTP_HOST ?? '127.0.0.1', port: smtpPort },
    inboxDir,
    metricsUrl: env.BENCH_METRICS_URL ?? `${apiOrigin}/metrics`,
    metricsToken: env.BENCH_METRICS_TOKEN || undefined,
    owned: false,
    description: `running stack at ${apiOrigin} (Temporal ${env.BENCH_TEMPORAL_ADDRESS}, inbox ${inboxDir ?? 'not given'})`,
    stop: () => Promise.resolve(),
    kill: () => undefined,
  };
}
