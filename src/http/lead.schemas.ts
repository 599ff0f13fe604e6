import { z } from 'zod';
import { ENROLLMENT_STATUSES } from '../domain/enrollments/enrollment-model';
import { BUILT_IN_CATEGORIES, MAX_CATEGORY_LENGTH } from '../domain/enrollments/lead-category';

/** Control characters (line breaks included) have no place in a one-line label. */
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** A built-in category, or the organization's own label. */
export const categorySchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_CATEGORY_LENGTH)
  .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters or line breaks')
  .meta({
    description:
      `One of ${BUILT_IN_CATEGORIES.map((category) => `\`${category}\``).join(', ')}, or a label of your own ` +
      `(1 to ${MAX_CATEGORY_LENGTH} characters, trimmed, no line breaks; compared exactly, case included).`,
    example: 'interested',
  });

/** `PATCH /campaigns/{id}/enrollments/{eid}`: what can be changed on a lead. */
export const enrollmentPatchSchema = z.object({
  enrollment: z.object({
    category: categorySchema.nullable().meta({ description: 'The lead’s category; null clears it.' }),
  }),
});

export const UNSUBSCRIBE_SCOPES = ['campaign', 'global'] as const;

/** `POST /campaigns/{id}/enrollments/{eid}/unsubscribe`: from this campaign only, or from every campaign. */
export const unsubscribeBodySchema = z.object({
  scope: z
    .enum(UNSUBSCRIBE_SCOPES)
    .default('global')
    .meta({
      description:
        '`global` (the default, as the unsubscribe link): the contact is unsubscribed from every campaign. ' +
        '`campaign`: this enrollment alone ends `unsubscribed`; the contact stays `active` in its other campaigns.',
    }),
});

const statusList = z
  .string()
  .transform((value) => value.split(',').map((status) => status.trim()))
  .pipe(z.array(z.enum(ENROLLMENT_STATUSES)).min(1));

/** Which of a campaign's enrollments a page or the CSV export covers. */
export const leadFilterQuerySchema = z.object({
  status: statusList
    .optional()
    .meta({ description: 'Only enrollments of these statuses, comma-separated.', example: 'active,paused' }),
  category: categorySchema.optional().meta({ description: 'Only leads of this category (exactly).' }),
  removed: z.enum(['exclude', 'include', 'only']).default('exclude').meta({
    description: 'Leads removed from the campaign are left out (`exclude`, the default), listed too, or alone.',
  }),
});
