import crypto from 'node:crypto';
import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Database, Repositories } from '../../db/repositories';
import { messageIdFor } from '../../mail/compose';
import { chooseFirstStepMailbox } from './mailbox-selection';
import { mailboxWaitMs } from './send-waits';
import { campaignZone, dayBounds } from './sending-day';
import { PermanentSendError } from './send-errors';
import { screenEnrollment } from './step-screening';
import { deferred, stopped, type StepOutcome } from './step-outcome';

export type Claim =
  /** `restMs`: the mailbox's rest after this send, counted from the claim and again from the end of the send. */
  | { kind: 'claimed'; mailbox: MailboxEntity; messageId: string; attempt: number; restMs: number }
  /** The step may not go now: what happens instead; `slotWait` when no mailbox may take it yet. */
  | { kind: 'not_now'; outcome: StepOutcome; slotWait: boolean }
  /** Another attempt claimed or settled the step meanwhile. */
  | { kind: 'taken' };

export interface ClaimRequest {
  enrollmentId: string;
  position: number;
  subject: string;
  variantLabel: string | null;
  /** Step 1 after a failed attempt: prefer another mailbox. */
  avoidMailboxId: string | null;
  /** An operator's resend of a message whose outcome was unknown goes out again from the same mailbox. */
  resendFrom?: { mailboxId: string };
}

/**
 * Decides and reserves the send in one transaction, on every attempt (retries included): the enrollment row is
 * locked and its campaign share-locked, so a pause, stop or reply committed before the claim is seen by it, and
 * one committed after it waits for it. Then:
 * - Follow-ups keep step 1's mailbox, so the thread stays one conversation; as in the reference they do not count
 *   against its daily limit, which caps the new conversations (step 1) a mailbox starts per day. A disabled or
 *   failing mailbox sends no follow-up: they wait for it.
 * - A mailbox rests a random `min_wait_seconds`…`max_wait_seconds` after each send, whatever the campaign; a step
 *   that finds its mailbox resting is deferred to the end of the rest.
 * - Step 1 also respects the campaign's `max_new_per_day`; with no room anywhere it is deferred to the next day in
 *   the campaign's timezone, and after a failed attempt it prefers another mailbox.
 * - Due follow-ups go before new conversations: a mailbox that owes a due follow-up takes no step 1 meanwhile.
 * The outbox row and its send-ledger entry are written last, in the same transaction.
 */
export function claimSend(db: Database, request: ClaimRequest): Promise<Claim> {
  return db.transaction(async (repos) => {
    const now = new Date();
    const enrollment = await repos.messages.lockForSend(request.enrollmentId);
    if (!enrollment) return notNow(stopped('stopped', 'the enrollment was deleted'));
    const purpose = request.resendFrom ? 'resend' : 'sequence';
    const { contact, campaign, outcome } = await screenEnrollment(repos, enrollment, {
      position: request.position,
      purpose,
      now,
    });
    if (outcome) return notNow(outcome);

    const pinnedId = request.resendFrom?.mailboxId ?? enrollment.mailboxId;
    const choice = pinnedId
      ? await pinnedMailbox(repos, pinnedId, request.position, now)
      : await firstStepMailbox(repos, campaign!, request, now);
    if ('outcome' in choice) return notNow(choice.outcome, choice.outcome.kind === 'deferred');
    const { mailbox } = choice;
    const messageId = messageIdFor(enrollment.id, request.position, mailbox.fromEmail);
    const attempt = await repos.messages.claim(
      {
        organizationId: enrollment.organizationId,
        campaignId: enrollment.campaignId,
        enrollmentId: enrollment.id,
        stepPosition: request.position,
        mailboxId: mailbox.id,
        messageId,
        toEmail: contact!.email,
        subject: request.subject,
        variantLabel: request.variantLabel,
      },
      { fromUnknown: purpose === 'resend' },
    );
    if (attempt === null) return { kind: 'taken' } as const;
    const restMs = restAfterSendMs(campaign!);
    await repos.mailboxes.restUntil(mailbox.id, new Date(now.getTime() + restMs));
    return { kind: 'claimed', mailbox, messageId, attempt, restMs } as const;
  });
}

type MailboxChoice = { mailbox: MailboxEntity } | { outcome: StepOutcome };

