import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { OutreachEntity } from '../../db/entities/outreach.entity';
import type { Database } from '../../db/repositories';
import { notFound } from '../errors';

/** Outreaches: groups of campaigns that may promise each contact is emailed by one of them only. */
export class OutreachService {
  constructor(private readonly db: Database) {}

  create(organizationId: string, name: string, uniqueContacts: boolean): Promise<OutreachEntity> {
    return this.db.repos.outreaches.create(organizationId, name, uniqueContacts);
  }

  list(organizationId: string): Promise<OutreachEntity[]> {
    return this.db.repos.outreaches.list(organizationId);
  }

  /** The outreach with its campaigns, or `outreach_not_found`. */
  async get(organizationId: string, id: string): Promise<{ outreach: OutreachEntity; campaigns: CampaignEntity[] }> {
    const outreach = await this.db.repos.outreaches.findById(organizationId, id);
    if (!outreach) throw notFound('outreach_not_found', 'Outreach');
    return { outreach, campaigns: await this.db.repos.campaigns.inOutreach(id) };
  }
}
