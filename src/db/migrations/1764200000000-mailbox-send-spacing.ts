import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When each mailbox may send next: the random gap between its consecutive sends, kept across campaigns. */
export class MailboxSendSpacing1764200000000 implements MigrationInterface {
  name = 'MailboxSendSpacing1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mailboxes ADD COLUMN next_send_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mailboxes DROP COLUMN next_send_at`);
  }
}
