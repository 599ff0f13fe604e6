import type { EntityManager } from 'typeorm';
import type { EventType } from '../entities/event.entity';

/** An event to record; the scope fields are what analytics filter and group by. */
export interface NewEvent {
  organizationId: string;
  type: EventType;
  campaignId?: string | null;
  mailboxId?: string | null;
  enrollmentId?: string | null;
  contactId?: string | null;
  stepPosition?: number | null;
  /** The recipient's address or domain, for email events (only the domain is kept). */
  recipient?: string | null;
  occurredAt?: Date;
  /** The webhook payload's `data`. */
  data: Record<string, unknown>;
  /** Names an event a retry may report again: a second record with the same key is skipped. */
  dedupeKey?: string | null;
}

export class EventRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Records the events in one statement, in the caller's transaction when it has one: their webhook deliveries are
   * queued by the table's trigger in the same statement. Events whose `dedupeKey` was recorded before are skipped.
   */
  async record(events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map((event) => ({
      organization_id: event.organizationId,
      type: event.type,
      campaign_id: event.campaignId ?? null,
      mailbox_id: event.mailboxId ?? null,
      enrollment_id: event.enrollmentId ?? null,
      contact_id: event.contactId ?? null,
      step_position: event.stepPosition ?? null,
      recipient_domain: domainOf(event.recipient),
      occurred_at: (event.occurredAt ?? new Date()).toISOString(),
      data: event.data,
      dedupe_key: event.dedupeKey ?? null,
    }));
    await this.manager.query(
      `INSERT INTO events (organization_id, type, campaign_id, mailbox_id, enrollment_id, contact_id, step_position,
                           recipient_domain, occurred_at, data, dedupe_key)
       SELECT organization_id, type, campaign_id, mailbox_id, enrollment_id, contact_id, step_position,
              recipient_domain, occurred_at, data, dedupe_key
         FROM jsonb_to_recordset($1::jsonb) AS event(
                organization_id uuid, type text, campaign_id uuid, mailbox_id uuid, enrollment_id uuid,
                contact_id uuid, step_position integer, recipient_domain text, occurred_at timestamptz, data jsonb,
                dedupe_key text)
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }
}

/** `ada@Example.com` or `example.com` → `example.com`. */
function domainOf(recipient: string | null | undefined): string | null {
  if (!recipient) return null;
  const domain = recipient
    .slice(recipient.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
  return domain === '' ? null : domain;
}
