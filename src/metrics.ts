import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineMetricsPort } from './domain/engine-metrics.port';

/**
 * The process's Prometheus metrics (prom-client): Node's own (event loop lag, memory, GC), HTTP latency, and what the
 * engine does, by campaign. One registry per process: `npm start` serves everything on the API's `/metrics`; a
 * standalone worker serves its own on METRICS_PORT.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'sequencer_' });

export const metrics = {
  httpDuration: new Histogram({
    name: 'sequencer_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  sends: new Counter({
    name: 'sequencer_sends_total',
    help: 'Steps handed to SMTP, by campaign and outcome (sent, bounced, failed, unknown).',
    labelNames: ['campaign_id', 'outcome'] as const,
    registers: [registry],
  }),
  bounces: new Counter({
    name: 'sequencer_bounces_total',
    help: 'Bounces and complaints, by campaign and kind (hard, soft, complaint), at SMTP or read over IMAP.',
    labelNames: ['campaign_id', 'kind'] as const,
    registers: [registry],
  }),
  replies: new Counter({
    name: 'sequencer_replies_total',
    help: 'Inbound answers read over IMAP, by campaign and kind (reply, auto_reply, unsubscribe).',
    labelNames: ['campaign_id', 'kind'] as const,
    registers: [registry],
  }),
  slotWaits: new Counter({
    name: 'sequencer_mailbox_slot_waits_total',
    help: 'Steps that found no mailbox slot (resting, daily limit, max_new_per_day) and were deferred, by campaign.',
    labelNames: ['campaign_id'] as const,
    registers: [registry],
  }),
};

/** The domain's counts (sends, bounces, replies, slot waits), into this process's registry. */
export const engineMetrics: EngineMetricsPort = {
  send: (campaignId, outcome) => metrics.sends.inc({ campaign_id: campaignId, outcome }),
  bounce: (campaignId, kind) => metrics.bounces.inc({ campaign_id: campaignId, kind }),
  reply: (campaignId, kind) => metrics.replies.inc({ campaign_id: campaignId, kind }),
  slotWait: (campaignId) => metrics.slotWaits.inc({ campaign_id: campaignId }),
};

/**
 * The exposition text: this registry, then the Temporal worker's own metrics when its Prometheus exporter runs in
 * this process (`temporalMetricsUrl`); a failed scrape of the latter is reported as a comment, not an error.
 */
export async function renderMetrics(temporalMetricsUrl: string | null): Promise<string> {
  const own = await registry.metrics();
  if (!temporalMetricsUrl) return own;
  try {
    const response = await fetch(temporalMetricsUrl, { signal: AbortSignal.timeout(2_000) });
    return `${own}\n${await response.text()}`;
  } catch (error) {
    return `${own}\n# Temporal worker metrics unavailable: ${(error as Error).message}\n`;
  }
}
