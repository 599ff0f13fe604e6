import type { ContactEntity, ContactStatus } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { Database, Repositories } from '../../db/repositories';
import { notFound } from '../errors';
import { patchContact, type ContactPatch } from './contact-patch';

export type { ContactEntity, ContactPatch, ContactStatus };

/** A contact with where it is: its lists and its enrollments in campaigns. */
export interface ContactDetails {
  contact: ContactEntity;
  lists: { uuid: string; name: string }[];
  enrollments: Pick<EnrollmentEntity, 'id' | 'alias' | 'campaignId' | 'status' | 'currentStep' | 'category'>[];
}

/** The largest page of contacts. */
export const MAX_CONTACTS_PER_PAGE = 500;

/** The organization's contacts across lists: found, read, changed and deleted. */
export class ContactService {
  constructor(private readonly db: Database) {}

  /** A page of the organization's contacts, oldest first; `email` matches part of the address, in any case. */
  page(
    organizationId: string,
    filter: { email?: string | undefined; status?: ContactStatus | undefined },
    page: number,
    perPage: number,
  ): Promise<{ contacts: ContactEntity[]; total: number }> {
    return this.db.repos.contacts.page(organizationId, filter, (page - 1) * perPage, perPage);
  }

  async get(organizationId: string, contactId: string): Promise<ContactDetails> {
    const contact = await this.require(this.db.repos, organizationId, contactId);
    const [lists, enrollments] = await Promise.all([
      this.db.repos.lists.ofContact(contact.id),
      this.db.repos.enrollmentControl.ofContact(contact.id),
    ]);
    return { contact, lists, enrollments };
  }

  /** The organization's contacts among these ids, by id (others' and unknown ids are left out). */
  async many(organizationId: string, contactIds: readonly string[]): Promise<Map<string, ContactEntity>> {
    const found = await this.db.repos.contacts.findManyByIds([...contactIds]);
    return new Map([...found].filter(([, contact]) => contact.organizationId === organizationId));
  }

  /** Changes the contact (email, fields, timezone) wherever it is: every list and campaign shares it. */
  update(organizationId: string, contactId: string, patch: ContactPatch): Promise<ContactEntity> {
    return this.db.transaction(async (repos) =>
      patchContact(repos, organizationId, await this.require(repos, organizationId, contactId), patch),
    );
  }

  /**
   * Deletes the contact with its list memberships, enrollments and messages; a running enrollment's next send
   * finds it gone and ends.
   */
  async delete(organizationId: string, contactId: string): Promise<void> {
    await this.db.transaction(async (repos) => {
      await repos.contacts.delete((await this.require(repos, organizationId, contactId)).id);
    });
  }

  private async require(repos: Repositories, organizationId: string, contactId: string): Promise<ContactEntity> {
    const contact = await repos.contacts.findById(organizationId, contactId);
    if (!contact) throw notFound('contact_not_found', 'Contact');
    return contact;
  }
}
