import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { COUNTED_SEND_STATUSES } from '../entities/message.entity';
import { OrganizationEntity } from '../entities/organization.entity';

export class OrganizationRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The organization's monthly send limit and what was sent this calendar month (UTC), tests excluded. */
  async plan(organizationId: string): Promise<{ monthlyLimit: number | null; sentThisMonth: number }> {
    const rows: { monthly_limit: number | null; sent: string }[] = await this.manager.query(
      `SELECT organization.monthly_limit,
              (SELECT count(*) FROM messages message
                WHERE message.organization_id = organization.id
                  AND message.status = ANY($2::text[])
                  AND message.created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS sent
         FROM organizations organization WHERE organization.id = $1`,
      [organizationId, COUNTED_SEND_STATUSES],
    );
    return { monthlyLimit: rows[0]?.monthly_limit ?? null, sentThisMonth: Number(rows[0]?.sent ?? 0) };
  }

  count(): Promise<number> {
    return this.manager.count(OrganizationEntity);
  }

  create(name: string, monthlyLimit: number | null = null): Promise<OrganizationEntity> {
    return this.manager.save(this.manager.create(OrganizationEntity, { name, monthlyLimit }));
  }

  async insertApiKey(key: { organizationId: string; name: string; keyPrefix: string; keyHash: string }): Promise<void> {
    await this.manager.insert(ApiKeyEntity, key);
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
