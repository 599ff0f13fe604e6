import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Database } from '../../db/repositories';
import type { SendHealth } from '../../db/repositories/mailbox.repository';
import type { Logger } from '../../logger';
import { mailboxDisabled, mailboxError } from '../events/event-builders';

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
 * disables it when crossed (recording `mailbox.disabled` with it): its pending first steps then go out from the
 * campaign's other mailboxes. True when this call disabled it.
 */
export async function checkMailboxHealth(
  db: Database,
  logger: Logger,
  mailboxId: string,
  campaign: { id: string; bounceRateThreshold: number },
): Promise<boolean> {
  const thresholdPercent = campaign.bounceRateThreshold;
  const health = await db.repos.mailboxes.sendHealth(mailboxId, HEALTH_WINDOW_SENDS);
  const reason = bounceRateVerdict(health, thresholdPercent);
  if (!reason) return false;
  const disabled = await db.transaction(async (repos) => {
    const mailbox = await repos.mailboxes.disable(mailboxId, reason);
    if (mailbox) {
      const change = { reason, source: 'bounce_rate' as const, campaignId: campaign.id, ...health };
      await repos.events.record([mailboxDisabled(mailbox, change)]);
    }
    return mailbox !== null;
  });
  if (disabled) logger.warn({ mailboxId, ...health, thresholdPercent }, `mailbox disabled: ${reason}`);
  return disabled;
}

/**
 * Records a failed IMAP session on the mailbox, and `mailbox.error` with it when its IMAP was not failing already:
 * one event per outage, not one per retry.
 */
export async function recordImapFailure(db: Database, mailbox: MailboxEntity, error: string): Promise<void> {
  await db.transaction(async (repos) => {
    if (await repos.mailboxes.recordImapStatus(mailbox.id, error)) {
      await repos.events.record([mailboxError(mailbox, { protocol: 'imap', error })]);
    }
  });
}
