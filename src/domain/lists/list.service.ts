import type { ContactEntity } from '../../db/entities/contact.entity';
import type { ListEntity } from '../../db/entities/list.entity';
import type { Database, Repositories } from '../../db/repositories';
import type { ListSummary } from '../../db/repositories/list.repository';
import type { Logger } from '../../logger';
import {
  addCounts,
  importBatch,
  type ImportCounts,
  type ImportEntry,
  type ImportOptions,
  type ImportResult,
} from '../contacts/contact-import';
import { planColumns, rowToEntry } from './csv-columns';
import type { EmailValidationPort } from '../contacts/email-validation.port';
import { patchContact, type ContactPatch } from '../contacts/contact-patch';
import { isTimeZone } from '../contacts/time-zone';
import { AppError, notFound } from '../errors';

/** The rows the service's results carry: a list with its campaign and count, and its contacts. */
export type { ContactEntity, ContactPatch, ListSummary };

/** The most contacts one JSON request may import, as in the reference API. */
export const MAX_CONTACTS_PER_REQUEST = 1000;
/** The largest page of a list's contacts. */
export const MAX_PER_PAGE = 500;
/** Rows per set-based batch of a CSV import. */
const CSV_BATCH = 1000;
/** At most this many invalid addresses are echoed back by a CSV import (all are counted). */
const MAX_REPORTED_INVALID = 1000;
/** Fixed leading columns of an export; fields follow (standard ones first). */
const EXPORT_COLUMNS = ['email', 'email_valid', 'status', 'timezone', 'created_at'];
const STANDARD_FIELD_ORDER = ['first_name', 'last_name', 'company', 'title', 'phone'];

/** Lists, their members, and imports into them. */
export class ListService {
  constructor(
    private readonly db: Database,
    private readonly validation: EmailValidationPort,
    private readonly logger: Logger,
  ) {}

  async list(organizationId: string): Promise<ListSummary[]> {
    return this.db.repos.lists.summaries(organizationId);
  }

  async get(organizationId: string, uuid: string): Promise<ListSummary> {
    const list = await this.require(organizationId, uuid);
    return (await this.db.repos.lists.summaries(organizationId, list.id))[0]!;
  }

  create(organizationId: string, name: string): Promise<ListEntity> {
    return this.db.repos.lists.create(organizationId, name);
  }

  async rename(organizationId: string, uuid: string, name: string): Promise<ListSummary> {
    await this.db.repos.lists.rename(await this.require(organizationId, uuid), name);
    return this.get(organizationId, uuid);
  }

  /** Deletes the list; its contacts stay in the organization (and in other lists). */
  async delete(organizationId: string, uuid: string): Promise<void> {
    await this.db.repos.lists.delete((await this.require(organizationId, uuid)).id);
  }

  /** One page of the list's contacts in the order they joined, with the totals for paging. */
  async contactsPage(
    organizationId: string,
    uuid: string,
    page: number,
    perPage: number,
  ): Promise<{ contacts: ContactEntity[]; total: number }> {
    const list = await this.require(organizationId, uuid);
    const [contacts, total] = await Promise.all([
      this.db.repos.lists.membersPage(list.id, (page - 1) * perPage, perPage),
      this.db.repos.lists.countMembers(list.id),
    ]);
    return { contacts, total };
  }

