import type { SecretBox } from '../../crypto/secret-box';
import type { Database } from '../../db/repositories';
import type {
  DeliveryAttempt,
  DeliveryEndpoint,
  DeliveryVerdict,
  QueuedDelivery,
} from '../../db/repositories/webhook-delivery.repository';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE, nextRetryAt, type WebhookRetrySchedule } from './webhook-backoff';
import { smartleadPayload } from './smartlead-payload';
import type { WebhookPostResult, WebhookSender } from './webhook-sender';

/** Deliveries read per step: the job's activity posts at most this many before the workflow looks again. */
const PAGE = 50;
/** A step starts no new POST after this long, so a slow endpoint's page stays well inside the activity's timeout. */
const STEP_BUDGET_MS = 60_000;

/** Where an endpoint's queue stands after a step: what the job does next. */
export type WebhookQueueState =
  /** Deliveries are due now: step again. */
  | { kind: 'due' }
  /** The first pending delivery is due at `at` (epoch ms): sleep until then, or until a wake-up. */
  | { kind: 'waiting'; at: number }
  /** Nothing pending. */
  | { kind: 'empty' }
  /** The endpoint was deleted or is disabled (by hand, or for answering 410): its job ends. */
  | { kind: 'stopped'; reason: 'deleted' | 'disabled' };

/** What one step of an endpoint's job did, and what comes next. */
export interface WebhookDeliveryStep {
  delivered: number;
  failed: number;
  next: WebhookQueueState;
}

/** What one attempt came to, for the step deciding whether the queue moves on. */
type AttemptOutcome = { kind: 'delivered' | 'failed' | 'gone' | 'overtaken' } | { kind: 'retry'; at: Date };

export interface WebhookDeliveryOptions {
  schedule?: WebhookRetrySchedule;
  /** In [0, 1): the retry jitter's draw. */
  random?: () => number;
}

/**
 * Delivers each endpoint's queue (the worker's side of webhooks), one step of its job at a time: strictly in event
 * order, so a delivery that fails holds back the later ones of its endpoint until it is delivered or given up, and
 * the events of an enrollment arrive in the order they happened. The database holds the queue, so a step can be
 * retried, or the job restarted, at any time: at worst a message is posted again, with the same `webhook-id`.
 */
export class WebhookDeliveryService {
  private readonly schedule: WebhookRetrySchedule;
  private readonly random: () => number;

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly sender: WebhookSender,
    options: WebhookDeliveryOptions = {},
  ) {
    this.schedule = options.schedule ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE;
    this.random = options.random ?? Math.random;
  }

  /**
   * One step of the endpoint's job: posts its due deliveries in order, up to a page, and says what comes next. Once
   * `stopping` is aborted, no new POST starts.
   */
  async step(webhookId: string, stopping?: AbortSignal): Promise<WebhookDeliveryStep> {
    const tally = { delivered: 0, failed: 0 };
    const endpoint = await this.db.repos.webhookDeliveries.endpoint(webhookId);
    if (!endpoint) return { ...tally, next: { kind: 'stopped', reason: 'deleted' } };
    if (!endpoint.enabled) return { ...tally, next: { kind: 'stopped', reason: 'disabled' } };
    const secret = this.secrets.decrypt(endpoint.secretSealed);
    const queue = await this.db.repos.webhookDeliveries.queue(webhookId, PAGE);
    const budgetEnds = Date.now() + STEP_BUDGET_MS;
    for (const delivery of queue) {
      if (delivery.nextAttemptAt.getTime() > Date.now()) {
        return { ...tally, next: { kind: 'waiting', at: delivery.nextAttemptAt.getTime() } };
      }
      if (Date.now() > budgetEnds || stopping?.aborted) return { ...tally, next: { kind: 'due' } };
      const outcome = await this.attempt(endpoint, secret, delivery);
      if (outcome.kind === 'gone') return { ...tally, next: { kind: 'stopped', reason: 'disabled' } };
      // Another run of the step recorded this delivery first (its activity was retried while it still ran).
      if (outcome.kind === 'overtaken') return { ...tally, next: { kind: 'due' } };
      // The queue waits for its first delivery.
      if (outcome.kind === 'retry') return { ...tally, next: { kind: 'waiting', at: outcome.at.getTime() } };
      tally[outcome.kind] += 1;
    }
    // Deliveries may have been queued while this page went out: a step that found some looks once more.
    return { ...tally, next: queue.length > 0 ? { kind: 'due' } : { kind: 'empty' } };
  }

  /** Enabled endpoints with deliveries pending (for waking their jobs when a worker starts). */
  endpointsWithPending(): Promise<string[]> {
    return this.db.repos.webhookDeliveries.endpointsWithPending();
  }

  /** Posts one delivery and records what came of it. */
  private async attempt(endpoint: DeliveryEndpoint, secret: string, delivery: QueuedDelivery): Promise<AttemptOutcome> {
    const at = new Date();
    const result = await this.sender.post({
      url: endpoint.url,
      secret,
      id: webhookMessageId(delivery.eventId),
      at,
      body:
        endpoint.format === 'smartlead'
          ? JSON.stringify(smartleadPayload(endpoint, delivery))
          : webhookMessageBody(delivery.event),
    });
    const attempt: DeliveryAttempt = { at, ...result };
    const verdict = this.judge(result, delivery, new Date());
    const recorded = await this.db.repos.webhookDeliveries.recordAttempt(delivery, attempt, verdict);
    if (!recorded) return { kind: 'overtaken' };
    const outcome = outcomeOf(result, verdict);
    if (outcome.kind === 'gone') {
      await this.db.repos.webhookDeliveries.disableEndpoint(endpoint.id, goneReason(at));
    }
    return outcome;
  }

  /**
   * 2xx: delivered. 410 Gone: the endpoint is disabled, and the delivery stays pending for when it is enabled again.
   * Anything else (another status, no answer): retried on the schedule, then failed.
   */
  private judge(result: WebhookPostResult, delivery: QueuedDelivery, now: Date): DeliveryVerdict {
    if (isSuccess(result)) return { status: 'delivered' };
    if (result.statusCode === 410) return { status: 'pending', nextAttemptAt: now };
    const failure = { attempts: delivery.attempts + 1, queuedAt: delivery.queuedAt, now };
    const retryAt = nextRetryAt(this.schedule, failure, this.random());
    return retryAt ? { status: 'pending', nextAttemptAt: retryAt } : { status: 'failed' };
  }
}

function isSuccess(result: WebhookPostResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

/** The attempt as the queue sees it: moved on (delivered, failed), stopped (gone), or held until a retry. */
function outcomeOf(result: WebhookPostResult, verdict: DeliveryVerdict): AttemptOutcome {
  switch (verdict.status) {
    case 'delivered':
    case 'failed':
      return { kind: verdict.status };
    case 'pending':
      return result.statusCode === 410 ? { kind: 'gone' } : { kind: 'retry', at: verdict.nextAttemptAt };
  }
}

/** The `webhook-id` of an event's message: the same on every retry and to every endpoint, for receivers to dedupe. */
export function webhookMessageId(eventId: string): string {
  return `evt_${eventId}`;
}

/** The message as in Standard Webhooks: `{"type", "timestamp", "data"}`, the event's time and payload. */
export function webhookMessageBody(event: QueuedDelivery['event']): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data });
}

function goneReason(at: Date): string {
  return `The endpoint answered 410 Gone on ${at.toISOString()}: deliveries stopped until it is enabled again.`;
}
