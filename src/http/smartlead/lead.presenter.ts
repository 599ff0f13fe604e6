// A native contact and its enrollment in Smartlead's lead shapes. How each field maps (the "Migrating from Smartlead"
// table, for leads):
//
// | Smartlead                  | Sequencer                                                                         |
// |----------------------------|-----------------------------------------------------------------------------------|
// | lead.id (lead_id)          | the contact's integer alias (a lead is an organization-wide contact)              |
// | campaign_lead_map_id       | the enrollment's integer alias (the contact in one campaign)                      |
// | email, first_name, last_name | email (normalized), the fields first_name, last_name                            |
// | company_name, phone_number | the standard fields company, phone                                                |
// | website, location, linkedin_profile, company_url | fields of those names                                      |
// | custom_fields              | every other field (title included)                                                |
// | is_unsubscribed            | the contact's status is unsubscribed (global)                                     |
// | status                     | pending → STARTED, active → INPROGRESS (STARTED before its first send), paused →  |
// |                            | PAUSED, completed/replied → COMPLETED, stopped/unsubscribed/failed → STOPPED,     |
// |                            | bounced/skipped (blocked, unsubscribed or invalid at dispatch) → BLOCKED          |
// | lead_category_id           | the built-in category's id (LEAD_CATEGORIES); a label of your own: null           |
import { z } from 'zod';
import type { ContactEntity } from '../../domain/contacts/contact.service';
import type { EnrollmentEntity } from '../../domain/enrollments/enrollment.service';
import type { ImportEntry } from '../../domain/contacts/contact-import';

export const SMARTLEAD_LEAD_STATUSES = ['STARTED', 'INPROGRESS', 'COMPLETED', 'PAUSED', 'STOPPED', 'BLOCKED'] as const;
export type SmartleadLeadStatus = (typeof SMARTLEAD_LEAD_STATUSES)[number];

/** Smartlead's category ids of the built-in categories Sequencer has (its others have no counterpart). */
export const LEAD_CATEGORIES = [
  { id: 1, name: 'Interested', category: 'interested' },
  { id: 2, name: 'Meeting Request', category: 'meeting_booked' },
  { id: 3, name: 'Not Interested', category: 'not_interested' },
  { id: 6, name: 'Out Of Office', category: 'out_of_office' },
  { id: 7, name: 'Wrong Person', category: 'wrong_person' },
] as const;

/** The Smartlead category id of a native category; null for none or a label of the organization's own. */
export const categoryIdOf = (category: string | null): number | null =>
  LEAD_CATEGORIES.find((known) => known.category === category)?.id ?? null;

/** Smartlead's lead fields stored under another name, and those stored as fields of their own name. */
const RENAMED = { company_name: 'company', phone_number: 'phone' } as const;
const SAME_NAME = ['first_name', 'last_name', 'website', 'location', 'linkedin_profile', 'company_url'] as const;
const MAPPED_FIELDS = new Set<string>([...Object.values(RENAMED), ...SAME_NAME]);

/** A lead's fields as sent: text, numbers and booleans (stored as text); null or "" leaves a field out. */
const fieldValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .pipe(z.string().max(2000))
  .nullish();

export const leadInputShape = {
  email: z.string().trim().max(320).nullish().meta({ description: 'Required to add a lead.' }),
  first_name: fieldValue,
  last_name: fieldValue,
  company_name: fieldValue,
  phone_number: fieldValue,
  website: fieldValue,
  location: fieldValue,
  linkedin_profile: fieldValue,
  company_url: fieldValue,
  custom_fields: z
    .record(z.string().max(100), fieldValue)
    .nullish()
    .meta({ description: 'Any other fields, kept as the contact’s fields of those names.' }),
};
export const leadInputSchema = z.looseObject(leadInputShape);
export type LeadInput = z.output<typeof leadInputSchema>;

/** The contact fields a Smartlead lead sets (a null value clears the field on update). */
export function fieldsOf(lead: LeadInput, clear = false): Record<string, string | null> {
  const fields: Record<string, string | null> = {};
  const put = (name: string, value: string | null | undefined): void => {
    if (value === undefined) return;
    if (value === null || value === '') {
      if (clear) fields[name] = null;
    } else fields[name] = value;
  };
  for (const [name, value] of Object.entries(lead.custom_fields ?? {})) put(name, value);
  for (const name of SAME_NAME) put(name, lead[name]);
  for (const [from, to] of Object.entries(RENAMED)) put(to, lead[from as keyof typeof RENAMED]);
  return fields;
}

