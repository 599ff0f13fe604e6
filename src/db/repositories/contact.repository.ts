import type { EntityManager } from 'typeorm';
import { ContactEntity, type ContactFields } from '../entities/contact.entity';

export class ContactRepository {
  constructor(private readonly manager: EntityManager) {}

  findById(organizationId: string, id: string): Promise<ContactEntity | null> {
    return this.manager.findOneBy(ContactEntity, { organizationId, id });
  }

  /** Creates the contact, or reuses the organization's contact with that email and merges the given fields in. */
  async upsertByEmail(
    organizationId: string,
    contact: { email: string; fields: ContactFields; timezone: string | null },
  ): Promise<ContactEntity> {
    const rows: { id: string }[] = await this.manager.query(
      `INSERT INTO contacts (organization_id, email, fields, timezone)
       VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (organization_id, email) DO UPDATE
         SET fields = contacts.fields || EXCLUDED.fields,
             timezone = COALESCE(EXCLUDED.timezone, contacts.timezone),
             updated_at = now()
       RETURNING id`,
      [organizationId, contact.email, JSON.stringify(contact.fields), contact.timezone],
    );
    return this.manager.findOneByOrFail(ContactEntity, { id: rows[0]!.id });
  }

  async markBounced(id: string): Promise<void> {
    await this.manager.update(ContactEntity, { id, status: 'active' }, { status: 'bounced' });
  }
}
