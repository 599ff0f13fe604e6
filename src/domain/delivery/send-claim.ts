import crypto from 'node:crypto';
import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Database } from '../../db/repositories';
import { messageIdFor } from '../../mail/compose';
import { chooseFirstStepMailbox } from './mailbox-selection';
import { campaignZone, dayBounds } from './sending-day';
import { PermanentSendError, TransientSendError } from './send-errors';

export type Claim =
  /** `restMs`: the mailbox's rest after this send, counted from the claim and again from the end of the send. */
  | { mailbox: MailboxEntity; messageId: string; attempt: number; restMs: number }
  | { deferredUntil: Date; reason: string }
  | 'taken';

/**
 * Chooses the mailbox and claims the outbox row in one transaction, under a lock on the mailbox rows, so claims
 * from any worker process are counted one at a time:
 * - Follow-ups keep step 1's mailbox, so the thread stays one conversation; as in the reference they do not count
 *   against its daily limit, which caps the new conversations (step 1) a mailbox starts per day.
 * - A mailbox rests a random `min_wait_seconds`…`max_wait_seconds` after each send, whatever the campaign; a step
 *   that finds its mailbox resting is deferred to the end of the rest.
 * - Step 1 also respects the campaign's `max_new_per_day`; with no room anywhere it is deferred to the next day in
 *   the campaign's timezone, and after a failed attempt it prefers another mailbox.
 * - Due follow-ups go before new conversations: a mailbox that owes a due follow-up takes no step 1 meanwhile.
 */
export function claimSend(
  db: Database,
  enrollment: EnrollmentEntity,
  campaign: CampaignEntity,
  contact: ContactEntity,
  position: number,
  content: { subject: string; variantLabel: string | null },
  failedMailboxId: string | null,
): Promise<Claim> {
  return db.transaction(async (repos) => {
    const now = new Date();
    const pinned = enrollment.mailboxId ? await repos.mailboxes.lockOne(enrollment.mailboxId) : null;
    let mailbox: MailboxEntity;
    if (pinned) {
      if (pinned.nextSendAt && pinned.nextSendAt > now) {
        return { deferredUntil: pinned.nextSendAt, reason: 'its mailbox rests between sends (min/max wait)' };
      }
      mailbox = pinned;
    } else {
      await repos.mailboxes.lockForCampaign(enrollment.campaignId);
      const today = dayBounds(now, campaignZone(campaign));
      if (
        campaign.maxNewPerDay !== null &&
        (await repos.mailboxes.campaignFirstStepsSince(campaign.id, today.start)) >= campaign.maxNewPerDay
      ) {
        return {
          deferredUntil: today.end,
          reason: `the campaign started its max_new_per_day (${campaign.maxNewPerDay}) today`,
        };
      }
      const usage = await repos.mailboxes.usageForCampaign(enrollment.campaignId, today.start);
      // Due follow-ups go first: a mailbox that owes one a send is busy for new conversations until it is sent.
      const owing = await repos.mailboxes.owingFollowUps(
        usage.map((candidate) => candidate.mailbox.id),
        now,
      );
      for (const candidate of usage) {
        if (!owing.has(candidate.mailbox.id)) continue;
        const headStart = now.getTime() + FOLLOW_UP_HEAD_START_MS;
        candidate.mailbox.nextSendAt = new Date(Math.max(candidate.mailbox.nextSendAt?.getTime() ?? 0, headStart));
      }
      if (usage.length === 0) throw new PermanentSendError('NoMailbox', 'The campaign has no mailbox to send from.');
      if (!usage.some((candidate) => candidate.mailbox.status === 'active')) {
        throw new TransientSendError('Every mailbox of the campaign is disabled; re-enable one to continue.');
      }
      const choice = chooseFirstStepMailbox(usage, now, failedMailboxId);
      if ('full' in choice) {
        return { deferredUntil: today.end, reason: 'every mailbox of the campaign is at its daily limit' };
      }
      if ('waitUntil' in choice) {
        return {
          deferredUntil: choice.waitUntil,
          reason: 'every mailbox with room rests between sends (min/max wait)',
        };
      }
      mailbox = choice.mailbox.mailbox;
    }
    const messageId = messageIdFor(enrollment.id, position, mailbox.fromEmail);
    const attempt = await repos.messages.claim({
      organizationId: enrollment.organizationId,
      campaignId: enrollment.campaignId,
      enrollmentId: enrollment.id,
      stepPosition: position,
      mailboxId: mailbox.id,
      messageId,
      toEmail: contact.email,
      subject: content.subject,
      variantLabel: content.variantLabel,
    });
    if (attempt === null) return 'taken';
    const restMs = restAfterSendMs(campaign);
    await repos.mailboxes.restUntil(mailbox.id, new Date(now.getTime() + restMs));
    return { mailbox, messageId, attempt, restMs };
  });
}

/** How long a first step steps aside for a due follow-up on the same mailbox before looking again. */
const FOLLOW_UP_HEAD_START_MS = 2_000;

/** A random rest in [min_wait_seconds, max_wait_seconds]: regular intervals look automated to inbox providers. */
function restAfterSendMs(campaign: CampaignEntity): number {
  return crypto.randomInt(campaign.minWaitSeconds, campaign.maxWaitSeconds + 1) * 1000;
}
