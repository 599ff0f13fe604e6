import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organizations and keys, contacts, mailboxes, campaigns with steps, enrollments and the message outbox. */
export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        monthly_limit integer,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        name text NOT NULL,
        key_prefix text NOT NULL,
        key_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash)`);
    await q.query(`CREATE INDEX api_keys_organization_id_idx ON api_keys (organization_id)`);

    await q.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        email text NOT NULL,
        email_valid boolean,
        status text NOT NULL DEFAULT 'active',
        timezone text,
        fields jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX contacts_organization_id_email_key ON contacts (organization_id, email)`);

    await q.query(`
      CREATE TABLE mailboxes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        label text,
        smtp_host text NOT NULL,
        smtp_port integer NOT NULL,
        smtp_security text NOT NULL,
        smtp_username text NOT NULL,
        smtp_password_encrypted text NOT NULL,
        from_email text NOT NULL,
        from_name text,
        imap_host text,
        imap_port integer,
        imap_username text,
        imap_password_encrypted text,
        daily_limit integer NOT NULL,
        status text NOT NULL DEFAULT 'active',
        disabled_at timestamptz,
        disabled_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX mailboxes_organization_id_smtp_host_smtp_username_key
         ON mailboxes (organization_id, smtp_host, smtp_username)`,
    );

    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        name text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        outreach_id uuid,
        min_wait_seconds integer NOT NULL DEFAULT 120,
        max_wait_seconds integer NOT NULL DEFAULT 420,
        verify_email_mx boolean NOT NULL DEFAULT false,
        bounce_rate_threshold numeric(5,2) NOT NULL DEFAULT 8.0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX campaigns_organization_id_created_at_idx ON campaigns (organization_id, created_at)`);

    await q.query(`
      CREATE TABLE campaign_mailboxes (
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        mailbox_id uuid NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        PRIMARY KEY (campaign_id, mailbox_id)
      )`);
    await q.query(`CREATE INDEX campaign_mailboxes_mailbox_id_idx ON campaign_mailboxes (mailbox_id)`);

    await q.query(`
      CREATE TABLE sequence_steps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        position integer NOT NULL,
        delay_minutes numeric(12,4) NOT NULL,
        subject text NOT NULL,
        body_html text NOT NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX sequence_steps_campaign_id_position_key ON sequence_steps (campaign_id, position)`,
    );

    await q.query(`
      CREATE TABLE enrollments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        contact_id uuid NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        batch_number integer NOT NULL DEFAULT 1,
        priority integer NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'pending',
        current_step integer NOT NULL DEFAULT 0,
        next_send_at timestamptz,
        mailbox_id uuid REFERENCES mailboxes (id) ON DELETE SET NULL,
        workflow_id text NOT NULL,
        started_at timestamptz,
        finished_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX enrollments_campaign_id_contact_id_key ON enrollments (campaign_id, contact_id)`,
    );
    await q.query(
      `CREATE INDEX enrollments_campaign_id_status_batch_number_idx ON enrollments (campaign_id, status, batch_number)`,
    );
    await q.query(`CREATE INDEX enrollments_contact_id_idx ON enrollments (contact_id)`);

    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
        step_position integer NOT NULL,
        mailbox_id uuid NOT NULL REFERENCES mailboxes (id),
        message_id text NOT NULL,
        status text NOT NULL,
        to_email text NOT NULL,
        subject text NOT NULL,
        smtp_response text,
        attempts integer NOT NULL DEFAULT 0,
        sent_at timestamptz,
        opened_at timestamptz,
        clicked_at timestamptz,
        replied_at timestamptz,
        bounced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX messages_enrollment_id_step_position_key ON messages (enrollment_id, step_position)`,
    );
    await q.query(`CREATE UNIQUE INDEX messages_message_id_key ON messages (message_id)`);
    await q.query(`CREATE INDEX messages_campaign_id_status_idx ON messages (campaign_id, status)`);
    await q.query(`CREATE INDEX messages_mailbox_id_sent_at_idx ON messages (mailbox_id, sent_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'messages',
      'enrollments',
      'sequence_steps',
      'campaign_mailboxes',
      'campaigns',
      'mailboxes',
      'contacts',
      'api_keys',
      'organizations',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
