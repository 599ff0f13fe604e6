import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A mailbox's signature (an HTML Liquid template appended to its steps), its warm-up ramp (while enabled, the daily
 * limit of new conversations is min(daily_limit, target, start + increment × days since the start, in its zone)),
 * and the outcome of its last SMTP check (`POST /mailboxes/{id}/check`; IMAP already has imap_status and its time).
 */
export class MailboxSignatureWarmup1765400000000 implements MigrationInterface {
  name = 'MailboxSignatureWarmup1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mailboxes
      ADD COLUMN signature text,
      ADD COLUMN warmup_enabled boolean NOT NULL DEFAULT false,
      ADD COLUMN warmup_start_limit integer,
      ADD COLUMN warmup_daily_increment integer,
      ADD COLUMN warmup_target_limit integer,
      ADD COLUMN warmup_started_at timestamptz,
      ADD COLUMN smtp_check_ok boolean,
      ADD COLUMN smtp_check_response text,
      ADD COLUMN smtp_checked_at timestamptz,
      ADD CONSTRAINT mailboxes_warmup_check CHECK (
        NOT warmup_enabled OR (warmup_start_limit IS NOT NULL AND warmup_daily_increment IS NOT NULL
                               AND warmup_started_at IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mailboxes
      DROP CONSTRAINT mailboxes_warmup_check,
      DROP COLUMN signature,
      DROP COLUMN warmup_enabled,
      DROP COLUMN warmup_start_limit,
      DROP COLUMN warmup_daily_increment,
      DROP COLUMN warmup_target_limit,
      DROP COLUMN warmup_started_at,
      DROP COLUMN smtp_check_ok,
      DROP COLUMN smtp_check_response,
      DROP COLUMN smtp_checked_at`);
  }
}
