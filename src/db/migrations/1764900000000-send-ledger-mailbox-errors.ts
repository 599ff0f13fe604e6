import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sends are counted against daily, per-campaign and monthly limits in a ledger that outlives campaigns: counting
 * `messages` rows, which are deleted with their campaign, let a deleted campaign reset its mailboxes' day.
 * Mailboxes get an `error` state with the SMTP reply that put them there (a refused login, a TLS failure).
 */
export class SendLedgerMailboxErrors1764900000000 implements MigrationInterface {
  name = 'SendLedgerMailboxErrors1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE send_ledger (
        enrollment_id uuid NOT NULL,
        step_position integer NOT NULL,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL,
        mailbox_id uuid NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        counted boolean NOT NULL,
        claimed_at timestamptz NOT NULL,
        CONSTRAINT send_ledger_pkey PRIMARY KEY (enrollment_id, step_position)
      )`);
    await q.query(
      'CREATE INDEX send_ledger_mailbox_id_claimed_at_idx ON send_ledger (mailbox_id, claimed_at) WHERE counted',
    );
    await q.query(
      'CREATE INDEX send_ledger_campaign_id_claimed_at_idx ON send_ledger (campaign_id, claimed_at) WHERE counted',
    );
    await q.query(
      'CREATE INDEX send_ledger_organization_id_claimed_at_idx ON send_ledger (organization_id, claimed_at) WHERE counted',
    );
    await q.query(`
      INSERT INTO send_ledger (enrollment_id, step_position, organization_id, campaign_id, mailbox_id, counted, claimed_at)
      SELECT enrollment_id, step_position, organization_id, campaign_id, mailbox_id,
             status IN ('sending', 'sent', 'unknown', 'bounced'), created_at
        FROM messages`);
    await q.query('ALTER TABLE mailboxes ADD COLUMN smtp_error text');
    await q.query('ALTER TABLE mailboxes ADD COLUMN smtp_error_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE mailboxes SET status = 'disabled' WHERE status = 'error'`);
    await q.query('ALTER TABLE mailboxes DROP COLUMN smtp_error_at');
    await q.query('ALTER TABLE mailboxes DROP COLUMN smtp_error');
    await q.query('DROP TABLE send_ledger');
  }
}
