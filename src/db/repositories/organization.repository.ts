import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { OrganizationEntity } from '../entities/organization.entity';

export class OrganizationRepository {
  constructor(private readonly manager: EntityManager) {}

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
