import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What standard-conforming messages need: follow-ups without a subject of their own (they answer under step 1's),
 * an optional plain-text body per step, text-only campaigns, per-mailbox DKIM keys (encrypted like passwords), and
 * the time a message's unsubscribe link was used, and unsubscribe requests mailed to the List-Unsubscribe address.
 */
export class MessageStandards1764600000000 implements MigrationInterface {
  name = 'MessageStandards1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sequence_steps
        ALTER COLUMN subject DROP NOT NULL,
        ADD COLUMN body_text text`);
    await q.query(`
      ALTER TABLE sequence_step_variants
        ALTER COLUMN subject DROP NOT NULL,
        ADD COLUMN body_text text`);
    await q.query(`ALTER TABLE campaigns ADD COLUMN send_as_plain_text boolean NOT NULL DEFAULT false`);
    await q.query(`
      ALTER TABLE mailboxes
        ADD COLUMN dkim_domain text,
        ADD COLUMN dkim_selector text,
        ADD COLUMN dkim_private_key_encrypted text,
        ADD CONSTRAINT mailboxes_dkim_check CHECK (
          (dkim_domain IS NULL) = (dkim_selector IS NULL) AND (dkim_domain IS NULL) = (dkim_private_key_encrypted IS NULL)
        )`);
    await q.query(`ALTER TABLE messages ADD COLUMN unsubscribed_at timestamptz`);
    // A mail to the List-Unsubscribe mailto is read by the mailbox monitor and recorded as what it is.
    await q.query(`
      ALTER TABLE replies
        DROP CONSTRAINT replies_kind_check,
        ADD CONSTRAINT replies_kind_check CHECK (kind IN ('reply', 'auto_reply', 'unsubscribe'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM replies WHERE kind = 'unsubscribe'`);
    await q.query(`
      ALTER TABLE replies
        DROP CONSTRAINT replies_kind_check,
        ADD CONSTRAINT replies_kind_check CHECK (kind IN ('reply', 'auto_reply'))`);
    await q.query(`ALTER TABLE messages DROP COLUMN unsubscribed_at`);
    await q.query(`
      ALTER TABLE mailboxes
        DROP CONSTRAINT mailboxes_dkim_check,
        DROP COLUMN dkim_private_key_encrypted,
        DROP COLUMN dkim_selector,
        DROP COLUMN dkim_domain`);
    await q.query(`ALTER TABLE campaigns DROP COLUMN send_as_plain_text`);
    await q.query(`UPDATE sequence_step_variants SET subject = '' WHERE subject IS NULL`);
    await q.query(`ALTER TABLE sequence_step_variants DROP COLUMN body_text, ALTER COLUMN subject SET NOT NULL`);
    await q.query(`UPDATE sequence_steps SET subject = '' WHERE subject IS NULL`);
    await q.query(`ALTER TABLE sequence_steps DROP COLUMN body_text, ALTER COLUMN subject SET NOT NULL`);
  }
}
