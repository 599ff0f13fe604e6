import type { DeliveryEndpoint, QueuedDelivery } from '../../src/db/repositories/webhook-delivery.repository';
import {
  nativeEventType,
  SMARTLEAD_EVENT_TYPES,
  smartleadEventType,
  smartleadPayload,
} from '../../src/domain/webhooks/smartlead-payload';

const endpoint: DeliveryEndpoint = {
  id: '0b6c1f3e-8a4d-4e2f-9c1a-7d5e3b2a1f00',
  url: 'https://crm.example.com/hooks/smartlead',
  enabled: true,
  secretSealed: 'sealed',
  format: 'smartlead',
  alias: 217,
  name: 'Replies to the CRM',
};

const occurredAt = new Date('2024-01-16T09:00:00.000Z');

function delivery(type: QueuedDelivery['event']['type'], data: Record<string, unknown>): QueuedDelivery {
  return {
    id: 'd1',
    eventId: '42',
    attempts: 0,
    nextAttemptAt: occurredAt,
    queuedAt: occurredAt,
    event: { type, occurredAt, data },
    about: {
      campaign: { alias: 12345, name: 'Q1 Outreach', status: 'active' },
      lead: 789,
      campaignLead: 5550,
    },
  };
}

const message = {
  message_id: '<abc@founders.example>',
  campaign_id: 'c-uuid',
  enrollment_id: 'e-uuid',
  contact_id: 'l-uuid',
  mailbox_id: 'm-uuid',
  to_email: 'ada@example.com',
  step: 2,
};

describe("Sequencer's events in Smartlead's webhook shapes", () => {
  it('when a Smartlead name or a synonym is read, then it maps onto our event type, both ways', () => {
    expect(nativeEventType('EMAIL_REPLY')).toBe('email.replied');
    expect(nativeEventType('email_open')).toBe('email.opened');
    expect(nativeEventType('EMAIL_CLICKED')).toBe('email.clicked');
    expect(nativeEventType('CAMPAIGN_STATUS_CHANGE')).toBe('campaign.status_changed');
    expect(nativeEventType('MANUAL_STEP_REACHED')).toBeNull();
    for (const name of SMARTLEAD_EVENT_TYPES) expect(smartleadEventType(nativeEventType(name)!)).toBe(name);
    expect(smartleadEventType('mailbox.error')).toBeNull();
  });

  it('when an email is sent, then the payload is EMAIL_SENT with the aliases, the message fields and our event', () => {
    const payload = smartleadPayload(
      endpoint,
      delivery('email.sent', { ...message, from_email: 'grace@founders.example', subject: 'Quick question' }),
    );

    expect(payload).toMatchObject({
      event_type: 'EMAIL_SENT',
      event_timestamp: '2024-01-16T09:00:00.000Z',
      time_sent: '2024-01-16T09:00:00.000Z',
      webhook_id: 217,
      webhook_name: 'Replies to the CRM',
      campaign_id: 12345,
      campaign_name: 'Q1 Outreach',
      campaign_status: 'ACTIVE',
      sl_email_lead_id: 789,
      sl_email_lead_map_id: 5550,
      sl_lead_email: 'ada@example.com',
      from_email: 'grace@founders.example',
      to_email: 'ada@example.com',
      subject: 'Quick question',
      sequence_number: 2,
      sent_message: { message_id: '<abc@founders.example>', time: '2024-01-16T09:00:00.000Z' },
      sequencer: { event_id: '42', type: 'email.sent' },
    });
  });

  it('when a lead replies, then EMAIL_REPLY carries the reply text, preview and category', () => {
    const payload = smartleadPayload(
      endpoint,
      delivery('email.replied', { ...message, text: 'Sounds good', snippet: 'Sounds good', category: 'interested' }),
    );

    expect(payload).toMatchObject({
      event_type: 'EMAIL_REPLY',
      reply_message: { text: 'Sounds good', time: '2024-01-16T09:00:00.000Z' },
      reply_body: 'Sounds good',
      preview_text: 'Sounds good',
      lead_category: 'interested',
    });
  });

  it("when a category or a campaign's status changes, then the old and new values are in Smartlead's words", () => {
    const category = smartleadPayload(
      endpoint,
      delivery('lead.category_changed', { email: 'ada@example.com', old_category: 'interested', new_category: 'x' }),
    );
    const status = smartleadPayload(
      endpoint,
      delivery('campaign.status_changed', {
        campaign_id: 'c',
        name: 'Q1',
        old_status: 'pending',
        new_status: 'paused',
      }),
    );

    expect(category).toMatchObject({
      event_type: 'LEAD_CATEGORY_UPDATED',
      lead_category: { old_name: 'interested', new_name: 'x' },
    });
    expect(status).toMatchObject({
      event_type: 'CAMPAIGN_STATUS_CHANGED',
      old_status: 'DRAFTED',
      new_status: 'PAUSED',
      campaign_status: 'PAUSED',
    });
  });

  it('when the event names no campaign or lead, then their ids are null', () => {
    const unsubscribed: QueuedDelivery = {
      ...delivery('lead.unsubscribed', { email: 'ada@example.com', scope: 'global' }),
      about: { campaign: null, lead: 789, campaignLead: null },
    };
    expect(smartleadPayload(endpoint, unsubscribed)).toMatchObject({
      event_type: 'LEAD_UNSUBSCRIBED',
      campaign_id: null,
      campaign_status: null,
      sl_email_lead_id: 789,
      sl_email_lead_map_id: null,
      to_email: 'ada@example.com',
    });
  });
});
