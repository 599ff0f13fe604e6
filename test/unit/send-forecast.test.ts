import { forecastSends, type ForecastInput } from '../../src/domain/campaigns/send-forecast';

const NOW = new Date('2026-03-10T09:00:00Z');
const HOUR = 60 * 60 * 1000;

function input(overrides: Partial<ForecastInput>): ForecastInput {
  return {
    now: NOW,
    zone: 'UTC',
    days: 3,
    steps: [
      { position: 1, delayMs: 0 },
      { position: 2, delayMs: 2 * HOUR },
    ],
    enrollments: [],
    mailboxes: [{ id: 'm1', status: 'active', dailyLimit: 100, sentToday: 0 }],
    ...overrides,
  };
}

const byDay = (result: ReturnType<typeof forecastSends>) =>
  result.days.map((day) => [day.date, Object.fromEntries(day.byStep)]);

describe('forecastSends', () => {
  it('when mailboxes have room, then each step lands on the day it falls due', () => {
    const result = forecastSends(
      input({
        enrollments: [
          { nextPosition: 1, dueAt: NOW, mailboxId: null },
          { nextPosition: 2, dueAt: new Date('2026-03-11T08:00:00Z'), mailboxId: 'm1' },
        ],
      }),
    );

    expect(byDay(result)).toEqual([
      ['2026-03-10', { 1: 1, 2: 1 }],
      ['2026-03-11', { 2: 1 }],
      ['2026-03-12', {}],
    ]);
    expect(result.beyondHorizon).toBe(0);
  });

  it('when first steps exceed the daily limit, then the rest wait for the next days, follow-ups included', () => {
    const enrollments = Array.from({ length: 5 }, () => ({ nextPosition: 1, dueAt: NOW, mailboxId: null }));

    const result = forecastSends(
      input({ enrollments, mailboxes: [{ id: 'm1', status: 'active', dailyLimit: 2, sentToday: 0 }] }),
    );

    expect(byDay(result)).toEqual([
      ['2026-03-10', { 1: 2, 2: 2 }],
      ['2026-03-11', { 1: 2, 2: 2 }],
      ['2026-03-12', { 1: 1, 2: 1 }],
    ]);
  });

  it("when today's sends already used the limit, then new first steps start tomorrow", () => {
    const result = forecastSends(
      input({
        enrollments: [{ nextPosition: 1, dueAt: NOW, mailboxId: null }],
        mailboxes: [{ id: 'm1', status: 'active', dailyLimit: 3, sentToday: 3 }],
      }),
    );

    expect(byDay(result)[0]).toEqual(['2026-03-10', {}]);
    expect(byDay(result)[1]).toEqual(['2026-03-11', { 1: 1, 2: 1 }]);
  });

  it('when two mailboxes have room, then first steps spread to the one with the most room', () => {
    const result = forecastSends(
      input({
        steps: [{ position: 1, delayMs: 0 }],
        enrollments: Array.from({ length: 4 }, () => ({ nextPosition: 1, dueAt: NOW, mailboxId: null })),
        mailboxes: [
          { id: 'm1', status: 'active', dailyLimit: 2, sentToday: 0 },
          { id: 'm2', status: 'active', dailyLimit: 2, sentToday: 0 },
          { id: 'm3', status: 'disabled', dailyLimit: 50, sentToday: 0 },
        ],
      }),
    );

    expect(byDay(result)).toEqual([
      ['2026-03-10', { 1: 4 }],
      ['2026-03-11', {}],
      ['2026-03-12', {}],
    ]);
  });

  it('when sends fall after the last day, then they are counted beyond the horizon', () => {
    const result = forecastSends(
      input({
        days: 1,
        enrollments: [{ nextPosition: 1, dueAt: new Date('2026-03-10T23:00:00Z'), mailboxId: null }],
      }),
    );

    expect(byDay(result)).toEqual([['2026-03-10', { 1: 1 }]]);
    expect(result.beyondHorizon).toBe(1);
  });

  it("when the campaign's zone is far east, then its days start at that zone's midnight", () => {
    // 09:00 UTC on the 10th is 23:00 on the 10th in Kiritimati (UTC+14); its next day starts at 10:00 UTC.
    const result = forecastSends(
      input({
        zone: 'Pacific/Kiritimati',
        steps: [{ position: 1, delayMs: 0 }],
        enrollments: [1, 2].map(() => ({ nextPosition: 1, dueAt: NOW, mailboxId: null })),
        mailboxes: [{ id: 'm1', status: 'active', dailyLimit: 1, sentToday: 0 }],
      }),
    );

    expect(byDay(result).slice(0, 2)).toEqual([
      ['2026-03-10', { 1: 1 }],
      ['2026-03-11', { 1: 1 }],
    ]);
  });
});
