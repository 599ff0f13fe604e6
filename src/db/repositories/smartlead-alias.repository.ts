import type { EntityManager } from 'typeorm';

/**
 * The rows with an integer alias (see migration 1765600000000-smartlead-aliases), by what Smartlead calls them: each
 * a query of `id`, `alias` and `organization_id` (a sequence step belongs to its campaign's organization).
 */
const ALIASED_ROWS = {
  campaign: 'SELECT id, alias, organization_id FROM campaigns',
  lead: 'SELECT id, alias, organization_id FROM contacts',
  emailAccount: 'SELECT id, alias, organization_id FROM mailboxes',
  webhook: 'SELECT id, alias, organization_id FROM webhooks',
  sequence: `SELECT step.id, step.alias, campaign.organization_id
               FROM sequence_steps step JOIN campaigns campaign ON campaign.id = step.campaign_id`,
  campaignLead: 'SELECT id, alias, organization_id FROM enrollments',
} as const;

/** What an alias names: a campaign, a lead (contact), an email account (mailbox), a webhook, a sequence step, or a
 * campaign lead (enrollment: Smartlead's `campaign_lead_map_id`). */
export type AliasKind = keyof typeof ALIASED_ROWS;

/** The largest alias a bigint holds; a bigger number names nothing (and must not reach Postgres as an overflow). */
const MAX_ALIAS = 9_223_372_036_854_775_807n;

/** Integer aliases ⇄ uuids, always within one organization. */
export class SmartleadAliasRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The uuid of the organization's row with this alias; null when there is none (or it is another organization's). */
  async resolve(organizationId: string, kind: AliasKind, alias: number | string): Promise<string | null> {
    const text = String(alias);
    if (!/^\d{1,19}$/.test(text) || BigInt(text) > MAX_ALIAS) return null;
    const rows: { id: string }[] = await this.manager.query(
      `SELECT id FROM (${ALIASED_ROWS[kind]}) aliased WHERE alias = $1 AND organization_id = $2`,
      [text, organizationId],
    );
    return rows[0]?.id ?? null;
  }

  /** The aliases of these rows of the organization, by uuid (a uuid not found, or another's, is left out). */
  async aliasesOf(organizationId: string, kind: AliasKind, ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; alias: string }[] = await this.manager.query(
      `SELECT id, alias FROM (${ALIASED_ROWS[kind]}) aliased WHERE id = ANY($1::uuid[]) AND organization_id = $2`,
      [[...new Set(ids)], organizationId],
    );
    return new Map(rows.map((row) => [row.id, Number(row.alias)]));
  }

  /** The organization's own alias: Smartlead's `user_id`. */
  async organizationAlias(organizationId: string): Promise<number | null> {
    const rows: { alias: string }[] = await this.manager.query('SELECT alias FROM organizations WHERE id = $1', [
      organizationId,
    ]);
    return rows[0] ? Number(rows[0].alias) : null;
  }
}
