import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How an endpoint's deliveries are shaped: `standard` (Standard Webhooks' `{type, timestamp, data}`), or `smartlead`
 * (Smartlead's event names and payload fields, for endpoints created through the Smartlead-compatible API). Signing
 * is Standard Webhooks' either way.
 */
export class WebhookFormat1765700000000 implements MigrationInterface {
  name = 'WebhookFormat1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE webhooks ADD COLUMN format text NOT NULL DEFAULT 'standard'
         CONSTRAINT webhooks_format_check CHECK (format IN ('standard', 'smartlead'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE webhooks DROP COLUMN format');
  }
}
