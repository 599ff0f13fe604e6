import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Step-1 claims reserve their slot in per-day counters instead of counting the send ledger on every claim: one row
 * per mailbox and day (its daily limit) and per campaign and day (`max_new_per_day`), each updated under a
 * condition so the limit holds across workers. A mailbox counts its day in one timezone of its own — the timezone
 * of the campaign it was first saved with — so campaigns in different zones sharing it cannot each fill a day.
 * Ledger entries remember the days they were counted in, so a failed attempt gives its slot back to that day.
 * A mailbox that must rest between sends is held while it transmits (`sending_message_id`, `sending_until`), so a
 * slow send cannot eat into the rest before the next one.
 */
export class SendQuotas1765000000000 implements MigrationInterface {
  name = 'SendQuotas1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mailboxes ADD COLUMN timezone text NOT NULL DEFAULT 'UTC'`);
    await q.query('ALTER TABLE mailboxes ADD COLUMN sending_until timestamptz');
    await q.query('ALTER TABLE mailboxes ADD COLUMN sending_message_id text');
    await q.query(`
      UPDATE mailboxes mailbox SET timezone = first_campaign.zone
        FROM (SELECT DISTINCT ON (link.mailbox_id) link.mailbox_id, campaign.schedule->>'timezone' AS zone
                FROM campaign_mailboxes link JOIN campaigns campaign ON campaign.id = link.campaign_id
               ORDER BY link.mailbox_id, campaign.created_at) first_campaign
       WHERE first_campaign.mailbox_id = mailbox.id
         AND first_campaign.zone IN (SELECT name FROM pg_timezone_names)`);

    await q.query(`
      CREATE TABLE mailbox_days (
        mailbox_id uuid NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        day date NOT NULL,
        new_conversations integer NOT NULL,
        CONSTRAINT mailbox_days_pkey PRIMARY KEY (mailbox_id, day)
      )`);
    await q.query(`
      CREATE TABLE campaign_days (
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        day date NOT NULL,
        new_conversations integer NOT NULL,
        CONSTRAINT campaign_days_pkey PRIMARY KEY (campaign_id, day)
      )`);

    await q.query('ALTER TABLE send_ledger ADD COLUMN mailbox_day date');
    await q.query('ALTER TABLE send_ledger ADD COLUMN campaign_day date');
    await q.query(`
      UPDATE send_ledger ledger
         SET mailbox_day = (ledger.claimed_at AT TIME ZONE mailbox.timezone)::date
        FROM mailboxes mailbox
       WHERE mailbox.id = ledger.mailbox_id AND ledger.step_position = 1`);
    await q.query(`
      UPDATE send_ledger ledger
         SET campaign_day = (ledger.claimed_at AT TIME ZONE coalesce(campaign.schedule->>'timezone', 'UTC'))::date
        FROM campaigns campaign
       WHERE campaign.id = ledger.campaign_id AND ledger.step_position = 1`);
    await q.query(`
      INSERT INTO mailbox_days (mailbox_id, day, new_conversations)
      SELECT mailbox_id, mailbox_day, count(*) FROM send_ledger
       WHERE counted AND mailbox_day IS NOT NULL GROUP BY mailbox_id, mailbox_day`);
    await q.query(`
      INSERT INTO campaign_days (campaign_id, day, new_conversations)
      SELECT ledger.campaign_id, ledger.campaign_day, count(*) FROM send_ledger ledger
        JOIN campaigns campaign ON campaign.id = ledger.campaign_id
       WHERE ledger.counted AND ledger.campaign_day IS NOT NULL GROUP BY ledger.campaign_id, ledger.campaign_day`);

    // A step-1 claim that would make its mailbox rest looks for follow-ups due on the mailbox first.
    await q.query(`
      CREATE INDEX enrollments_mailbox_id_next_send_at_idx ON enrollments (mailbox_id, next_send_at)
       WHERE status = 'active' AND current_step >= 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX enrollments_mailbox_id_next_send_at_idx');
    await q.query('ALTER TABLE send_ledger DROP COLUMN campaign_day');
    await q.query('ALTER TABLE send_ledger DROP COLUMN mailbox_day');
    await q.query('DROP TABLE campaign_days');
    await q.query('DROP TABLE mailbox_days');
    await q.query('ALTER TABLE mailboxes DROP COLUMN sending_message_id');
    await q.query('ALTER TABLE mailboxes DROP COLUMN sending_until');
    await q.query('ALTER TABLE mailboxes DROP COLUMN timezone');
  }
}
