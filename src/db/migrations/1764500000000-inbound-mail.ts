import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the mailbox monitors read over IMAP: a durable cursor per folder, the replies and bounce/complaint reports
 * matched to enrollments (unique per mailbox and inbound Message-ID, so a rescan never records one twice), and the
 * mailbox's IMAP health and bounce-rate window.
 */
export class InboundMail1764500000000 implements MigrationInterface {
  name = 'InboundMail1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE mailboxes
        ADD COLUMN imap_security text
          CONSTRAINT mailboxes_imap_security_check CHECK (imap_security IN ('tls', 'starttls', 'none')),
        ADD COLUMN imap_status text
          CONSTRAINT mailboxes_imap_status_check CHECK (imap_status IN ('connected', 'error')),
        ADD COLUMN imap_error text,
        ADD COLUMN imap_checked_at timestamptz,
        ADD COLUMN health_since timestamptz`);
    await q.query(`
      CREATE TABLE mailbox_cursors (
        mailbox_id uuid NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        folder text NOT NULL,
        uid_validity bigint NOT NULL,
        last_uid bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (mailbox_id, folder)
      )`);
    await q.query(`
      CREATE TABLE replies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        mailbox_id uuid NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        inbound_message_id text NOT NULL,
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        message_id uuid REFERENCES messages (id) ON DELETE SET NULL,
        kind text NOT NULL CONSTRAINT replies_kind_check CHECK (kind IN ('reply', 'auto_reply')),
        confidence text NOT NULL CONSTRAINT replies_confidence_check CHECK (confidence IN ('high', 'low')),
        from_email text,
        subject text NOT NULL,
        snippet text NOT NULL,
        folder text NOT NULL,
        received_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX replies_mailbox_id_inbound_message_id_key ON replies (mailbox_id, inbound_message_id)`,
    );
    await q.query(`CREATE INDEX replies_campaign_id_received_at_idx ON replies (campaign_id, received_at)`);
    await q.query(`CREATE INDEX replies_enrollment_id_idx ON replies (enrollment_id)`);
    await q.query(`
      CREATE TABLE bounces (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        mailbox_id uuid NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        inbound_message_id text NOT NULL,
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        message_id uuid REFERENCES messages (id) ON DELETE SET NULL,
        kind text NOT NULL CONSTRAINT bounces_kind_check CHECK (kind IN ('hard', 'soft', 'complaint')),
        recipient text,
        status text,
        diagnostic text,
        received_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX bounces_mailbox_id_inbound_message_id_key ON bounces (mailbox_id, inbound_message_id)`,
    );
    await q.query(`CREATE INDEX bounces_campaign_id_received_at_idx ON bounces (campaign_id, received_at)`);
    await q.query(`CREATE INDEX bounces_enrollment_id_idx ON bounces (enrollment_id)`);
    // Correlating a reply by its sender: the contact's enrollments on the mailbox that received it.
    await q.query(`CREATE INDEX enrollments_mailbox_id_contact_id_idx ON enrollments (mailbox_id, contact_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX enrollments_mailbox_id_contact_id_idx`);
    await q.query(`DROP TABLE bounces`);
    await q.query(`DROP TABLE replies`);
    await q.query(`DROP TABLE mailbox_cursors`);
    await q.query(`
      ALTER TABLE mailboxes
        DROP COLUMN imap_security, DROP COLUMN imap_status, DROP COLUMN imap_error, DROP COLUMN imap_checked_at,
        DROP COLUMN health_since`);
  }
}
