import type { ImportCounts } from '../domain/contacts/contact-import';
import type { ContactEntity, ListSummary } from '../domain/lists/list.service';
import type { ContactView, ImportCountsView, ListView } from './list.responses';

/** A list as the reference API shows it (`campaign_id` is the campaign's uuid here). */
export function presentList(summary: ListSummary): ListView {
  const { list, campaign } = summary;
  return {
    id: Number(list.id),
    uuid: list.uuid,
    name: list.name,
    contacts_count: summary.contactsCount,
    created_at: list.createdAt.toISOString(),
    updated_at: list.updatedAt.toISOString(),
    has_campaign: campaign !== null,
    campaign_id: campaign?.id ?? null,
    campaign_name: campaign?.name ?? null,
  };
}

export function presentContact(contact: ContactEntity): ContactView {
  return {
    id: contact.id,
    email: contact.email,
    email_valid: contact.emailValid,
    status: contact.status,
    timezone: contact.timezone,
    created_at: contact.createdAt.toISOString(),
    updated_at: contact.updatedAt.toISOString(),
    fields: contact.fields,
  };
}

export function presentImportCounts(counts: ImportCounts): ImportCountsView {
  return {
    total_submitted: counts.totalSubmitted,
    total_added: counts.newContacts + counts.existingContactsAdded,
    new_contacts: counts.newContacts,
    existing_contacts_added: counts.existingContactsAdded,
    duplicates_removed: counts.duplicatesRemoved,
    invalid_emails: counts.invalidEmails,
  };
}
