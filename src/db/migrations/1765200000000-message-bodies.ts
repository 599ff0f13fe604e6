import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What was said, kept: the text and HTML body of every message as it was sent (`messages.body_text`, `body_html`:
 * null for messages sent before they were kept, and for a send interrupted before it settled), the text of every
 * reply read (`replies.body_text`), and the replies an operator sends in a conversation (`manual_replies`): an outbox
 * row per reply, written `pending` by the API, claimed `sending` before SMTP and settled after, like a step's.
 */
export class MessageBodies1765200000000 implements MigrationInterface {
  name = 'MessageBodies1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE messages ADD COLUMN body_text text');
    await q.query('ALTER TABLE messages ADD COLUMN body_html text');
    await q.query('ALTER TABLE replies ADD COLUMN body_text text');
    await q.query(`
      CREATE TABLE manual_replies (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        enrollment_id uuid NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
        mailbox_id uuid NOT NULL REFERENCES mailboxes (id),
        idempotency_key text,
        message_id text NOT NULL,
        in_reply_to text NOT NULL,
        "references" text[] NOT NULL,
        to_email text NOT NULL,
        subject text NOT NULL,
        body_text text,
        body_html text,
        status text NOT NULL CONSTRAINT manual_replies_status_check
          CHECK (status IN ('pending', 'sending', 'sent', 'bounced', 'failed', 'unknown', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        smtp_response text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT manual_replies_body_check CHECK (body_text IS NOT NULL OR body_html IS NOT NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX manual_replies_enrollment_id_idempotency_key_key
         ON manual_replies (enrollment_id, idempotency_key)`,
    );
    await q.query('CREATE UNIQUE INDEX manual_replies_message_id_key ON manual_replies (message_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE manual_replies');
    await q.query('ALTER TABLE replies DROP COLUMN body_text');
    await q.query('ALTER TABLE messages DROP COLUMN body_html');
    await q.query('ALTER TABLE messages DROP COLUMN body_text');
  }
}
