import crypto from 'node:crypto';
import {
  chooseFirstStepMailbox,
  pickMailboxWithMostRoom,
  type MailboxRoom,
} from '../../src/domain/delivery/mailbox-selection';

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

describe('chooseFirstStepMailbox', () => {
  const now = new Date('2026-03-10T09:00:00Z');
  const candidate = (id: string, dailyLimit: number, sentToday: number, nextSendAt: Date | null = null) => ({
    mailbox: { id, status: 'active' as const, dailyLimit, nextSendAt },
    sentToday,
  });

  it('when mailboxes with room may send now, then the one with the most room is chosen', () => {
    const choice = chooseFirstStepMailbox([candidate('a', 10, 5), candidate('b', 10, 1)], now);
    expect(choice).toEqual({ mailbox: candidate('b', 10, 1) });
  });

  it('when the roomiest mailbox is resting, then a free one is chosen', () => {
    const resting = candidate('a', 50, 0, new Date('2026-03-10T09:05:00Z'));
    const choice = chooseFirstStepMailbox([resting, candidate('b', 10, 9)], now);
    expect(choice).toEqual({ mailbox: candidate('b', 10, 9) });
  });

  it('when every mailbox with room is resting, then it waits for the first to be free again', () => {
    const choice = chooseFirstStepMailbox(
      [
        candidate('a', 10, 0, new Date('2026-03-10T09:07:00Z')),
        candidate('b', 10, 0, new Date('2026-03-10T09:03:00Z')),
        candidate('c', 10, 10),
      ],
      now,
    );
    expect(choice).toEqual({ waitUntil: new Date('2026-03-10T09:03:00Z') });
  });

  it('when no mailbox has room today, then it is full (resting ones included)', () => {
    const choice = chooseFirstStepMailbox(
      [candidate('a', 2, 2), candidate('b', 1, 1, new Date('2026-03-10T10:00:00Z'))],
      now,
    );
    expect(choice).toEqual({ full: true });
  });

  it('when a mailbox just failed, then another free one is preferred, and it is used only if it is the last', () => {
    expect(chooseFirstStepMailbox([candidate('a', 50, 0), candidate('b', 10, 9)], now, 'a')).toEqual({
      mailbox: candidate('b', 10, 9),
    });
    expect(chooseFirstStepMailbox([candidate('a', 50, 0)], now, 'a')).toEqual({ mailbox: candidate('a', 50, 0) });
  });
});
