import type { Database } from './db/repositories';
import { OrganizationService } from './domain/organizations/organization.service';
import { OutreachService } from './domain/campaigns/outreach.service';

/**
 * The first tier of the composition root: the services that run on the database alone. The admin CLI runs on these
 * (no Temporal, no secrets, and none of what loading the rest would cost); createSystem (src/system.ts) builds the
 * rest of the system on them.
 */
export function createDatabaseServices(db: Database) {
  return {
    organizations: new OrganizationService(db),
    outreaches: new OutreachService(db),
  };
}
