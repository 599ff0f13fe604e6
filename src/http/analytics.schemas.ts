import { z } from 'zod';
import { leadFilterQuerySchema } from './lead.schemas';

/** The most leads one page of `GET /campaigns/{id}/export.csv?format=json` holds. */
export const MAX_EXPORT_PAGE = 1000;

/** A calendar date that exists (no 2026-02-30), from 1970 on. */
function isDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1970 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const day = (description: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
    .refine(isDate, 'must be a calendar date from 1970-01-01 on (YYYY-MM-DD)')
    .optional()
    .meta({ description, example: '2026-11-01' });

/** `?start_date&end_date`: days, both included, in the zone the operation counts days in. */
export const dateRangeQuerySchema = z.object({
  start_date: day('The first day counted (`YYYY-MM-DD`, included). Default: 29 days before `end_date`.'),
  end_date: day(
    'The last day counted (`YYYY-MM-DD`, included). Default: today. At most ANALYTICS_MAX_DAYS (90 by default) ' +
      'days from `start_date`, both included.',
  ),
});

/** `GET /campaigns/{id}/export.csv`: the lead filters, every lead by default, and the JSON pages. */
export const campaignExportQuerySchema = leadFilterQuerySchema.extend({
  removed: z.enum(['exclude', 'include', 'only']).default('include').meta({
    description: 'Leads removed from the campaign are exported too (`include`, the default), left out, or alone.',
  }),
  format: z.enum(['csv', 'json']).default('csv').meta({
    description: '`csv` (the default): the whole file, streamed. `json`: one page of leads in the JSON envelope.',
  }),
  cursor: z.string().max(200).optional().meta({
    description: 'With `format=json`: the `next_cursor` of the previous page; absent for the first page.',
  }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_EXPORT_PAGE)
    .default(100)
    .meta({ description: `With \`format=json\`: leads per page (at most ${MAX_EXPORT_PAGE}).` }),
});
