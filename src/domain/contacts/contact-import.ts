import type { ContactFields } from '../../db/entities/contact.entity';
import type { Repositories } from '../../db/repositories';
import { normalizeEmail } from './email';

export interface ImportEntry {
  /** As submitted; normalized here. */
  email: string;
  fields: ContactFields;
  timezone: string | null;
}

export interface ImportOptions {
  /** Drop entries already in the list and repeats inside the import, counting them in `duplicatesRemoved`. */
  removeDuplicates: boolean;
  /** Mark the contacts for the durable validation job. */
  autoClean: boolean;
}

export interface ImportCounts {
  totalSubmitted: number;
  newContacts: number;
  existingContactsAdded: number;
  duplicatesRemoved: number;
  /** The submitted addresses that are not valid emails, as submitted. */
  invalidEmails: string[];
}

export interface ImportResult extends ImportCounts {
  /** The contacts now in the list because of this batch, first appearance first. */
  contactIds: string[];
}

/**
 * Imports one batch of entries into a list within the caller's transaction, set-based (a handful of statements
 * whatever the batch size). Per entry: an invalid address is reported and skipped; with `removeDuplicates`, an
 * address already in the list or already seen in the import is dropped; otherwise the organization's contact is
 * created (`newContacts`) or reused with its fields merged (`existingContactsAdded`), and joins the list.
 */
export async function importBatch(
  repos: Repositories,
  organizationId: string,
  listId: string,
  entries: ImportEntry[],
  options: ImportOptions,
): Promise<ImportResult> {
  const invalidEmails: string[] = [];
  const valid: { email: string; entry: ImportEntry }[] = [];
  for (const entry of entries) {
    const email = normalizeEmail(entry.email);
    if (email) valid.push({ email, entry });
    else invalidEmails.push(entry.email);
  }

  const inList = options.removeDuplicates
    ? await repos.lists.memberEmails(organizationId, listId, [...new Set(valid.map((item) => item.email))])
    : new Set<string>();
  const seen = new Set<string>();
  const kept: typeof valid = [];
  let duplicatesRemoved = 0;
  for (const item of valid) {
    if (options.removeDuplicates && (seen.has(item.email) || inList.has(item.email))) duplicatesRemoved += 1;
    else kept.push(item);
    seen.add(item.email);
  }

  // One row per address: a repeated address merges its fields, the later entry winning.
  const merged = new Map<string, ImportEntry>();
  for (const { email, entry } of kept) {
    const earlier = merged.get(email);
    merged.set(email, {
      email,
      fields: { ...earlier?.fields, ...entry.fields },
      timezone: entry.timezone ?? earlier?.timezone ?? null,
    });
  }
  const saved = await repos.contacts.upsertMany(organizationId, [...merged.values()], options.autoClean);

  let newContacts = 0;
  const counted = new Set<string>();
  for (const { email } of kept) {
    if (saved.get(email)?.created && !counted.has(email)) newContacts += 1;
    counted.add(email);
  }
  const contactIds = [...merged.keys()].map((email) => saved.get(email)!.id);
  await repos.lists.addMembers(listId, contactIds);
  return {
    totalSubmitted: entries.length,
    newContacts,
    existingContactsAdded: kept.length - newContacts,
    duplicatesRemoved,
    invalidEmails,
    contactIds,
  };
}

/** Adds batch counts together (CSV imports run many batches in one transaction). */
export function addCounts(total: ImportCounts, batch: ImportCounts, maxInvalidEmails: number): ImportCounts {
  return {
    totalSubmitted: total.totalSubmitted + batch.totalSubmitted,
    newContacts: total.newContacts + batch.newContacts,
    existingContactsAdded: total.existingContactsAdded + batch.existingContactsAdded,
    duplicatesRemoved: total.duplicatesRemoved + batch.duplicatesRemoved,
    invalidEmails: [...total.invalidEmails, ...batch.invalidEmails].slice(0, maxInvalidEmails),
  };
}
