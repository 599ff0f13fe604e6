import { DateTime } from 'luxon';
import type { SendingSchedule } from '../../db/entities/campaign.entity';

/** The zone a campaign's days (and so its mailboxes' daily limits) are counted in: its schedule's, else UTC. */
export function campaignZone(campaign: { schedule: SendingSchedule | null }): string {
  return campaign.schedule?.timezone ?? 'UTC';
}

/**
 * The day containing `at` in `zone`: its first instant and the next day's. DST-correct (a day may last 23 or
 * 25 hours) because the date arithmetic is done in the zone by luxon, not with fixed offsets.
 */
export function dayBounds(at: Date, zone: string): { start: Date; end: Date; date: string } {
  const start = DateTime.fromJSDate(at, { zone }).startOf('day');
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate(), date: start.toISODate() ?? '' };
}
