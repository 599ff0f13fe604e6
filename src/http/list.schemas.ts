import { z } from 'zod';
import { MAX_PER_PAGE } from '../domain/lists/list.service';
import { contactSchema, fieldName, timeZone } from './contact.schemas';
import { booleanQuery } from './path-params';

export const listBodySchema = z.object({ list: z.object({ name: z.string().trim().min(1).max(200) }) });
export const importBodySchema = z.object({ contacts: z.array(contactSchema).min(1, 'give at least one contact') });
export const importQuerySchema = z.object({ remove_duplicates: booleanQuery(false), auto_clean: booleanQuery(false) });
export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(MAX_PER_PAGE).default(100),
});
const nullableField = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .transform((value) => (value === null ? null : String(value)))
  .pipe(z.string().max(2000).nullable());
export const contactPatchSchema = z
  .object({
    email: z.string().max(320).optional(),
    first_name: nullableField.optional(),
    last_name: nullableField.optional(),
    phone: nullableField.optional(),
    company: nullableField.optional(),
    title: nullableField.optional(),
    timezone: timeZone.nullable().optional(),
    custom_fields: z.record(fieldName, nullableField).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'give at least one field to change' });
export const removeQuerySchema = z.object({ scope: z.enum(['list', 'organization']).default('list') });
