import type { ContactEntity, ContactFields } from '../../db/entities/contact.entity';
import type { Repositories } from '../../db/repositories';
import { AppError } from '../errors';
import { normalizeEmail } from './email';

/** A change to a contact: each part left out keeps its value. */
export interface ContactPatch {
  email?: string | undefined;
  /** A null value removes the field. */
  fields?: Record<string, string | null> | undefined;
  timezone?: string | null | undefined;
}

/**
 * Applies the change to the contact and saves it: the email normalized and unique in the organization (a new one
 * not checked yet), fields merged, the timezone set. The contact is shared by every list and campaign it is in.
 */
export async function patchContact(
  repos: Repositories,
  organizationId: string,
  contact: ContactEntity,
  patch: ContactPatch,
): Promise<ContactEntity> {
  if (patch.email !== undefined) {
    const email = normalizeEmail(patch.email);
    if (!email) {
      throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
        errors: [`email: "${patch.email}" is not a valid email address`],
      });
    }
    if (email !== contact.email) {
      if (await repos.contacts.findByEmail(organizationId, email)) {
        throw new AppError('conflict', `Another contact of your organization already has the email ${email}.`);
      }
      contact.email = email;
      // A new address has not been checked.
      contact.emailValid = null;
      contact.emailCheckStatus = null;
    }
  }
  if (patch.fields) contact.fields = applyFieldPatch(contact.fields, patch.fields);
  if (patch.timezone !== undefined) contact.timezone = patch.timezone;
  return repos.contacts.save(contact);
}

function applyFieldPatch(fields: ContactFields, patch: Record<string, string | null>): ContactFields {
  const next = { ...fields };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next;
}
