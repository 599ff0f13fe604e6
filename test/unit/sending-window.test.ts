import { DateTime } from 'luxon';
import type { SendingSchedule } from '../../src/db/entities/campaign.entity';
import { isWindowOpen, nextWindowOpening } from '../../src/domain/delivery/sending-window';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = [1, 2, 3, 4, 5];

function schedule(overrides: Partial<SendingSchedule> = {}): SendingSchedule {
  return { timezone: 'Europe/Paris', days: WEEKDAYS, startHour: 9, endHour: 17, ...overrides };
}

/** The instant as the zone's wall clock reads it, e.g. 2026-03-29T03:00:00+02:00. */
function localIso(at: Date, zone: string): string | null {
  return DateTime.fromJSDate(at, { zone }).toISO({ suppressMilliseconds: true });
}

/** An oracle independent of the module: luxon's own reading of the local weekday and hour. */
function openByLuxon(window: SendingSchedule, zone: string, instant: number): boolean {
  const local = DateTime.fromMillis(instant, { zone });
  return window.days.includes(local.weekday % 7) && local.hour >= window.startHour && local.hour < window.endHour;
}

/** A seeded generator (mulberry32) so the property loop is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('nextWindowOpening', () => {
  it('when the window is open, then it returns `at`', () => {
    const at = new Date('2026-06-10T08:00:00.123Z'); // Wednesday 10:00 in Paris

    expect(nextWindowOpening(schedule(), null, at)).toEqual(at);
    expect(nextWindowOpening(schedule(), null, new Date('2026-06-10T07:00:00Z'))).toEqual(
      new Date('2026-06-10T07:00:00Z'),
    ); // 09:00 exactly: the start hour is included
  });

  it('when it is before the start hour, then it opens at today’s start', () => {
    const result = nextWindowOpening(schedule(), null, new Date('2026-06-10T05:30:00Z')); // Wednesday 07:30

    expect(localIso(result, 'Europe/Paris')).toBe('2026-06-10T09:00:00+02:00');
  });

  it('when it is after the end hour, then it opens at the next allowed day’s start', () => {
    const mondayAndWednesday = schedule({ days: [1, 3] });

    const afterEnd = nextWindowOpening(mondayAndWednesday, null, new Date('2026-06-08T16:00:00Z')); // Monday 18:00
    const atEnd = nextWindowOpening(mondayAndWednesday, null, new Date('2026-06-08T15:00:00Z')); // 17:00, excluded

    expect(localIso(afterEnd, 'Europe/Paris')).toBe('2026-06-10T09:00:00+02:00');
    expect(atEnd).toEqual(afterEnd);
  });

  it('when it is Friday evening with a Monday–Friday 9–17 window, then it opens Monday 09:00 local', () => {
    const newYork = schedule({ timezone: 'America/New_York' });

    const result = nextWindowOpening(newYork, null, new Date('2026-06-12T23:00:00Z')); // Friday 19:00 EDT

    expect(result).toEqual(new Date('2026-06-15T13:00:00Z'));
    expect(localIso(result, 'America/New_York')).toBe('2026-06-15T09:00:00-04:00');
  });

  it('when the end hour is 24, then the window stays open until midnight and shuts at 00:00', () => {
    const mondayEvenings = schedule({ days: [1], startHour: 20, endHour: 24 });
    const lastSecond = new Date('2026-06-08T21:59:59.999Z'); // Monday 23:59:59.999 CEST

    expect(nextWindowOpening(mondayEvenings, null, lastSecond)).toEqual(lastSecond);
    expect(isWindowOpen(mondayEvenings, null, lastSecond)).toBe(true);
    expect(isWindowOpen(mondayEvenings, null, new Date('2026-06-08T22:00:00Z'))).toBe(false);
    expect(localIso(nextWindowOpening(mondayEvenings, null, new Date('2026-06-08T22:00:00Z')), 'Europe/Paris')).toBe(
      '2026-06-15T20:00:00+02:00',
    );
  });

  it('when the contact has a timezone, then the window is read there rather than in the campaign’s', () => {
    const at = new Date('2026-06-10T12:00:00Z'); // Wednesday: 14:00 Paris, 05:00 Los Angeles, 21:00 Tokyo

    expect(nextWindowOpening(schedule(), null, at)).toEqual(at);
    expect(localIso(nextWindowOpening(schedule(), 'America/Los_Angeles', at), 'America/Los_Angeles')).toBe(
      '2026-06-10T09:00:00-07:00',
    );
    expect(localIso(nextWindowOpening(schedule(), 'Asia/Tokyo', at), 'Asia/Tokyo')).toBe('2026-06-11T09:00:00+09:00');
    expect(isWindowOpen(schedule(), 'America/Los_Angeles', at)).toBe(false);
  });

  it.each(['Mars/Olympus_Mons', 'Europe/Pariss', 'not a zone', ''])(
    'when the contact timezone %p is not a valid zone, then the campaign’s is used',
    (contactTimezone) => {
      const at = new Date('2026-06-10T05:30:00Z'); // 07:30 Paris, 05:30 UTC, 01:30 New York
      const campaign = schedule({ timezone: 'America/New_York' });

      expect(nextWindowOpening(campaign, contactTimezone, at)).toEqual(nextWindowOpening(campaign, null, at));
      expect(localIso(nextWindowOpening(campaign, contactTimezone, at), 'America/New_York')).toBe(
        '2026-06-10T09:00:00-04:00',
      );
    },
  );

  it('when there is no schedule, then it returns `at` whatever the contact’s zone', () => {
    const saturdayNight = new Date('2026-06-13T02:00:00Z');

    expect(nextWindowOpening(null, null, saturdayNight)).toBe(saturdayNight);
    expect(nextWindowOpening(null, 'Asia/Tokyo', saturdayNight)).toBe(saturdayNight);
    expect(isWindowOpen(null, 'Asia/Tokyo', saturdayNight)).toBe(true);
  });

  it('when the schedule can never open, then it throws', () => {
    const at = new Date('2026-06-10T12:00:00Z');

    expect(() => nextWindowOpening(schedule({ days: [] }), null, at)).toThrow(/days/);
    expect(() => nextWindowOpening(schedule({ startHour: 17, endHour: 9 }), null, at)).toThrow(/never opens/);
    expect(() => nextWindowOpening(schedule({ startHour: 9, endHour: 9 }), null, at)).toThrow(/never opens/);
    expect(() => nextWindowOpening(schedule({ days: [7] }), null, at)).toThrow(/days/);
    expect(() => nextWindowOpening(schedule({ timezone: 'Mars/Base' }), 'Europe/Paris', at)).toThrow(/timezone/);
    expect(() => isWindowOpen(schedule({ days: [] }), null, at)).toThrow(/days/);
  });
});

describe('nextWindowOpening across DST changes', () => {
  const sundaysFrom = (startHour: number, endHour: number, timezone: string) =>
    schedule({ timezone, days: [0], startHour, endHour });

  it('when Paris springs forward and the start hour 02:00 does not exist, then it opens at 03:00 CEST', () => {
    const result = nextWindowOpening(sundaysFrom(2, 6, 'Europe/Paris'), null, new Date('2026-03-28T23:30:00Z'));

    expect(result).toEqual(new Date('2026-03-29T01:00:00Z'));
    expect(localIso(result, 'Europe/Paris')).toBe('2026-03-29T03:00:00+02:00');
    expect(isWindowOpen(sundaysFrom(2, 6, 'Europe/Paris'), null, new Date('2026-03-29T00:59:59.999Z'))).toBe(false);
  });

  it('when Paris springs forward, then 09:00 is an hour earlier in UTC than the Sunday before', () => {
    const nineOnSundays = sundaysFrom(9, 17, 'Europe/Paris');

    expect(nextWindowOpening(nineOnSundays, null, new Date('2026-03-21T12:00:00Z'))).toEqual(
      new Date('2026-03-22T08:00:00Z'),
    );
    expect(nextWindowOpening(nineOnSundays, null, new Date('2026-03-28T12:00:00Z'))).toEqual(
      new Date('2026-03-29T07:00:00Z'),
    );
  });

  it('when the whole window falls inside the skipped hour, then it opens on the next allowed day', () => {
    const result = nextWindowOpening(sundaysFrom(2, 3, 'Europe/Paris'), null, new Date('2026-03-28T23:30:00Z'));

    expect(localIso(result, 'Europe/Paris')).toBe('2026-04-05T02:00:00+02:00');
  });

  it('when the skipped hour swallows the week’s only window, then it opens the following week instead of throwing', () => {
    const result = nextWindowOpening(
      sundaysFrom(2, 3, 'America/New_York'),
      null,
      new Date('2026-03-02T08:00:00Z'), // Monday 03:00 EST, just after the previous Sunday's window
    );

    expect(localIso(result, 'America/New_York')).toBe('2026-03-15T02:00:00-04:00');
  });

  it('when Paris falls back, then the window opens at the first 02:00 (CEST) and both 02:xx hours are open', () => {
    const twoToSix = sundaysFrom(2, 6, 'Europe/Paris');

    const result = nextWindowOpening(twoToSix, null, new Date('2026-10-24T22:30:00Z')); // Sunday 00:30 CEST

    expect(result).toEqual(new Date('2026-10-25T00:00:00Z'));
    expect(localIso(result, 'Europe/Paris')).toBe('2026-10-25T02:00:00+02:00');
    expect(isWindowOpen(twoToSix, null, new Date('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET, second time
  });

  it('when Paris falls back during the first 02:xx, then a 03:00 start waits for 03:00 CET, not an hour early', () => {
    const result = nextWindowOpening(sundaysFrom(3, 6, 'Europe/Paris'), null, new Date('2026-10-25T00:30:00Z'));

    expect(localIso(result, 'Europe/Paris')).toBe('2026-10-25T03:00:00+01:00');
  });

  it('when the machine clock is in summer or in winter, then the fall-back answer is the same', () => {
    const at = new Date('2026-10-24T22:30:00Z');
    const answers = ['2026-07-01T00:00:00Z', '2026-01-15T00:00:00Z'].map((now) => {
      jest.useFakeTimers({ now: new Date(now) });
      try {
        return nextWindowOpening(sundaysFrom(2, 6, 'Europe/Paris'), null, at);
      } finally {
        jest.useRealTimers();
      }
    });

    expect(answers).toEqual([new Date('2026-10-25T00:00:00Z'), new Date('2026-10-25T00:00:00Z')]);
  });

  it('when New York springs forward and falls back, then 02:00 opens at 03:00 EDT and 01:00 at the first 01:00', () => {
    const spring = nextWindowOpening(sundaysFrom(2, 6, 'America/New_York'), null, new Date('2026-03-08T05:00:00Z'));
    const autumn = nextWindowOpening(sundaysFrom(1, 5, 'America/New_York'), null, new Date('2026-11-01T04:00:00Z'));

    expect(localIso(spring, 'America/New_York')).toBe('2026-03-08T03:00:00-04:00');
    expect(autumn).toEqual(new Date('2026-11-01T05:00:00Z'));
    expect(localIso(autumn, 'America/New_York')).toBe('2026-11-01T01:00:00-04:00');
  });

  it('when a weekend spans the New York spring change, then Monday 09:00 is 13:00 UTC, not 14:00', () => {
    const result = nextWindowOpening(
      schedule({ timezone: 'America/New_York' }),
      null,
      new Date('2026-03-06T23:00:00Z'), // Friday 18:00 EST
    );

    expect(result).toEqual(new Date('2026-03-09T13:00:00Z'));
  });

  it('when Sydney springs forward in October, then the skipped 02:00 opens at 03:00 AEDT', () => {
    const result = nextWindowOpening(sundaysFrom(2, 6, 'Australia/Sydney'), null, new Date('2026-10-03T14:00:00Z'));

    expect(result).toEqual(new Date('2026-10-03T16:00:00Z'));
    expect(localIso(result, 'Australia/Sydney')).toBe('2026-10-04T03:00:00+11:00');
  });

  it('when Sydney falls back in April (as Paris springs forward), then 02:00 opens at the first 02:00 AEDT', () => {
    const sunday = nextWindowOpening(sundaysFrom(2, 6, 'Australia/Sydney'), null, new Date('2026-04-04T13:00:00Z'));
    const monday = nextWindowOpening(
      schedule({ timezone: 'Australia/Sydney' }),
      null,
      new Date('2026-04-03T07:00:00Z'), // Friday 18:00 AEDT
    );

    expect(localIso(sunday, 'Australia/Sydney')).toBe('2026-04-05T02:00:00+11:00');
    expect(monday).toEqual(new Date('2026-04-05T23:00:00Z')); // Monday 09:00 AEST, an hour later in UTC
  });

  it('when Lord Howe skips only half an hour, then the skipped 02:00 opens at 02:30', () => {
    const result = nextWindowOpening(sundaysFrom(2, 6, 'Australia/Lord_Howe'), null, new Date('2026-10-03T13:30:00Z'));

    expect(localIso(result, 'Australia/Lord_Howe')).toBe('2026-10-04T02:30:00+11:00');
  });
});

describe('nextWindowOpening in zones with non-hour offsets', () => {
  it('when the zone is Asia/Kolkata (+05:30), then 09:00 local is 03:30 UTC', () => {
    const kolkata = schedule({ timezone: 'Asia/Kolkata' });

    expect(nextWindowOpening(kolkata, null, new Date('2026-06-08T03:00:00Z'))).toEqual(
      new Date('2026-06-08T03:30:00Z'),
    );
    expect(isWindowOpen(kolkata, null, new Date('2026-06-08T03:29:59Z'))).toBe(false);
  });

  it('when the contact is in Asia/Kathmandu (+05:45), then 09:00 local is 03:15 UTC', () => {
    const result = nextWindowOpening(schedule(), 'Asia/Kathmandu', new Date('2026-06-08T03:00:00Z'));

    expect(result).toEqual(new Date('2026-06-08T03:15:00Z'));
    expect(isWindowOpen(schedule(), 'Asia/Kathmandu', new Date('2026-06-08T03:15:00Z'))).toBe(true);
  });
});

describe('isWindowOpen', () => {
  const cases: { window: SendingSchedule; contact: string | null; from: string }[] = [
    { window: schedule(), contact: null, from: '2026-03-26T00:00:00Z' },
    { window: schedule({ days: [0, 6], startHour: 1, endHour: 4 }), contact: null, from: '2026-10-23T00:00:00Z' },
    {
      window: schedule({ days: [0], startHour: 1, endHour: 3 }),
      contact: 'America/New_York',
      from: '2026-03-06T00:00:00Z',
    },
    {
      window: schedule({ days: [0, 1, 5], startHour: 0, endHour: 24 }),
      contact: 'Australia/Sydney',
      from: '2026-04-02T00:00:00Z',
    },
    {
      window: schedule({ timezone: 'Asia/Kathmandu', startHour: 8, endHour: 9 }),
      contact: 'bogus',
      from: '2026-06-01T00:00:00Z',
    },
  ];

  it.each(cases)(
    'when asked at many instants, then it is open exactly when nextWindowOpening returns `at` (%#)',
    (c) => {
      let open = 0;
      // Steps of 7 minutes and 13 ms land on, beside and between hour boundaries over a week.
      for (let instant = Date.parse(c.from); instant < Date.parse(c.from) + 7 * DAY_MS; instant += 7 * MINUTE_MS + 13) {
        const at = new Date(instant);
        const isOpen = isWindowOpen(c.window, c.contact, at);

        expect(isOpen).toBe(nextWindowOpening(c.window, c.contact, at).getTime() === instant);
        if (isOpen) open++;
      }
      expect(open).toBeGreaterThan(0);
    },
  );
});

describe('nextWindowOpening properties', () => {
  const zones = [
    'Europe/Paris',
    'America/New_York',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'America/Santiago', // changes at midnight: some Sundays have no 00:xx
    'America/St_Johns',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'UTC',
  ];
  const contacts = [null, null, 'not/a_zone', ...zones];

  it('when asked at 500 instants across a year, then each answer is the first open instant at or after `at`', () => {
    const random = seededRandom(20_260_101);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const yearStart = Date.parse('2026-01-01T00:00:00Z');
    const grid = 15 * MINUTE_MS;

    for (let i = 0; i < 500; i++) {
      const days = [0, 1, 2, 3, 4, 5, 6].filter(() => random() < 0.4);
      const startHour = Math.floor(random() * 24);
      const window = schedule({
        timezone: pick(zones),
        days: days.length > 0 ? days : [pick([0, 1, 2, 3, 4, 5, 6])],
        startHour,
        endHour: startHour + 1 + Math.floor(random() * (24 - startHour)),
      });
      const contact = pick(contacts);
      const zone = contact !== null && contact !== 'not/a_zone' ? contact : window.timezone;
      const at = yearStart + Math.floor(random() * 365 * DAY_MS);
      const context = `${JSON.stringify(window)} contact=${contact} at=${new Date(at).toISOString()}`;

      const result = nextWindowOpening(window, contact, new Date(at)).getTime();

      expect({ context, ok: result >= at && result - at <= 14 * DAY_MS }).toEqual({ context, ok: true });
      expect({ context, open: openByLuxon(window, zone, result) }).toEqual({ context, open: true });
      expect({ context, open: isWindowOpen(window, contact, new Date(result)) }).toEqual({ context, open: true });
      if (result > at) {
        expect({ context, justBefore: openByLuxon(window, zone, result - 1) }).toEqual({ context, justBefore: false });
      }
      for (let instant = Math.ceil(at / grid) * grid; instant < result; instant += grid) {
        if (openByLuxon(window, zone, instant)) {
          throw new Error(
            `${context}: ${new Date(instant).toISOString()} is open before ${new Date(result).toISOString()}`,
          );
        }
      }
    }
  });
});
