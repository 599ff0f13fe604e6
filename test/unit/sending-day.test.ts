import { campaignZone, dayBounds } from '../../src/domain/delivery/sending-day';

describe('dayBounds', () => {
  it('when the zone is UTC, then the day runs from midnight to midnight UTC', () => {
    expect(dayBounds(new Date('2026-03-10T09:30:00Z'), 'UTC')).toEqual({
      start: new Date('2026-03-10T00:00:00Z'),
      end: new Date('2026-03-11T00:00:00Z'),
      date: '2026-03-10',
    });
  });

  it('when the zone is far east, then its day may already be tomorrow in UTC terms', () => {
    // Kiritimati is UTC+14: 12:00 UTC on the 10th is 02:00 on the 11th there.
    expect(dayBounds(new Date('2026-03-10T12:00:00Z'), 'Pacific/Kiritimati')).toEqual({
      start: new Date('2026-03-10T10:00:00Z'),
      end: new Date('2026-03-11T10:00:00Z'),
      date: '2026-03-11',
    });
  });

  it('when clocks spring forward, then that day lasts 23 hours; when they fall back, 25', () => {
    const spring = dayBounds(new Date('2026-03-29T12:00:00Z'), 'Europe/Paris');
    const autumn = dayBounds(new Date('2026-10-25T12:00:00Z'), 'Europe/Paris');
    const hours = (bounds: { start: Date; end: Date }) => (bounds.end.getTime() - bounds.start.getTime()) / 3_600_000;

    expect(spring.start).toEqual(new Date('2026-03-28T23:00:00Z'));
    expect(hours(spring)).toBe(23);
    expect(autumn.start).toEqual(new Date('2026-10-24T22:00:00Z'));
    expect(hours(autumn)).toBe(25);
  });

  it('when a campaign has no schedule, then its days are UTC days; with one, its timezone', () => {
    expect(campaignZone({ schedule: null })).toBe('UTC');
    expect(campaignZone({ schedule: { timezone: 'America/New_York', days: [1], startHour: 9, endHour: 17 } })).toBe(
      'America/New_York',
    );
  });
});