/** A follow-up's mailbox: step 1's, once it is active and rested. */
async function pinnedMailbox(
  repos: Repositories,
  mailboxId: string,
  position: number,
  now: Date,
): Promise<MailboxChoice> {
  const mailbox = await repos.mailboxes.lockOne(mailboxId);
  if (!mailbox) return { outcome: stopped('stopped', 'the mailbox of this conversation was deleted') };
  if (mailbox.status !== 'active') {
    const why = mailbox.status === 'error' ? mailbox.smtpError : mailbox.disabledReason;
    const until = now.getTime() + mailboxWaitMs(mailbox.smtpErrorAt ?? mailbox.disabledAt, now);
    return {
      outcome: deferred(
        until,
        `its mailbox ${mailbox.fromEmail} is ${mailbox.status}${why ? ` (${why})` : ''}; step ${position} waits ` +
          'for it: fix its settings or re-enable it',
      ),
    };
  }
  if (mailbox.nextSendAt && mailbox.nextSendAt > now) {
    return { outcome: deferred(mailbox.nextSendAt.getTime(), 'its mailbox rests between sends (min/max wait)') };
  }
  return { mailbox };
}

/** Step 1's mailbox: the active one of the campaign with the most room, under a lock on the campaign's mailboxes. */
async function firstStepMailbox(
  repos: Repositories,
  campaign: CampaignEntity,
  request: ClaimRequest,
  now: Date,
): Promise<MailboxChoice> {
  await repos.mailboxes.lockForCampaign(campaign.id);
  const today = dayBounds(now, campaignZone(campaign));
  if (
    campaign.maxNewPerDay !== null &&
    (await repos.mailboxes.campaignFirstStepsSince(campaign.id, today.start)) >= campaign.maxNewPerDay
  ) {
    return {
      outcome: deferred(
        today.end.getTime(),
        `the campaign started its max_new_per_day (${campaign.maxNewPerDay}) today`,
      ),
    };
  }
  const usage = await repos.mailboxes.usageForCampaign(campaign.id, today.start);
  if (usage.length === 0) throw new PermanentSendError('NoMailbox', 'The campaign has no mailbox to send from.');
  const active = usage.filter((candidate) => candidate.mailbox.status === 'active');
  if (active.length === 0) {
    const since = Math.max(...usage.map(({ mailbox }) => (mailbox.smtpErrorAt ?? mailbox.disabledAt ?? now).getTime()));
    return {
      outcome: deferred(
        now.getTime() + mailboxWaitMs(new Date(since), now),
        'every mailbox of the campaign is disabled or in error; new conversations wait until one is fixed or ' +
          're-enabled',
      ),
    };
  }
  // Due follow-ups go first: a mailbox that owes one a send is busy for new conversations until it is sent.
  const owing = await repos.mailboxes.owingFollowUps(
    active.map((candidate) => candidate.mailbox.id),
    now,
  );
  for (const candidate of active) {
    if (!owing.has(candidate.mailbox.id)) continue;
    const headStart = now.getTime() + FOLLOW_UP_HEAD_START_MS;
    candidate.mailbox.nextSendAt = new Date(Math.max(candidate.mailbox.nextSendAt?.getTime() ?? 0, headStart));
  }
  const choice = chooseFirstStepMailbox(active, now, request.avoidMailboxId);
  if ('full' in choice) {
    return { outcome: deferred(today.end.getTime(), 'every mailbox of the campaign is at its daily limit') };
  }
  if ('waitUntil' in choice) {
    return {
      outcome: deferred(choice.waitUntil.getTime(), 'every mailbox with room rests between sends (min/max wait)'),
    };
  }
  return { mailbox: choice.mailbox.mailbox };
}

function notNow(outcome: StepOutcome, slotWait = false): Claim {
  return { kind: 'not_now', outcome, slotWait };
}

/** How long a first step steps aside for a due follow-up on the same mailbox before looking again. */
const FOLLOW_UP_HEAD_START_MS = 2_000;

/** A random rest in [min_wait_seconds, max_wait_seconds]: regular intervals look automated to inbox providers. */
function restAfterSendMs(campaign: CampaignEntity): number {
  return crypto.randomInt(campaign.minWaitSeconds, campaign.maxWaitSeconds + 1) * 1000;
}
