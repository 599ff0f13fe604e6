import { IANAZone } from 'luxon';
import type { SendingSchedule } from '../../db/entities/campaign.entity';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/**
 * A weekly schedule opens within 7 days, except when a DST gap swallows the week's only window (Sundays 02:00–03:00
 * in New York on the spring-forward night): then it opens the week after, up to 14 days ahead.
 */
const SEARCH_DAYS = 14;
/** Offset changes are looked for at this step; clocks never change twice within it. */
const OFFSET_SCAN_MS = 12 * HOUR_MS;

interface Window {
  zone: IANAZone;
  days: ReadonlySet<number>;
  startHour: number;
  endHour: number;
}

/** The first instant at or after `at` when sending is allowed; `at` itself when the window is open (or there is no schedule). */
export function nextWindowOpening(schedule: SendingSchedule | null, contactTimezone: string | null, at: Date): Date {
  if (schedule === null) return at;
  const window = resolveWindow(schedule, contactTimezone);
  const from = instantOf(at);
  if (isOpenAt(window, from)) return at;

  // Each allowed day's window opens at the first instant whose wall clock reaches its start hour: on a fall-back day
  // that is the first occurrence; on a spring-forward day with the start hour skipped, the end of the gap. These
  // instants only grow from one day to the next, so the search resumes where the previous day's left off.
  const today = Math.floor(wallClock(window.zone, from) / DAY_MS) * DAY_MS;
  let candidate = from;
  for (let day = 0; day <= SEARCH_DAYS; day++) {
    const dayStart = today + day * DAY_MS;
    if (!window.days.has(new Date(dayStart).getUTCDay())) continue;
    candidate = firstInstantReaching(window.zone, candidate, dayStart + window.startHour * HOUR_MS);
    // Not open when a DST gap swallowed the whole window (e.g. 02:00–03:00 on a spring-forward night).
    if (isOpenAt(window, candidate)) return new Date(candidate);
  }
  throw new Error(`Sending window never opens within ${SEARCH_DAYS} days of ${at.toISOString()}`);
}

/** Whether sending is allowed at `at`. */
export function isWindowOpen(schedule: SendingSchedule | null, contactTimezone: string | null, at: Date): boolean {
  if (schedule === null) return true;
  return isOpenAt(resolveWindow(schedule, contactTimezone), instantOf(at));
}

/** The schedule read in the contact's zone when it is a valid IANA zone, else the campaign's; invalid schedules throw. */
function resolveWindow(schedule: SendingSchedule, contactTimezone: string | null): Window {
  const { timezone, days, startHour, endHour } = schedule;
  const campaignZone = IANAZone.create(timezone);
  // The API validates schedules, so any of these is a programming error, not bad input.
  if (!campaignZone.isValid) throw new Error(`Sending schedule has an invalid timezone: ${timezone}`);
  if (days.length === 0 || !days.every((day) => Number.isInteger(day) && day >= 0 && day <= 6)) {
    throw new Error(`Sending schedule days must be 0–6 and not empty: [${days.join(', ')}]`);
  }
  if (!Number.isInteger(startHour) || !Number.isInteger(endHour) || startHour < 0 || endHour > 24) {
    throw new Error(`Sending schedule hours must be whole, 0 <= start < end <= 24: ${startHour}–${endHour}`);
  }
  if (startHour >= endHour) throw new Error(`Sending window never opens: start ${startHour} >= end ${endHour}`);

  const contactZone = contactTimezone ? IANAZone.create(contactTimezone) : null;
  return { zone: contactZone?.isValid ? contactZone : campaignZone, days: new Set(days), startHour, endHour };
}

function instantOf(at: Date): number {
  const ms = at.getTime();
  if (Number.isNaN(ms)) throw new Error('Sending window asked about an invalid date');
  return ms;
}

function isOpenAt(window: Window, instant: number): boolean {
  const local = new Date(wallClock(window.zone, instant));
  const hour = local.getUTCHours();
  return window.days.has(local.getUTCDay()) && hour >= window.startHour && hour < window.endHour;
}

/** The zone's wall-clock time at `instant`, encoded as milliseconds whose UTC fields are the local fields. */
function wallClock(zone: IANAZone, instant: number): number {
  return instant + offsetMs(zone, instant);
}

function offsetMs(zone: IANAZone, instant: number): number {
  return Math.round(zone.offset(instant) * 60_000);
}

/**
 * The first instant at or after `from` whose wall clock reads `target` or later. Between offset changes the wall clock
 * runs with real time; at a change it jumps, so the answer is either where it reaches `target` or the change itself.
 */
function firstInstantReaching(zone: IANAZone, from: number, target: number): number {
  let instant = from;
  // Each pass crosses one offset change; a few days hold at most a couple of them.
  for (let pass = 0; pass < 2 * SEARCH_DAYS; pass++) {
    const offset = offsetMs(zone, instant);
    if (instant + offset >= target) return instant;
    const reached = target - offset;
    const change = nextOffsetChange(zone, instant, reached);
    if (change === null) return reached;
    instant = change;
  }
  throw new Error(`Too many offset changes in ${zone.name} after ${new Date(from).toISOString()}`);
}

/** The first instant in (from, until] whose offset differs from the one at `from`, or null. */
function nextOffsetChange(zone: IANAZone, from: number, until: number): number | null {
  const offset = offsetMs(zone, from);
  for (let low = from; low < until;) {
    let high = Math.min(low + OFFSET_SCAN_MS, until);
    if (offsetMs(zone, high) !== offset) {
      // Bisect to the millisecond: `low` has the old offset, `high` the new one.
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (offsetMs(zone, middle) === offset) low = middle;
        else high = middle;
      }
      return high;
    }
    low = high;
  }
  return null;
}
