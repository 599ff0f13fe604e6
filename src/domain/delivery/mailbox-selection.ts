import type { MailboxEntity } from '../../db/entities/mailbox.entity';

export interface MailboxRoom {
  mailbox: Pick<MailboxEntity, 'id' | 'status' | 'dailyLimit'> & { nextSendAt?: Date | null };
  sentToday: number;
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
    const room = candidate.mailbox.dailyLimit - candidate.sentToday;
    if (room <= 0) continue;
    if (!best || room > best.mailbox.dailyLimit - best.sentToday) best = candidate;
  }
  return best;
}
