import crypto from 'node:crypto';
import type { SecretBox } from '../../crypto/secret-box';
import type { EventType } from '../../db/entities/event.entity';
import type { WebhookEntity, WebhookFormat } from '../../db/entities/webhook.entity';
import type { WebhookDeliveryStatus } from '../../db/entities/webhook-delivery.entity';
import type { Database } from '../../db/repositories';
import type { WebhookDeliveryRecord, WebhookFields } from '../../db/repositories/webhook.repository';
import type { OutboundHostPolicy } from '../../mail/outbound-host-policy';
import type { CampaignService } from '../campaigns/campaign.service';
import { AppError, notFound } from '../errors';
import type { WebhookJobsPort } from './webhook-jobs.port';
import { smartleadPayload } from './smartlead-payload';
import type { WebhookPostResult, WebhookSender } from './webhook-sender';
import { newWebhookSecret } from './webhook-signature';

// What the API layer shows of endpoints and deliveries (it does not reach into the database layer).
export { EVENT_TYPES, type EventType } from '../../db/entities/event.entity';
export { WEBHOOK_DELIVERY_STATUSES, type WebhookDeliveryStatus } from '../../db/entities/webhook-delivery.entity';
export type { WebhookEntity, WebhookFormat } from '../../db/entities/webhook.entity';
export type { WebhookDeliveryRecord } from '../../db/repositories/webhook.repository';

/** A new endpoint, as the API was given it. */
export interface WebhookInput {
  url: string;
  eventTypes: EventType[];
  /** Only this campaign's events; null or absent: the whole organization's. */
  campaignId?: string | null | undefined;
  enabled?: boolean | undefined;
  description?: string | null | undefined;
  /** How its deliveries are shaped (absent: `standard`); the Smartlead-compatible API creates `smartlead` ones. */
  format?: WebhookFormat | undefined;
}

/** A change to an endpoint: each field left out keeps its value (the format is kept for good). */
export type WebhookPatch = Partial<Omit<WebhookInput, 'format'>>;

/** An endpoint with its signing secret in clear: only when it was created or its secret rotated. */
export interface WebhookWithSecret {
  webhook: WebhookEntity;
  secret: string;
}

/** What `POST /webhooks/{id}/test` sent and what the endpoint answered. */
export interface WebhookTestResult {
  /** The `webhook-id` of the sample (never an event's: receivers that dedupe do not drop a real event for it). */
  messageId: string;
  eventType: EventType;
  sentAt: Date;
  result: WebhookPostResult;
}

/** Builds the sample `data` of an event type (the documented example). */
export type SampleData = (type: EventType) => Record<string, unknown>;

