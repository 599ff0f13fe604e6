import { z } from 'zod';
import type { ImportEntry } from '../domain/contacts/contact-import';
import type { ContactPatch } from '../domain/contacts/contact-patch';
import { CONTACT_STATUSES } from '../domain/contacts/contact-model';
import { isTimeZone } from '../domain/contacts/time-zone';

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const STANDARD_FIELDS = ['first_name', 'last_name', 'phone', 'company', 'title'] as const;

/** Field values may come as strings, numbers or booleans; they are stored as text. */
const fieldValue = z.union([z.string(), z.number(), z.boolean()]).transform(String).pipe(z.string().max(2000));
export const fieldName = z
  .string()
  .regex(FIELD_NAME, 'field names are letters, digits and _ (not starting with a digit, at most 64)');
export const timeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris');

/**
 * A contact as the reference API sends it: `email`, the standard fields, and `custom_fields`. All fields but the
 * email are stored the same way. The email is only required to be text: an invalid one is reported, not refused.
 */
export const contactSchema = z.object({
  email: z.string().max(320),
  first_name: fieldValue.optional(),
  last_name: fieldValue.optional(),
  phone: fieldValue.optional(),
  company: fieldValue.optional(),
  title: fieldValue.optional(),
  timezone: timeZone.optional(),
  custom_fields: z.record(fieldName, fieldValue).optional(),
});
export type ContactBody = z.infer<typeof contactSchema>;

/** Standard and custom fields in one map; a standard field wins over a custom one of the same name. */
export function toImportEntry(contact: ContactBody): ImportEntry {
  const fields: Record<string, string> = { ...contact.custom_fields };
  for (const name of STANDARD_FIELDS) {
    const value = contact[name];
    if (value !== undefined) fields[name] = value;
  }
  return { email: contact.email, fields, timezone: contact.timezone ?? null };
}

/** A validated contact change (`PATCH …/contacts/{id}`) → the domain's: standard and custom fields in one map. */
export function contactPatchFromBody(
  patch: {
    email?: string | undefined;
    timezone?: string | null | undefined;
    custom_fields?: Record<string, string | null> | undefined;
  } & Partial<Record<(typeof STANDARD_FIELDS)[number], string | null>>,
): ContactPatch {
  const fields: Record<string, string | null> = { ...patch.custom_fields };
  for (const name of STANDARD_FIELDS) if (patch[name] !== undefined) fields[name] = patch[name];
  return { email: patch.email, fields, timezone: patch.timezone };
}

/** `GET /contacts`. */
export const contactPageQuerySchema = z.object({
  email: z.string().max(320).optional().describe('Part of the address, in any case.'),
  status: z.enum(CONTACT_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(100),
});
