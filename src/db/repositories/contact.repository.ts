import type { EntityManager } from 'typeorm';
import { ContactEntity, type ContactFields, type ContactStatus } from '../entities/contact.entity';
import { anyUuid } from './array-parameters';

export class ContactRepository {
  constructor(private readonly manager: EntityManager) {}

  findById(organizationId: string, id: string): Promise<ContactEntity | null> {
    return this.manager.findOneBy(ContactEntity, { organizationId, id });
  }

  async findManyByIds(ids: string[]): Promise<Map<string, ContactEntity>> {
    if (ids.length === 0) return new Map();
    const contacts = await this.manager.findBy(ContactEntity, { id: anyUuid(ids) });
    return new Map(contacts.map((contact) => [contact.id, contact]));
  }

  findByEmail(organizationId: string, email: string): Promise<ContactEntity | null> {
    return this.manager.findOneBy(ContactEntity, { organizationId, email });
  }

  /**
   * The organization's contact with this address in any case (see emailMatchKey), the one spelled exactly so first,
   * then the oldest. Served by the index on (organization_id, lower(email)).
   */
  findByEmailInAnyCase(organizationId: string, email: string): Promise<ContactEntity | null> {
    return this.manager
      .createQueryBuilder(ContactEntity, 'contact')
      .where('contact.organization_id = :organizationId AND lower(contact.email) = lower(:email)', {
        organizationId,
        email,
      })
      .orderBy('CASE WHEN contact.email = :email THEN 0 ELSE 1 END')
      .addOrderBy('contact.created_at')
      .addOrderBy('contact.id')
      .getOne();
  }

  /**
   * A page of the organization's contacts, oldest first, optionally only those whose address contains `email` (in
   * any case) and those in a status; with the total that matches.
   */
  async page(
    organizationId: string,
    filter: { email?: string | undefined; status?: ContactStatus | undefined },
    offset: number,
    limit: number,
  ): Promise<{ contacts: ContactEntity[]; total: number }> {
    const query = this.manager
      .createQueryBuilder(ContactEntity, 'contact')
      .where('contact.organization_id = :organizationId', { organizationId });
    if (filter.email) {
      // LIKE's own wildcards in the search text match themselves.
      const pattern = `%${filter.email.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      query.andWhere('lower(contact.email) LIKE :pattern', { pattern });
    }
    if (filter.status) query.andWhere('contact.status = :status', { status: filter.status });
    const [contacts, total] = await query
      .orderBy('contact.created_at')
      .addOrderBy('contact.id')
      .skip(offset)
      .take(limit)
      .getManyAndCount();
    return { contacts, total };
  }

  save(contact: ContactEntity): Promise<ContactEntity> {
    return this.manager.save(contact);
  }

  /** Deletes the contact; its list memberships, enrollments and messages go with it. */
  async delete(id: string): Promise<void> {
    await this.manager.delete(ContactEntity, { id });
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

  /**
   * Creates or updates many contacts in one statement (emails must be unique in the batch): new fields are merged
   * over the stored ones. With `requestCheck`, contacts not validated in the last 30 days are marked for the
   * validation job in this same transaction. Returns, per email, the contact id and whether it was created now.
   */
  async upsertMany(
    organizationId: string,
    contacts: { email: string; fields: ContactFields; timezone: string | null }[],
    requestCheck: boolean,
  ): Promise<Map<string, { id: string; created: boolean }>> {
    if (contacts.length === 0) return new Map();
    const rows: { id: string; email: string; created: boolean }[] = await this.manager.query(
      `INSERT INTO contacts (organization_id, email, fields, timezone, email_check_requested_at)
       SELECT $1, input.email, input.fields, input.timezone, CASE WHEN $5::boolean THEN now() END
         FROM unnest($2::text[], $3::jsonb[], $4::text[]) AS input(email, fields, timezone)
       ON CONFLICT (organization_id, email) DO UPDATE
         SET fields = contacts.fields || EXCLUDED.fields,
             timezone = COALESCE(EXCLUDED.timezone, contacts.timezone),
             email_check_requested_at = CASE
               WHEN $5::boolean AND (contacts.email_checked_at IS NULL OR contacts.email_checked_at < now() - interval '30 days')
               THEN COALESCE(contacts.email_check_requested_at, now())
               ELSE contacts.email_check_requested_at END,
             updated_at = now()
       RETURNING id, email, (xmax = 0) AS created`,
      [
        organizationId,
        contacts.map((contact) => contact.email),
        contacts.map((contact) => JSON.stringify(contact.fields)),
        contacts.map((contact) => contact.timezone),
        requestCheck,
      ],
    );
    return new Map(rows.map((row) => [row.email, { id: row.id, created: row.created }]));
  }

  async markBounced(id: string): Promise<void> {
    await this.manager.update(ContactEntity, { id, status: 'active' }, { status: 'bounced' });
  }
}
