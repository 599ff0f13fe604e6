import type { MailboxEntity } from '../../db/entities/mailbox.entity';

export interface MailboxRoom {
  mailbox: Pick<MailboxEntity, 'id' | 'status' | 'dailyLimit'> & { nextSendAt?: Date | null };
  sentToday: number;
}

/**
 * Step 1 goes out from the healthy mailbox with the most room left today (ties: the earlier one).
 * Returns null when every active mailbox is at its daily limit, or none is active.
 */
export function pickMailboxWithMostRoom<T extends MailboxRoom>(candidates: T[]): T | null {
  let best: T | null = null;
  for (const candidate of candidates) {
    if (candidate.mailbox.status !== 'active') continue;
    const room = candidate.mailbox.dailyLimit - candidate.sentToday;
    if (room <= 0) continue;
    if (!best || room > best.mailbox.dailyLimit - best.sentToday) best = candidate;
  }
  return best;
}

/**
 * Step 1's mailbox: among active mailboxes with room left today, one that may send now (resting after its last
 * send is over), the one with the most room; `avoid` (a mailbox that just failed) only when there is no other.
 * Otherwise when the first of them may send again, or `full` when none has room today.
 */
export function chooseFirstStepMailbox<T extends MailboxRoom>(
  candidates: T[],
  now: Date,
  avoid: string | null = null,
): { mailbox: T } | { waitUntil: Date } | { full: true } {
  const withRoom = candidates.filter(
    (candidate) => candidate.mailbox.status === 'active' && candidate.mailbox.dailyLimit > candidate.sentToday,
  );
  if (withRoom.length === 0) return { full: true };
  const free = withRoom.filter((candidate) => !candidate.mailbox.nextSendAt || candidate.mailbox.nextSendAt <= now);
  const preferred = free.filter((candidate) => candidate.mailbox.id !== avoid);
  const chosen = pickMailboxWithMostRoom(preferred.length > 0 ? preferred : free);
  if (chosen) return { mailbox: chosen };
  const times = withRoom.map((candidate) => candidate.mailbox.nextSendAt!.getTime());
  return { waitUntil: new Date(Math.min(...times)) };
}
