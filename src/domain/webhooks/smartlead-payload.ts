// Sequencer's events in Smartlead's webhook names and payload shapes, for endpoints created through the
// Smartlead-compatible API (format `smartlead`). One table maps the event types both ways:
//
// | Smartlead event_type      | Sequencer event type   | also accepted on the way in            |
// |---------------------------|------------------------|----------------------------------------|
// | EMAIL_SENT                | email.sent             | FIRST_EMAIL_SENT (every send, not only step 1) |
// | EMAIL_OPEN                | email.opened           | EMAIL_OPENED                           |
// | EMAIL_LINK_CLICK          | email.clicked          | EMAIL_CLICKED                          |
// | EMAIL_REPLY               | email.replied          | EMAIL_REPLIED                          |
// | EMAIL_BOUNCE              | email.bounced          | EMAIL_BOUNCED                          |
// | LEAD_UNSUBSCRIBED         | lead.unsubscribed      | EMAIL_UNSUBSCRIBED                     |
// | LEAD_CATEGORY_UPDATED     | lead.category_changed  |                                        |
// | CAMPAIGN_STATUS_CHANGED   | campaign.status_changed| CAMPAIGN_STATUS_CHANGE                 |
//
// Smartlead types without a Sequencer event (MANUAL_STEP_REACHED, UNTRACKED_REPLIES…) are accepted and never fire;
// Sequencer's other events (email.complained, enrollment.*, campaign.completed, mailbox.*) have no Smartlead name.
import { smartleadStatusOf } from '../smartlead/smartlead-campaign-status';
import type { EventType } from '../../db/entities/event.entity';
import type { DeliveryEndpoint, QueuedDelivery } from '../../db/repositories/webhook-delivery.repository';

export const SMARTLEAD_EVENT_OF = {
  'email.sent': 'EMAIL_SENT',
  'email.opened': 'EMAIL_OPEN',
  'email.clicked': 'EMAIL_LINK_CLICK',
  'email.replied': 'EMAIL_REPLY',
  'email.bounced': 'EMAIL_BOUNCE',
  'lead.unsubscribed': 'LEAD_UNSUBSCRIBED',
  'lead.category_changed': 'LEAD_CATEGORY_UPDATED',
  'campaign.status_changed': 'CAMPAIGN_STATUS_CHANGED',
} as const satisfies Partial<Record<EventType, string>>;

export type SmartleadEventType = (typeof SMARTLEAD_EVENT_OF)[keyof typeof SMARTLEAD_EVENT_OF];
export const SMARTLEAD_EVENT_TYPES = Object.values(SMARTLEAD_EVENT_OF) as SmartleadEventType[];

/** Other spellings clients use for the same events. */
const SMARTLEAD_SYNONYMS: Record<string, SmartleadEventType> = {
  FIRST_EMAIL_SENT: 'EMAIL_SENT',
  EMAIL_OPENED: 'EMAIL_OPEN',
  EMAIL_CLICKED: 'EMAIL_LINK_CLICK',
  EMAIL_REPLIED: 'EMAIL_REPLY',
  EMAIL_BOUNCED: 'EMAIL_BOUNCE',
  EMAIL_UNSUBSCRIBED: 'LEAD_UNSUBSCRIBED',
  CAMPAIGN_STATUS_CHANGE: 'CAMPAIGN_STATUS_CHANGED',
};

const NATIVE_OF = Object.fromEntries(
  Object.entries(SMARTLEAD_EVENT_OF).map(([native, smartlead]) => [smartlead, native as EventType]),
) as Record<SmartleadEventType, EventType>;

/** Our event type of a Smartlead name (any case, synonyms too); null for one Sequencer has no event for. */
export function nativeEventType(name: string): EventType | null {
  const upper = name.trim().toUpperCase();
  const smartlead = (SMARTLEAD_SYNONYMS[upper] ?? upper) as SmartleadEventType;
  return NATIVE_OF[smartlead] ?? null;
}

/** The Smartlead name of one of our event types; null for one Smartlead has no name for. */
export function smartleadEventType(type: EventType): SmartleadEventType | null {
  return (SMARTLEAD_EVENT_OF as Partial<Record<EventType, SmartleadEventType>>)[type] ?? null;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The delivery's body in Smartlead's shape: `event_type` in Smartlead's name, `event_timestamp`, the webhook, the
 * campaign (`campaign_id` its integer alias), the lead (`sl_email_lead_id`, `sl_email_lead_map_id`), the message
 * fields Smartlead sends for the type, and `sequencer` — our own event type and payload, uuids included.
 */
export function smartleadPayload(endpoint: DeliveryEndpoint, delivery: QueuedDelivery): Record<string, unknown> {
  const { event, about } = delivery;
  const data = event.data;
  const at = event.occurredAt.toISOString();
  const base: Record<string, unknown> = {
    event_type: smartleadEventType(event.type) ?? event.type.toUpperCase().replace('.', '_'),
    event_timestamp: at,
    webhook_id: endpoint.alias,
    webhook_name: endpoint.name ?? '',
    webhook_url: endpoint.url,
    campaign_id: about.campaign?.alias ?? null,
    campaign_name: about.campaign?.name ?? text(data.name),
    campaign_status: smartleadStatusOf(about.campaign?.status),
    sl_email_lead_id: about.lead,
    sl_email_lead_map_id: about.campaignLead,
    sl_lead_email: text(data.to_email) ?? text(data.email),
    secret_key: null,
    client_id: null,
    sequencer: { event_id: delivery.eventId, type: event.type, data },
  };
  const step = typeof data.step === 'number' ? data.step : null;
  const message = {
    from_email: text(data.from_email),
    to_email: text(data.to_email) ?? text(data.email),
    subject: text(data.subject),
    sequence_number: step,
    stats_id: text(data.message_id),
    sent_message: { message_id: text(data.message_id), html: '', text: '', time: null },
  };
  switch (event.type) {
    case 'email.sent':
      return { ...base, ...message, time_sent: at, sent_message: { ...message.sent_message, time: at } };
    case 'email.opened':
      return { ...base, ...message, time_opened: at };
    case 'email.clicked':
      return { ...base, ...message, time_clicked: at, link_details: text(data.url) ? [text(data.url)] : [] };
    case 'email.replied':
      return {
        ...base,
        ...message,
        time_replied: at,
        reply_message: { message_id: null, html: text(data.text) ?? '', text: text(data.text) ?? '', time: at },
        reply_body: text(data.text) ?? '',
        preview_text: text(data.snippet) ?? '',
        lead_category: text(data.category),
      };
    case 'email.bounced':
      return {
        ...base,
        ...message,
        time_bounced: at,
        bounce_type: text(data.bounce_type),
        bounce_reply: text(data.smtp_response) ?? text(data.diagnostic),
      };
    case 'lead.unsubscribed':
      return { ...base, to_email: text(data.email), time_unsubscribed: at, unsubscribe_scope: text(data.scope) };
    case 'lead.category_changed':
      return {
        ...base,
        to_email: text(data.email),
        lead_category: { old_name: text(data.old_category), new_name: text(data.new_category) },
      };
    case 'campaign.status_changed':
      return {
        ...base,
        old_status: smartleadStatusOf(data.old_status),
        new_status: smartleadStatusOf(data.new_status),
        campaign_status: smartleadStatusOf(data.new_status),
      };
    // No Smartlead counterpart: an endpoint of this format is not subscribed to them, but a payload is still whole.
    case 'email.complained':
    case 'enrollment.completed':
    case 'enrollment.stopped':
    case 'campaign.completed':
    case 'mailbox.disabled':
    case 'mailbox.error':
      return base;
  }
}
