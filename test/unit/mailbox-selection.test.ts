import crypto from 'node:crypto';
import { pickMailboxWithMostRoom, startOfUtcDay, type MailboxRoom } from '../../src/domain/delivery/mailbox-selection';

function candidate(dailyLimit: number, sentToday: number, status: 'active' | 'disabled' = 'active'): MailboxRoom {
  return { mailbox: { id: crypto.randomUUID(), status, dailyLimit }, sentToday };
}

describe('pickMailboxWithMostRoom', () => {
  describe('when several active mailboxes have room', () => {
    it('then the one with the most room left today wins', () => {
      const nearlyFull = candidate(50, 45);
      const roomiest = candidate(100, 20);
      const halfFull = candidate(50, 25);

      expect(pickMailboxWithMostRoom([nearlyFull, roomiest, halfFull])).toBe(roomiest);
    });

    it('then room is measured as remaining sends, not the limit', () => {
      const bigButBusy = candidate(1000, 995);
      const smallButIdle = candidate(10, 0);

      expect(pickMailboxWithMostRoom([bigButBusy, smallButIdle])).toBe(smallButIdle);
    });

    it('then a tie keeps the earlier mailbox', () => {
      const first = candidate(50, 10);
      const second = candidate(60, 20);

      expect(pickMailboxWithMostRoom([first, second])).toBe(first);
    });
  });

  describe('when some mailboxes are unusable', () => {
    it('then a disabled mailbox is skipped even with the most room', () => {
      const disabled = candidate(1000, 0, 'disabled');
      const active = candidate(10, 5);

      expect(pickMailboxWithMostRoom([disabled, active])).toBe(active);
    });

    it('then a mailbox at or over its limit is skipped', () => {
      const full = candidate(50, 50);
      const over = candidate(50, 60);
      const withRoom = candidate(50, 49);

      expect(pickMailboxWithMostRoom([full, over, withRoom])).toBe(withRoom);
    });

    it('then null is returned when every active mailbox is full', () => {
      expect(pickMailboxWithMostRoom([candidate(50, 50), candidate(20, 21), candidate(100, 0, 'disabled')])).toBeNull();
    });
  });

  describe('when there are no candidates', () => {
    it('then null is returned', () => {
      expect(pickMailboxWithMostRoom([])).toBeNull();
    });
  });
});

describe('startOfUtcDay', () => {
  it('when given an instant during the day, then it returns midnight UTC of that day', () => {
    expect(startOfUtcDay(new Date('2024-05-17T13:45:12.345Z')).toISOString()).toBe('2024-05-17T00:00:00.000Z');
  });

  it('when given the last millisecond of a UTC day, then it stays on that day', () => {
    expect(startOfUtcDay(new Date('2024-12-31T23:59:59.999Z')).toISOString()).toBe('2024-12-31T00:00:00.000Z');
  });

  it('when the local date differs from the UTC date, then the UTC date decides', () => {
    // 23:30 in New York on the 10th is already the 11th in UTC.
    expect(startOfUtcDay(new Date('2024-03-10T23:30:00-04:00')).toISOString()).toBe('2024-03-11T00:00:00.000Z');
  });

  it('when given midnight UTC, then it returns the same instant', () => {
    const midnight = new Date('2024-02-29T00:00:00.000Z');

    expect(startOfUtcDay(midnight).getTime()).toBe(midnight.getTime());
  });
});
