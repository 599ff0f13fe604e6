import type { Database } from '../../db/repositories';
import type { SendHealth } from '../../db/repositories/mailbox.repository';
import type { Logger } from '../../logger';

/**
 * A mailbox's bounce rate is bounced ÷ sent over its last 100 settled sends (since it was last re-enabled), and is
 * only judged once there are 20: two bounces in the first five sends say little about a list.
 */
export const HEALTH_WINDOW_SENDS = 100;
export const HEALTH_MINIMUM_SENDS = 20;

/** Why the mailbox should be disabled, or null while its bounce rate is within the threshold (a percentage). */
export function bounceRateVerdict(health: SendHealth, thresholdPercent: number): string | null {
  if (health.sent < HEALTH_MINIMUM_SENDS) return null;
  const rate = (health.bounced / health.sent) * 100;
  if (rate <= thresholdPercent) return null;
  return (
    `bounce rate ${rate.toFixed(1)}% (${health.bounced} of the last ${health.sent} sends) crossed the campaign's ` +
    `bounce_rate_threshold of ${thresholdPercent}%; clean the list, then re-enable the mailbox`
  );
}

/**
 * Judges the mailbox after one of its sends hard-bounced, against the threshold of that send's campaign, and
 * disables it when crossed: its pending first steps then go out from the campaign's other mailboxes. True when
 * this call disabled it.
 */
export async function checkMailboxHealth(
  db: Database,
  logger: Logger,
  mailboxId: string,
  thresholdPercent: number,
): Promise<boolean> {
  const health = await db.repos.mailboxes.sendHealth(mailboxId, HEALTH_WINDOW_SENDS);
  const reason = bounceRateVerdict(health, thresholdPercent);
  if (!reason || !(await db.repos.mailboxes.disable(mailboxId, reason))) return false;
  // The `mailbox.disabled` webhook goes here once webhooks exist; until then the log and the API tell.
  logger.warn({ mailboxId, ...health, thresholdPercent }, `mailbox disabled: ${reason}`);
  return true;
}
