import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { OrganizationEntity } from '../entities/organization.entity';

/** An organization as listed to an administrator, with how many of its API keys are not revoked. */
export interface OrganizationSummary {
  id: string;
  name: string;
  monthlyLimit: number | null;
  createdAt: Date;
  activeKeys: number;
}

/** The columns of an API key that may be shown after it was created: never its hash. */
const KEY_SUMMARY_FIELDS = ['id', 'organizationId', 'name', 'keyPrefix', 'createdAt', 'revokedAt'] as const;

export type ApiKeySummary = Pick<ApiKeyEntity, (typeof KEY_SUMMARY_FIELDS)[number]>;

export class OrganizationRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * The organization's monthly send limit and what was sent this calendar month (UTC), tests excluded, from the
   * send ledger: deleting a campaign does not give its sends back.
   */
  async plan(organizationId: string): Promise<{ monthlyLimit: number | null; sentThisMonth: number }> {
    const rows: { monthly_limit: number | null; sent: string }[] = await this.manager.query(
      `SELECT organization.monthly_limit,
              (SELECT count(*) FROM send_ledger ledger
                WHERE ledger.organization_id = organization.id AND ledger.counted
                  AND ledger.claimed_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS sent
         FROM organizations organization WHERE organization.id = $1`,
      [organizationId],
    );
    return { monthlyLimit: rows[0]?.monthly_limit ?? null, sentThisMonth: Number(rows[0]?.sent ?? 0) };
  }

  count(): Promise<number> {
    return this.manager.count(OrganizationEntity);
  }

  create(name: string, monthlyLimit: number | null = null): Promise<OrganizationEntity> {
    return this.manager.save(this.manager.create(OrganizationEntity, { name, monthlyLimit }));
  }

  /** Inserts a key (its hash, never the key) and returns its id. */
  async insertApiKey(key: {
    organizationId: string;
    name: string;
    keyPrefix: string;
    keyHash: string;
  }): Promise<string> {
    const result = await this.manager.insert(ApiKeyEntity, key);
    return (result.identifiers[0] as { id: string }).id;
  }

  findById(id: string): Promise<OrganizationEntity | null> {
    return this.manager.findOneBy(OrganizationEntity, { id });
  }

  /** Every organization, oldest first, with its number of active (not revoked) API keys. */
  async listWithActiveKeys(): Promise<OrganizationSummary[]> {
    const rows: { id: string; name: string; monthly_limit: number | null; created_at: Date; active_keys: number }[] =
      await this.manager.query(
        `SELECT organization.id, organization.name, organization.monthly_limit, organization.created_at,
                (SELECT count(*) FROM api_keys api_key
                  WHERE api_key.organization_id = organization.id AND api_key.revoked_at IS NULL)::int AS active_keys
           FROM organizations organization
          ORDER BY organization.created_at, organization.id`,
      );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      monthlyLimit: row.monthly_limit,
      createdAt: row.created_at,
      activeKeys: row.active_keys,
    }));
  }

  /** The organization's API keys, oldest first, without their hashes. */
  apiKeys(organizationId: string): Promise<ApiKeySummary[]> {
    return this.manager.find(ApiKeyEntity, {
      where: { organizationId },
      select: Object.fromEntries(KEY_SUMMARY_FIELDS.map((field) => [field, true])),
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /**
   * Locks the organization's API keys until the transaction ends and returns them (without hashes), so that
   * concurrent revocations count its active keys one at a time. In id order, so two lockers cannot deadlock.
   */
  lockApiKeys(organizationId: string): Promise<ApiKeySummary[]> {
    return this.manager
      .createQueryBuilder(ApiKeyEntity, 'key')
      .select(KEY_SUMMARY_FIELDS.map((field) => `key.${field}`))
      .where('key.organizationId = :organizationId', { organizationId })
      .orderBy('key.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Revokes a key (authentication ignores it from now on); returns when it was revoked, also if it already was. */
  async revokeApiKey(id: string): Promise<Date> {
    const rows: { revoked_at: Date }[] = await this.manager.query(
      'UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING revoked_at',
      [id],
    );
    if (!rows[0]) throw new Error(`API key ${id} does not exist`);
    return rows[0].revoked_at;
  }

  async findOrganizationIdByKeyHash(keyHash: string): Promise<string | null> {
    const key = await this.manager.findOne(ApiKeyEntity, {
      where: { keyHash, revokedAt: IsNull() },
      select: { organizationId: true },
    });
    return key?.organizationId ?? null;
  }

  /** Serialises first-start bootstrapping across processes for the rest of the transaction. */
  async lockForBootstrap(): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock(7303002)');
  }
}
