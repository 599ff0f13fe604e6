import type { EntityManager } from 'typeorm';
import { ListEntity } from '../entities/list.entity';
import { ContactEntity } from '../entities/contact.entity';

/** A list with what the API shows about it. */
export interface ListSummary {
  list: ListEntity;
  contactsCount: number;
  /** The first campaign the list is associated with, if any. */
  campaign: { id: string; name: string } | null;
}

export class ListRepository {
  constructor(private readonly manager: EntityManager) {}

  create(organizationId: string, name: string): Promise<ListEntity> {
    return this.manager.save(this.manager.create(ListEntity, { organizationId, name }));
  }

  /** The list if it belongs to the organization; another organization's list is simply not found. */
  findByUuid(organizationId: string, uuid: string): Promise<ListEntity | null> {
    return this.manager.findOneBy(ListEntity, { organizationId, uuid });
  }

  async findManyByUuid(organizationId: string, uuids: string[]): Promise<ListEntity[]> {
    if (uuids.length === 0) return [];
    return this.manager
      .createQueryBuilder(ListEntity, 'list')
      .where('list.organization_id = :organizationId AND list.uuid = ANY(:uuids::uuid[])', { organizationId, uuids })
      .getMany();
  }

  async rename(list: ListEntity, name: string): Promise<ListEntity> {
    list.name = name;
    return this.manager.save(list);
  }

  /** Deletes the list and its memberships; the contacts stay in the organization. */
  async delete(listId: string): Promise<void> {
    await this.manager.delete(ListEntity, { id: listId });
  }

  /** Summaries of the given lists (all of the organization's when `listId` is absent), newest first. */
  async summaries(organizationId: string, listId?: string): Promise<ListSummary[]> {
    const rows: {
      id: string;
      contacts_count: string;
      campaign_id: string | null;
      campaign_name: string | null;
    }[] = await this.manager.query(
      `SELECT list.id,
              (SELECT count(*) FROM list_contacts member WHERE member.list_id = list.id) AS contacts_count,
              first_campaign.id AS campaign_id, first_campaign.name AS campaign_name
         FROM lists list
         LEFT JOIN LATERAL (
           SELECT campaign.id, campaign.name FROM campaign_lists link
             JOIN campaigns campaign ON campaign.id = link.campaign_id
            WHERE link.list_id = list.id
            ORDER BY campaign.created_at, campaign.id LIMIT 1
         ) first_campaign ON true
        WHERE list.organization_id = $1 AND ($2::bigint IS NULL OR list.id = $2::bigint)
        ORDER BY list.created_at DESC, list.id DESC`,
      [organizationId, listId ?? null],
    );
    if (rows.length === 0) return [];
    const lists = await this.manager
      .createQueryBuilder(ListEntity, 'list')
      .where('list.id = ANY(:ids::bigint[])', { ids: rows.map((row) => row.id) })
      .getMany();
    const byId = new Map(lists.map((list) => [list.id, list]));
    return rows.map((row) => ({
      list: byId.get(row.id)!,
      contactsCount: Number(row.contacts_count),
      campaign: row.campaign_id ? { id: row.campaign_id, name: row.campaign_name ?? '' } : null,
    }));
  }

  /** Every member's contact id, in join order. */
  async memberIds(listId: string): Promise<string[]> {
    const rows: { contact_id: string }[] = await this.manager.query(
      'SELECT contact_id FROM list_contacts WHERE list_id = $1 ORDER BY id',
      [listId],
    );
    return rows.map((row) => row.contact_id);
  }

  async countMembers(listId: string): Promise<number> {
    const rows: { count: string }[] = await this.manager.query(
      'SELECT count(*) AS count FROM list_contacts WHERE list_id = $1',
      [listId],
    );
    return Number(rows[0]?.count ?? 0);
  }

  /** One page of the list's contacts, in the order they joined it. */
  async membersPage(listId: string, offset: number, limit: number): Promise<ContactEntity[]> {
    return this.manager
      .createQueryBuilder(ContactEntity, 'contact')
      .innerJoin('list_contacts', 'member', 'member.contact_id = contact.id')
      .where('member.list_id = :listId', { listId })
      .orderBy('member.id', 'ASC')
      .offset(offset)
      .limit(limit)
      .getMany();
  }

