import type { Database } from '../../db/repositories';
import { displayPrefix, generateApiKey, hashApiKey } from './api-keys';

export interface CreatedOrganization {
  organizationId: string;
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

/** Tenants and their API keys. */
export class OrganizationService {
  constructor(private readonly db: Database) {}

  /** Creates an organization with one API key (the given one, or a generated one). */
  async create(
    name: string,
    options: { apiKey?: string; monthlyLimit?: number | null } = {},
  ): Promise<CreatedOrganization> {
    return this.db.transaction(async (repos) => {
      const organization = await repos.organizations.create(name, options.monthlyLimit ?? null);
      const apiKey = options.apiKey ?? generateApiKey();
      await repos.organizations.insertApiKey({
        organizationId: organization.id,
        name: 'default',
        keyPrefix: displayPrefix(apiKey),
        keyHash: hashApiKey(apiKey),
      });
      return { organizationId: organization.id, apiKey };
    });
  }

  /**
   * On a database without organizations, creates the default one with `bootstrapApiKey` (or a generated key,
   * returned so it can be printed once). Does nothing when an organization exists.
   */
  async bootstrap(
    bootstrapApiKey: string | undefined,
  ): Promise<{ created: false } | ({ created: true } & CreatedOrganization)> {
    return this.db.transaction(async (repos) => {
      await repos.organizations.lockForBootstrap();
      if ((await repos.organizations.count()) > 0) return { created: false };
      const organization = await repos.organizations.create('Default organization');
      const apiKey = bootstrapApiKey ?? generateApiKey();
      await repos.organizations.insertApiKey({
        organizationId: organization.id,
        name: 'bootstrap',
        keyPrefix: displayPrefix(apiKey),
        keyHash: hashApiKey(apiKey),
      });
      return { created: true, organizationId: organization.id, apiKey };
    });
  }

  /** The organization a key belongs to, or null for an unknown or revoked key. */
  authenticate(apiKey: string): Promise<string | null> {
    return this.db.repos.organizations.findOrganizationIdByKeyHash(hashApiKey(apiKey));
  }
}
