import crypto from 'node:crypto';
import { pickMailboxWithMostRoom, type MailboxRoom } from '../../src/domain/delivery/mailbox-selection';

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
