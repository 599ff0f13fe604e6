import type { MailboxEntity } from '../../db/entities/mailbox.entity';

export interface MailboxRoom {
  mailbox: Pick<MailboxEntity, 'id' | 'status' | 'dailyLimit'> & { nextSendAt?: Date | null };
  sentToday: number;
  /** Its limit today when lower than its daily limit (while it warms up); left out: the daily limit. */
  limitToday?: number;
}

/**
 * The healthy mailbox with the most room left today (ties: the earlier one), as the claim chooses step 1's: null
 * when every active mailbox is at its daily limit, or none is active. The claim itself chooses in SQL
 * (SendQuotaRepository); dispatch uses this to refuse a campaign that could send nothing today.
 */
export function pickMailboxWithMostRoom<T extends MailboxRoom>(candidates: T[]): T | null {
  let best: T | null = null;
  for (const candidate of candidates) {
    if (candidate.mailbox.status !== 'active') continue;
    const room = roomOf(candidate);
    if (room <= 0) continue;
    if (!best || room > roomOf(best)) best = candidate;
  }
  return best;
}

function roomOf(candidate: MailboxRoom): number {
  return (candidate.limitToday ?? candidate.mailbox.dailyLimit) - candidate.sentToday;
}
