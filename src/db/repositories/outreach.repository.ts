import type { EntityManager } from 'typeorm';
import { OutreachEntity } from '../entities/outreach.entity';

export class OutreachRepository {
  constructor(private readonly manager: EntityManager) {}

  create(organizationId: string, name: string, uniqueContacts: boolean): Promise<OutreachEntity> {
    return this.manager.save(this.manager.create(OutreachEntity, { organizationId, name, uniqueContacts }));
  }

  findById(organizationId: string, id: string): Promise<OutreachEntity | null> {
    return this.manager.findOneBy(OutreachEntity, { organizationId, id });
  }

  list(organizationId: string): Promise<OutreachEntity[]> {
    return this.manager.find(OutreachEntity, { where: { organizationId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }
}