  /** Imports up to 1000 contacts in one transaction: all of them or nothing. */
  async importContacts(
    organizationId: string,
    uuid: string,
    entries: ImportEntry[],
    options: ImportOptions,
  ): Promise<ImportResult & { list: ListEntity; contactsCount: number }> {
    if (entries.length > MAX_CONTACTS_PER_REQUEST) {
      throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
        errors: [
          `contacts: at most ${MAX_CONTACTS_PER_REQUEST} contacts per request (got ${entries.length}); ` +
            'split the import, or send a CSV file',
        ],
      });
    }
    const result = await this.db.transaction(async (repos) => {
      const list = await this.requireIn(repos, organizationId, uuid);
      const imported = await importBatch(repos, organizationId, list.id, entries, options);
      return { ...imported, list, contactsCount: await repos.lists.countMembers(list.id) };
    });
    if (options.autoClean) await this.wakeValidation(organizationId);
    return result;
  }

  /**
   * Imports a CSV file streamed as rows of cells (the first is the header) into the list, in batches of 1000
   * through the same set-based import as the JSON API, all in one transaction: a bad row refuses the whole file,
   * and so does `rows` failing (the file over the size limit, malformed, or the upload dropped mid-file).
   */
  async importCsv(
    organizationId: string,
    uuid: string,
    rows: AsyncIterable<{ cells: string[]; line: number }>,
    options: ImportOptions,
  ): Promise<ImportCounts & { invalidEmailsCount: number; list: ListEntity; contactsCount: number }> {
    const result = await this.db.transaction(async (repos) => {
      const list = await this.requireIn(repos, organizationId, uuid);
      let targets: ReturnType<typeof planColumns> | null = null;
      let counts: ImportCounts = {
        totalSubmitted: 0,
        newContacts: 0,
        existingContactsAdded: 0,
        duplicatesRemoved: 0,
        invalidEmails: [],
      };
      let invalidEmailsCount = 0;
      let batch: ImportEntry[] = [];
      const flush = async (): Promise<void> => {
        const imported = await importBatch(repos, organizationId, list.id, batch, options);
        invalidEmailsCount += imported.invalidEmails.length;
        counts = addCounts(counts, imported, MAX_REPORTED_INVALID);
        batch = [];
      };
      for await (const { cells, line } of rows) {
        if (!targets) {
          targets = planColumns(cells);
          continue;
        }
        const entry = rowToEntry(targets, cells);
        if (entry.timezone !== null && !isTimeZone(entry.timezone)) {
          throw new AppError('validation_failed', 'The CSV file cannot be imported: fix the listed rows.', {
            errors: [`line ${line}: timezone "${entry.timezone}" is not an IANA time zone such as Europe/Paris`],
          });
        }
        batch.push(entry);
        if (batch.length === CSV_BATCH) await flush();
      }
      if (!targets) {
        throw new AppError('validation_failed', 'The CSV file is empty: it needs a header row with an "email" column.');
      }
      if (batch.length > 0) await flush();
      return { ...counts, invalidEmailsCount, list, contactsCount: await repos.lists.countMembers(list.id) };
    });
    if (options.autoClean) await this.wakeValidation(organizationId);
    return result;
  }

  /**
   * The list as CSV rows (header first): email, validation state and every field used by its contacts, streamed
   * in batches of 1000 by join order, so exports of any size use bounded memory.
   */
  async *exportCsv(organizationId: string, uuid: string): AsyncGenerator<string[]> {
    const list = await this.require(organizationId, uuid);
    const used = await this.db.repos.lists.fieldNames(list.id);
    const fields = [
      ...STANDARD_FIELD_ORDER.filter((name) => used.includes(name)),
      ...used.filter((name) => !STANDARD_FIELD_ORDER.includes(name)),
    ];
    yield [...EXPORT_COLUMNS, ...fields];
    let cursor = '0';
    for (;;) {
      const members = await this.db.repos.lists.membersAfter(list.id, cursor, CSV_BATCH);
      if (members.length === 0) return;
      for (const { contact } of members) {
        yield [
          contact.email,
          contact.emailValid === null ? '' : String(contact.emailValid),
          contact.status,
          contact.timezone ?? '',
          contact.createdAt.toISOString(),
          ...fields.map((name) => (Object.hasOwn(contact.fields, name) ? (contact.fields[name] ?? '') : '')),
        ];
      }
      cursor = members.at(-1)!.memberId;
    }
  }

  /**
   * Wakes the validation job. Best effort: the contacts are already marked in the database, and the worker
   * resumes marked work when it starts, so a failure here delays the check but loses nothing.
   */
  async wakeValidation(organizationId: string): Promise<void> {
    try {
      await this.validation.requestValidation(organizationId);
    } catch (error) {
      this.logger.warn({ err: error, organizationId }, 'could not wake the validation job; it resumes on restart');
    }
  }

  /** Edits a contact of the list: email (normalized, unique in the organization), fields, timezone. */
  async updateContact(
    organizationId: string,
    uuid: string,
    contactId: string,
    patch: ContactPatch,
  ): Promise<ContactEntity> {
    return this.db.transaction(async (repos) => {
      const contact = await this.requireMember(repos, organizationId, uuid, contactId);
      return patchContact(repos, organizationId, contact, patch);
    });
  }

  /** Removes the contact from the list, or with `scope: organization` deletes it (and its enrollments) entirely. */
  async removeContact(
    organizationId: string,
    uuid: string,
    contactId: string,
    scope: 'list' | 'organization',
  ): Promise<void> {
    await this.db.transaction(async (repos) => {
      const contact = await this.requireMember(repos, organizationId, uuid, contactId);
      const list = await this.requireIn(repos, organizationId, uuid);
      if (scope === 'organization') await repos.contacts.delete(contact.id);
      else await repos.lists.removeMember(list.id, contact.id);
    });
  }

  /** The organization's list, or `list_not_found`. */
  require(organizationId: string, uuid: string): Promise<ListEntity> {
    return this.requireIn(this.db.repos, organizationId, uuid);
  }

  private async requireIn(repos: Repositories, organizationId: string, uuid: string): Promise<ListEntity> {
    const list = await repos.lists.findByUuid(organizationId, uuid);
    if (!list) throw notFound('list_not_found', 'List');
    return list;
  }

  private async requireMember(
    repos: Repositories,
    organizationId: string,
    uuid: string,
    contactId: string,
  ): Promise<ContactEntity> {
    const list = await this.requireIn(repos, organizationId, uuid);
    const contact = await repos.contacts.findById(organizationId, contactId);
    if (!contact || !(await repos.lists.isMember(list.id, contact.id))) throw notFound('contact_not_found', 'Contact');
    return contact;
  }
}
