import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One table of everything that happened (`events`): what analytics count and what webhooks deliver. Webhook
 * endpoints (`webhooks`), and one delivery row per (endpoint, event) it subscribes to (`webhook_deliveries`).
 *
 * A trigger fans every inserted event out to the subscribed endpoints, in the transaction that inserted it: so an
 * event is never committed without its deliveries, whichever code path reported it, and no producer needs to know
 * about webhooks. It then notifies the channel `webhook_deliveries` with each endpoint's id; Postgres delivers the
 * notification only when the transaction commits, which is when the worker may start delivering.
 */
export class EventsAndWebhooks1765500000000 implements MigrationInterface {
  name = 'EventsAndWebhooks1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE events (
        id bigserial PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        type text NOT NULL,
        campaign_id uuid,
        mailbox_id uuid,
        enrollment_id uuid,
        contact_id uuid,
        step_position integer,
        recipient_domain text,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        data jsonb NOT NULL,
        dedupe_key text
      )`);
    await q.query(`CREATE UNIQUE INDEX events_dedupe_key_key ON events (dedupe_key) WHERE dedupe_key IS NOT NULL`);
    await q.query(
      `CREATE INDEX events_campaign_id_occurred_at_idx ON events (campaign_id, occurred_at)
         INCLUDE (type, step_position, enrollment_id) WHERE campaign_id IS NOT NULL`,
    );
    // What the organization's overview groups by (campaign, mailbox, recipient provider), read from the index alone.
    await q.query(
      `CREATE INDEX events_organization_id_occurred_at_idx ON events (organization_id, occurred_at)
         INCLUDE (type, campaign_id, mailbox_id, step_position, recipient_domain)`,
    );
    await q.query(
      `CREATE INDEX events_mailbox_id_occurred_at_idx ON events (mailbox_id, occurred_at) INCLUDE (type, step_position)
         WHERE mailbox_id IS NOT NULL`,
    );
    // Replies and bounces, few among the sends: analytics read their rows (a reply's lead, a bounce's source).
    await q.query(
      `CREATE INDEX events_replies_idx ON events (organization_id, occurred_at) WHERE type = 'email.replied'`,
    );
    await q.query(
      `CREATE INDEX events_bounces_idx ON events (organization_id, occurred_at) WHERE type = 'email.bounced'`,
    );

    await q.query(`CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        campaign_id uuid REFERENCES campaigns (id) ON DELETE CASCADE,
        url text NOT NULL,
        event_types text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        description text,
        secret_sealed text NOT NULL,
        disabled_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhooks_organization_id_idx ON webhooks (organization_id)`);

    await q.query(`CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        last_status_code integer,
        last_latency_ms integer,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_webhook_id_event_id_key UNIQUE (webhook_id, event_id),
        CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed'))
      )`);
    // The queue of each endpoint, oldest event first.
    await q.query(
      `CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (webhook_id, event_id)
         WHERE status = 'pending'`,
    );

    await q.query(`CREATE FUNCTION events_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        endpoint uuid;
      BEGIN
        FOR endpoint IN
          WITH queued AS (
            INSERT INTO webhook_deliveries (webhook_id, event_id)
            SELECT webhook.id, event.id
              FROM new_events event
              JOIN webhooks webhook
                ON webhook.organization_id = event.organization_id
               AND webhook.enabled
               AND event.type = ANY (webhook.event_types)
               AND (webhook.campaign_id IS NULL OR webhook.campaign_id = event.campaign_id)
            RETURNING webhook_id
          )
          SELECT DISTINCT webhook_id FROM queued
        LOOP
          PERFORM pg_notify('webhook_deliveries', endpoint::text);
        END LOOP;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER events_fan_out AFTER INSERT ON events
      REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION events_fan_out()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER events_fan_out ON events');
    await q.query('DROP FUNCTION events_fan_out()');
    await q.query('DROP TABLE webhook_deliveries');
    await q.query('DROP TABLE webhooks');
    await q.query('DROP TABLE events');
  }
}
