import { DateTime } from 'luxon';
import { AppError } from '../errors';

/** How many days an analytics request may span when ANALYTICS_MAX_DAYS is not set. */
export const DEFAULT_ANALYTICS_MAX_DAYS = 90;

/** How many days a range covers when the request names no start. */
const DEFAULT_DAYS = 30;

/** Days `YYYY-MM-DD`, both included, counted in `zone` (an IANA name Postgres knows too). */
export interface DateRange {
  start: string;
  end: string;
  zone: string;
}

/**
 * The range of a request, in `zone`: `end` defaults to today there, `start` to 30 days before `end` (or to `end`
 * when that would pass the limit). Refuses an end before the start and a span over `maxDays` days, with the field
 * and the limit named. The dates' format is checked by the request's schema.
 */
export function dateRange(
  request: { start_date?: string | undefined; end_date?: string | undefined },
  zone: string,
  maxDays: number,
  now = new Date(),
): DateRange {
  const end = request.end_date ?? DateTime.fromJSDate(now, { zone }).toISODate()!;
  const defaultDays = Math.min(DEFAULT_DAYS, maxDays);
  const start =
    request.start_date ??
    DateTime.fromISO(end)
      .minus({ days: defaultDays - 1 })
      .toISODate()!;
  const days = daysBetween(start, end) + 1;
  if (days < 1) {
    throw new AppError('validation_failed', 'Validation failed: end_date is before start_date.', {
      errors: [`end_date: must be on or after start_date (${start})`],
    });
  }
  if (days > maxDays) {
    throw new AppError(
      'validation_failed',
      `Validation failed: the range covers ${days} days; at most ${maxDays} days may be asked for at once.`,
      {
        errors: [`end_date: must be at most ${maxDays - 1} days after start_date (${start}): at most ${maxDays} days`],
      },
    );
  }
  return { start, end, zone };
}

/** Whole days from `start` to `end` (both `YYYY-MM-DD`): 0 for the same day, negative when `end` comes first. */
function daysBetween(start: string, end: string): number {
  return Math.round(DateTime.fromISO(end, { zone: 'UTC' }).diff(DateTime.fromISO(start, { zone: 'UTC' }), 'days').days);
}