/** Webhook endpoints of an organization: create, read, change, delete; their deliveries, retries and test sends. */
export class WebhookService {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly campaigns: CampaignService,
    private readonly jobs: WebhookJobsPort,
    private readonly sender: WebhookSender,
    /** The outbound host policy: an endpoint's host is refused when saved (the sender vets it again at each post). */
    private readonly hosts: Pick<OutboundHostPolicy, 'refusalWithoutLookup'>,
  ) {}

  /** Creates an endpoint with a new signing secret, returned here in clear and never again. */
  async create(organizationId: string, input: WebhookInput): Promise<WebhookWithSecret> {
    this.checkUrl(input.url);
    const campaignId = input.campaignId ?? null;
    if (campaignId) await this.campaigns.require(organizationId, campaignId);
    const secret = newWebhookSecret();
    const webhook = await this.db.repos.webhooks.insert(organizationId, {
      url: input.url,
      eventTypes: unique(input.eventTypes),
      campaignId,
      enabled: input.enabled ?? true,
      description: input.description ?? null,
      secretSealed: this.secrets.encrypt(secret),
      disabledReason: null,
      format: input.format ?? 'standard',
    });
    return { webhook, secret };
  }

  /** The organization's endpoints, oldest first. */
  list(organizationId: string): Promise<WebhookEntity[]> {
    return this.db.repos.webhooks.list(organizationId);
  }

  /** The organization's endpoint, or `webhook_not_found`. */
  async get(organizationId: string, id: string): Promise<WebhookEntity> {
    const webhook = await this.db.repos.webhooks.findById(organizationId, id);
    if (!webhook) throw notFound('webhook_not_found', 'Webhook');
    return webhook;
  }

  /**
   * Changes the given fields. Enabling or disabling by hand clears the reason the server disabled it for (a 410);
   * re-enabling wakes its delivery job, so what waited in its queue goes out in order.
   */
  async update(organizationId: string, id: string, patch: WebhookPatch): Promise<WebhookEntity> {
    const webhook = await this.get(organizationId, id);
    if (patch.url !== undefined) this.checkUrl(patch.url);
    if (patch.campaignId) await this.campaigns.require(organizationId, patch.campaignId);
    const changes: Partial<WebhookFields> = {};
    if (patch.url !== undefined) changes.url = patch.url;
    if (patch.eventTypes !== undefined) changes.eventTypes = unique(patch.eventTypes);
    if (patch.campaignId !== undefined) changes.campaignId = patch.campaignId;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.enabled !== undefined) {
      changes.enabled = patch.enabled;
      changes.disabledReason = null;
    }
    const updated = await this.db.repos.webhooks.update(webhook, changes);
    if (updated.enabled && !webhook.enabled && (await this.db.repos.webhooks.hasPending(id))) {
      await this.jobs.wake(id);
    }
    return updated;
  }

  /** Deletes the endpoint and its delivery log; what was still queued for it is not sent. */
  async delete(organizationId: string, id: string): Promise<void> {
    if (!(await this.db.repos.webhooks.delete(organizationId, id))) throw notFound('webhook_not_found', 'Webhook');
  }

  /** Replaces the signing secret: deliveries from now on are signed with the new one, returned here once. */
  async rotateSecret(organizationId: string, id: string): Promise<WebhookWithSecret> {
    const webhook = await this.get(organizationId, id);
    const secret = newWebhookSecret();
    const updated = await this.db.repos.webhooks.update(webhook, { secretSealed: this.secrets.encrypt(secret) });
    return { webhook: updated, secret };
  }

  /** One page of the endpoint's deliveries, newest event first, optionally of one status; and how many there are. */
  async deliveries(
    organizationId: string,
    id: string,
    query: { status?: WebhookDeliveryStatus | undefined; page: number; perPage: number },
  ): Promise<{ deliveries: WebhookDeliveryRecord[]; total: number }> {
    await this.get(organizationId, id);
    return this.db.repos.webhooks.deliveries(id, {
      status: query.status,
      offset: (query.page - 1) * query.perPage,
      limit: query.perPage,
    });
  }

  /** One delivery of the endpoint, or `webhook_delivery_not_found`. */
  async delivery(organizationId: string, id: string, deliveryId: string): Promise<WebhookDeliveryRecord> {
    await this.get(organizationId, id);
    const delivery = await this.db.repos.webhooks.delivery(id, deliveryId);
    if (!delivery) throw notFound('webhook_delivery_not_found', 'Webhook delivery');
    return delivery;
  }

  /**
   * Sends a failed or pending delivery again now: it is queued as pending (its attempts kept) and the endpoint's job
   * woken. It goes in its place in the endpoint's order: after nothing older that is still pending.
   */
  async retry(
    organizationId: string,
    id: string,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDeliveryRecord; endpointEnabled: boolean }> {
    const webhook = await this.get(organizationId, id);
    const delivery = await this.db.repos.webhooks.requeue(id, deliveryId);
    if (!delivery) throw notFound('webhook_delivery_not_found', 'Webhook delivery');
    if (delivery.status === 'delivered') {
      throw new AppError(
        'webhook_delivery_not_retryable',
        'This delivery reached the endpoint already (delivered); only a failed or pending delivery can be sent again.',
        { extra: { current_state: delivery.status } },
      );
    }
    // A disabled endpoint's job sends nothing: the delivery waits for PATCH {"enabled": true}, which wakes it.
    if (webhook.enabled) await this.jobs.wake(id);
    return { delivery, endpointEnabled: webhook.enabled };
  }

  /**
   * Posts a signed sample event (of `type`, else the endpoint's first subscribed type) to the endpoint now, and
   * answers what it returned, in the endpoint's format. Nothing is recorded: it is not an event, and it is sent even
   * while disabled.
   */
  async test(
    organizationId: string,
    id: string,
    type: EventType | undefined,
    sampleData: SampleData,
  ): Promise<WebhookTestResult> {
    const webhook = await this.get(organizationId, id);
    const eventType = type ?? webhook.eventTypes[0] ?? 'email.sent';
    const sentAt = new Date();
    const messageId = `evt_test_${crypto.randomUUID()}`;
    const data = sampleData(eventType);
    const body = JSON.stringify(
      webhook.format === 'smartlead'
        ? smartleadPayload(
            { ...webhook, secretSealed: '', name: webhook.description },
            {
              id: messageId,
              eventId: messageId,
              attempts: 0,
              nextAttemptAt: sentAt,
              queuedAt: sentAt,
              event: { type: eventType, occurredAt: sentAt, data },
              // A sample names no real campaign or lead.
              about: { campaign: null, lead: null, campaignLead: null },
            },
          )
        : { type: eventType, timestamp: sentAt.toISOString(), data },
    );
    const result = await this.sender.post({
      url: webhook.url,
      secret: this.secrets.decrypt(webhook.secretSealed),
      id: messageId,
      at: sentAt,
      body,
    });
    return { messageId, eventType, sentAt, result };
  }

  /** Refuses, before anything is saved, a host the outbound host policy refuses whatever DNS says. */
  private checkUrl(url: string): void {
    const refusal = webhookUrlRefusal(url, this.hosts);
    if (refusal) {
      throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
        errors: [`url: ${refusal}`],
      });
    }
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/**
 * Why webhooks may not be sent to the URL's host whatever DNS says (an IP literal in a refused range, a cloud metadata
 * host name), or null; other names are vetted by the sender at each delivery, by what they resolve to then. The
 * policy decides (OUTBOUND_HOSTS, OUTBOUND_ALLOW) and names what the host is; the rest of its message speaks of mail
 * servers, so the advice is the webhooks' own.
 */
export function webhookUrlRefusal(url: string, hosts: Pick<OutboundHostPolicy, 'refusalWithoutLookup'>): string | null {
  const host = new URL(url).hostname;
  const refusal = hosts.refusalWithoutLookup(host);
  if (refusal === null) return null;
  // "169.254.169.254 is a cloud metadata address: mail connections there are refused…" → its first clause.
  const what = refusal.split(': ')[0] ?? refusal;
  const entry = host.replace(/^\[(.*)\]$/, '$1');
  return (
    `${what}: webhooks are never sent there. Give the public host name or address of your endpoint; if this ` +
    `address is yours, the operator can allow it with OUTBOUND_ALLOW=${entry}`
  );
}
