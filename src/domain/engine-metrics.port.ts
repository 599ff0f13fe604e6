/**
 * What the engine counts, by campaign: the process's Prometheus series (src/metrics.ts implements it). The domain
 * reports to this port instead of touching the registry, so it never depends on how or whether metrics are exported.
 */
export interface EngineMetricsPort {
  /** A step handed to SMTP, by what came of it (`failed`: nothing delivered). */
  send(campaignId: string, outcome: 'sent' | 'bounced' | 'failed' | 'unknown'): void;
  /** A bounce or complaint, answered at SMTP or read over IMAP. */
  bounce(campaignId: string, kind: 'hard' | 'soft' | 'complaint'): void;
  /** An inbound answer read over IMAP. */
  reply(campaignId: string, kind: 'reply' | 'auto_reply' | 'unsubscribe'): void;
  /** A step that found no mailbox slot (resting, daily limit, max_new_per_day) and was deferred. */
  slotWait(campaignId: string): void;
}

/** Counts nothing: for code that builds a service by hand without the composition root (tests). */
export const UNCOUNTED: EngineMetricsPort = {
  send: () => undefined,
  bounce: () => undefined,
  reply: () => undefined,
  slotWait: () => undefined,
};