  /** Members in join order after the `afterMemberId` cursor, for streaming exports without OFFSET. */
  async membersAfter(
    listId: string,
    afterMemberId: string,
    limit: number,
  ): Promise<{ memberId: string; contact: ContactEntity }[]> {
    const rows: { member_id: string; contact_id: string }[] = await this.manager.query(
      `SELECT id AS member_id, contact_id FROM list_contacts
        WHERE list_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [listId, afterMemberId, limit],
    );
    if (rows.length === 0) return [];
    const contacts = await this.manager
      .createQueryBuilder(ContactEntity, 'contact')
      .where('contact.id = ANY(:ids::uuid[])', { ids: rows.map((row) => row.contact_id) })
      .getMany();
    const byId = new Map(contacts.map((contact) => [contact.id, contact]));
    return rows.map((row) => ({ memberId: row.member_id, contact: byId.get(row.contact_id)! }));
  }

  /** Every field name used by the list's contacts, sorted: the columns of an export. */
  async fieldNames(listId: string): Promise<string[]> {
    const rows: { name: string }[] = await this.manager.query(
      `SELECT DISTINCT jsonb_object_keys(contact.fields) AS name
         FROM list_contacts member JOIN contacts contact ON contact.id = member.contact_id
        WHERE member.list_id = $1 ORDER BY 1`,
      [listId],
    );
    return rows.map((row) => row.name);
  }

  /** Adds contacts to the list in the given order; those already in it keep their place. */
  async addMembers(listId: string, contactIds: string[]): Promise<void> {
    if (contactIds.length === 0) return;
    await this.manager.query(
      `INSERT INTO list_contacts (list_id, contact_id)
       SELECT $1, contact_id FROM unnest($2::uuid[]) WITH ORDINALITY AS input(contact_id, ordinal)
        ORDER BY ordinal
       ON CONFLICT (list_id, contact_id) DO NOTHING`,
      [listId, contactIds],
    );
  }

  async isMember(listId: string, contactId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      'SELECT 1 FROM list_contacts WHERE list_id = $1 AND contact_id = $2',
      [listId, contactId],
    );
    return rows.length > 0;
  }

  /** The lists the contact is in, oldest first. */
  async ofContact(contactId: string): Promise<{ uuid: string; name: string }[]> {
    return this.manager.query(
      `SELECT list.uuid, list.name FROM list_contacts member JOIN lists list ON list.id = member.list_id
        WHERE member.contact_id = $1 ORDER BY list.created_at, list.id`,
      [contactId],
    );
  }

  async removeMember(listId: string, contactId: string): Promise<void> {
    await this.manager.query('DELETE FROM list_contacts WHERE list_id = $1 AND contact_id = $2', [listId, contactId]);
  }

  /** Which of these normalized emails already belong to the list. */
  async memberEmails(organizationId: string, listId: string, emails: string[]): Promise<Set<string>> {
    if (emails.length === 0) return new Set();
    const rows: { email: string }[] = await this.manager.query(
      `SELECT contact.email FROM list_contacts member
         JOIN contacts contact ON contact.id = member.contact_id
        WHERE member.list_id = $1 AND contact.organization_id = $2 AND contact.email = ANY($3::text[])`,
      [listId, organizationId, emails],
    );
    return new Set(rows.map((row) => row.email));
  }

  /** The campaign's lists in association order; the first receives contacts scheduled through the campaign. */
  async forCampaign(campaignId: string): Promise<ListEntity[]> {
    return this.manager
      .createQueryBuilder(ListEntity, 'list')
      .innerJoin('campaign_lists', 'link', 'link.list_id = list.id')
      .where('link.campaign_id = :campaignId', { campaignId })
      .orderBy('link.position', 'ASC')
      .getMany();
  }

  /** Attaches the list to the campaign after its other lists; false when it was attached already. */
  async attachToCampaign(campaignId: string, listId: string): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `INSERT INTO campaign_lists (campaign_id, list_id, position)
       SELECT $1, $2, COALESCE(max(position), 0) + 1 FROM campaign_lists WHERE campaign_id = $1
       ON CONFLICT DO NOTHING
       RETURNING list_id`,
      [campaignId, listId],
    );
    return rows.length > 0;
  }

  /** Detaches the list from the campaign; false when it was not attached. */
  async detachFromCampaign(campaignId: string, listId: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.manager.query(
      'DELETE FROM campaign_lists WHERE campaign_id = $1 AND list_id = $2',
      [campaignId, listId],
    );
    return affected > 0;
  }

  async associateWithCampaign(campaignId: string, listIds: string[]): Promise<void> {
    if (listIds.length === 0) return;
    await this.manager.query(
      `INSERT INTO campaign_lists (campaign_id, list_id, position)
       SELECT $1, list_id, ordinal FROM unnest($2::bigint[]) WITH ORDINALITY AS input(list_id, ordinal)
       ON CONFLICT DO NOTHING`,
      [campaignId, listIds],
    );
  }
}