/** A lead to import as a native contact (no timezone: Smartlead leads carry none). */
export function importEntryOf(lead: LeadInput): ImportEntry {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(fieldsOf(lead))) if (value !== null) fields[name] = value;
  return { email: lead.email ?? '', fields, timezone: null };
}

export const smartleadLeadSchema = z
  .object({
    id: z.number().int().meta({ description: 'The lead id.' }),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    email: z.string(),
    phone_number: z.string().nullable(),
    company_name: z.string().nullable(),
    website: z.string().nullable(),
    location: z.string().nullable(),
    custom_fields: z.record(z.string(), z.string()),
    linkedin_profile: z.string().nullable(),
    company_url: z.string().nullable(),
    is_unsubscribed: z.boolean().meta({ description: 'Unsubscribed from every campaign.' }),
    created_at: z.string().optional(),
  })
  .meta({ id: 'SmartleadLead' });
export type SmartleadLead = z.input<typeof smartleadLeadSchema>;

/** The contact as Smartlead's lead object. */
export function presentLead(contact: ContactEntity): SmartleadLead {
  const field = (name: string): string | null => contact.fields[name] ?? null;
  const custom: Record<string, string> = {};
  for (const [name, value] of Object.entries(contact.fields)) if (!MAPPED_FIELDS.has(name)) custom[name] = value;
  return {
    id: contact.alias,
    first_name: field('first_name'),
    last_name: field('last_name'),
    email: contact.email,
    phone_number: field('phone'),
    company_name: field('company'),
    website: field('website'),
    location: field('location'),
    custom_fields: custom,
    linkedin_profile: field('linkedin_profile'),
    company_url: field('company_url'),
    is_unsubscribed: contact.status === 'unsubscribed',
  };
}

/** The enrollment's status in Smartlead's words. */
export function leadStatusOf(enrollment: Pick<EnrollmentEntity, 'status' | 'currentStep'>): SmartleadLeadStatus {
  switch (enrollment.status) {
    case 'pending':
      return 'STARTED';
    case 'active':
      return enrollment.currentStep > 0 ? 'INPROGRESS' : 'STARTED';
    case 'paused':
      return 'PAUSED';
    case 'completed':
    case 'replied':
      return 'COMPLETED';
    case 'stopped':
    case 'unsubscribed':
    case 'failed':
      return 'STOPPED';
    case 'bounced':
    case 'skipped':
      return 'BLOCKED';
  }
}

export const campaignLeadSchema = z
  .object({
    campaign_lead_map_id: z.number().int().meta({ description: 'The lead in this campaign.' }),
    status: z.enum(SMARTLEAD_LEAD_STATUSES),
    created_at: z.string().meta({ description: 'When it was added to the campaign (ISO 8601).' }),
    lead_category_id: z.number().int().nullable(),
    lead: smartleadLeadSchema,
  })
  .meta({ id: 'SmartleadCampaignLead' });
export type SmartleadCampaignLead = z.input<typeof campaignLeadSchema>;

/** An enrollment (with its contact) as one of Smartlead's campaign leads. */
export function presentCampaignLead(enrollment: EnrollmentEntity, contact: ContactEntity): SmartleadCampaignLead {
  return {
    campaign_lead_map_id: enrollment.alias,
    status: leadStatusOf(enrollment),
    created_at: enrollment.createdAt.toISOString(),
    lead_category_id: categoryIdOf(enrollment.category),
    lead: presentLead(contact),
  };
}

export const EXAMPLE_LEAD: SmartleadLead = {
  id: 789,
  first_name: 'John',
  last_name: 'Smith',
  email: 'john@acme.com',
  phone_number: '+1234567890',
  company_name: 'Acme Corp',
  website: 'https://acme.com',
  location: 'New York, USA',
  custom_fields: { job_title: 'VP of Sales', industry: 'SaaS' },
  linkedin_profile: 'https://linkedin.com/in/johnsmith',
  company_url: 'https://acme.com',
  is_unsubscribed: false,
};
