import type { Database } from '../../db/repositories';
import type { AliasKind } from '../../db/repositories/smartlead-alias.repository';

export type { AliasKind };

/**
 * The integer ids of the Smartlead-compatible API: each campaign, lead (contact), email account (mailbox), webhook,
 * sequence step and campaign lead (enrollment) has a stable alias, and the organization one for `user_id`. Only that
 * surface uses them; every use case still takes uuids.
 */
export class SmartleadAliasService {
  constructor(private readonly db: Database) {}

  /** The uuid the alias names in the organization; null when none does (another organization's row names nothing). */
  resolve(organizationId: string, kind: AliasKind, alias: number | string): Promise<string | null> {
    return this.db.repos.smartleadAliases.resolve(organizationId, kind, alias);
  }

  /** The aliases of the organization's rows, by uuid (in bulk, for lists). */
  aliasesOf(organizationId: string, kind: AliasKind, ids: readonly string[]): Promise<Map<string, number>> {
    return this.db.repos.smartleadAliases.aliasesOf(organizationId, kind, ids);
  }

  /** The alias of one of the organization's rows; it has one as soon as it exists. */
  async aliasOf(organizationId: string, kind: AliasKind, id: string): Promise<number> {
    const alias = (await this.aliasesOf(organizationId, kind, [id])).get(id);
    if (alias === undefined) throw new Error(`${kind} ${id} has no alias in organization ${organizationId}`);
    return alias;
  }

  /** The organization's alias: Smartlead's `user_id`. */
  async organizationAlias(organizationId: string): Promise<number> {
    const alias = await this.db.repos.smartleadAliases.organizationAlias(organizationId);
    if (alias === null) throw new Error(`organization ${organizationId} not found`);
    return alias;
  }
}
