import crypto from 'node:crypto';
import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Database, Repositories } from '../../db/repositories';
import { messageIdFor } from '../../mail/compose';
import { mailboxWaitMs } from './send-waits';
import { campaignZone, dayBounds } from './sending-day';
import { PermanentSendError } from './send-errors';
import { screenEnrollment } from './step-screening';
import { deferred, stopped, type StepOutcome } from './step-outcome';

export type Claim =
  /**
   * `restMs`: the mailbox's rest after this send, counted from the claim and again from the end of the send; while
   * a send with a rest transmits, it holds the mailbox (see startRestingSend).
   */
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
 * - Step 1 takes the campaign's mailbox with the most room that may send now, passing over mailboxes other claims
 *   hold (so claims of different mailboxes never wait for each other), and reserves its slot in the mailbox's and
 *   the campaign's day counters (`daily_limit`, `max_new_per_day`); with no room anywhere it is deferred to the next
 *   day, and after a failed attempt it prefers another mailbox.
 * - Due follow-ups go before new conversations: a step 1 whose send would make a mailbox rest does not take a
 *   mailbox that owes a due follow-up. (With no rest between sends, neither makes the other wait.)
 * The outbox row and its send-ledger entry are written last, in the same transaction.
 */
export async function claimSend(db: Database, request: ClaimRequest): Promise<Claim> {
  try {
    return await db.transaction((repos) => claimIn(repos, request));
  } catch (error) {
    // A reservation that came to nothing is rolled back with the rest of the transaction.
    if (error instanceof NotNow) return notNow(error.outcome, error.outcome.kind === 'deferred');
    if (error instanceof Taken) return { kind: 'taken' };
    throw error;
  }
}

async function claimIn(repos: Repositories, request: ClaimRequest): Promise<Claim> {
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

  const restMs = restAfterSendMs(campaign!);
  const pinnedId = request.resendFrom?.mailboxId ?? enrollment.mailboxId;
  const choice = pinnedId
    ? await pinnedMailbox(repos, pinnedId, request.position, now, restMs)
    : await reserveFirstStep(repos, campaign!, request, now, restMs);
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
    { fromUnknown: purpose === 'resend', ...('countedIn' in choice ? { countedIn: choice.countedIn } : {}) },
  );
  if (attempt === null) {
    if ('countedIn' in choice) throw new Taken(); // give the reserved slot back
    return { kind: 'taken' };
  }
  // A mailbox that rests between sends sends one message at a time: held while this one transmits, its rest then
  // counts from the end of the send, however long the send took.
  if (restMs > 0) {
    await repos.mailboxes.startRestingSend(mailbox.id, {
      messageId,
      restUntil: new Date(now.getTime() + restMs),
      sendingUntil: new Date(now.getTime() + SEND_TIME_BOUND_MS),
    });
  }
  return { kind: 'claimed', mailbox, messageId, attempt, restMs };
}

type MailboxChoice =
  { mailbox: MailboxEntity; countedIn?: { mailboxDay: string; campaignDay: string } } | { outcome: StepOutcome };

/** A follow-up's mailbox: step 1's, once it is active and rested. */
async function pinnedMailbox(
  repos: Repositories,
  mailboxId: string,
  position: number,
  now: Date,
  restMs: number,
): Promise<MailboxChoice> {
  const mailbox = await repos.mailboxes.lockOne(mailboxId);
  if (!mailbox) return { outcome: stopped('stopped', 'the mailbox of this conversation was deleted') };
  if (mailbox.status !== 'active') return { outcome: waitForMailbox(mailbox, position, now) };
  const free = freeAt(mailbox, now, restMs);
  if (free !== null) return { outcome: deferred(free, 'its mailbox rests between sends (min/max wait)') };
  return { mailbox };
}

/**
 * Step 1's mailbox, with its slot reserved in the campaign's and the mailbox's day: the campaign's day first (a
 * full one needs no mailbox), then the best mailbox free now. Throws NotNow when a reservation must be undone.
 */
async function reserveFirstStep(
  repos: Repositories,
  campaign: CampaignEntity,
  request: ClaimRequest,
  now: Date,
  restMs: number,
): Promise<MailboxChoice> {
  const today = dayBounds(now, campaignZone(campaign));
  if (
    campaign.maxNewPerDay !== null &&
    !(await repos.quotas.reserveCampaignDay(campaign.id, today.date, campaign.maxNewPerDay))
  ) {
    return {
      outcome: deferred(
        today.end.getTime(),
        `the campaign started its max_new_per_day (${campaign.maxNewPerDay}) today`,
      ),
    };
  }
  const search = {
    campaignId: campaign.id,
    now,
    avoidMailboxId: request.avoidMailboxId,
    yieldToFollowUps: restMs > 0,
  };
  const found =
    (await repos.quotas.lockFirstStepMailbox({ ...search, locked: 'skip' })) ??
    // Every mailbox that may send is held by another claim (or none may): wait for the first, a claim is short.
    (await repos.quotas.lockFirstStepMailbox({ ...search, locked: 'wait' }));
  if (!found || !(await repos.quotas.reserveMailboxDay(found.mailbox.id, found.day, found.mailbox.dailyLimit))) {
    throw new NotNow(await whyNoMailbox(repos, campaign, now, restMs));
  }
  return { mailbox: found.mailbox, countedIn: { mailboxDay: found.day, campaignDay: today.date } };
}

/** Why no mailbox of the campaign may start a conversation now, and until when step 1 waits. */
async function whyNoMailbox(
  repos: Repositories,
  campaign: CampaignEntity,
  now: Date,
  restMs: number,
): Promise<StepOutcome> {
  const options = await repos.quotas.firstStepOptions(campaign.id, now);
  if (options.length === 0) throw new PermanentSendError('NoMailbox', 'The campaign has no mailbox to send from.');
  const active = options.filter((option) => option.mailbox.status === 'active');
  if (active.length === 0) {
    const since = Math.max(
      ...options.map(({ mailbox }) => (mailbox.smtpErrorAt ?? mailbox.disabledAt ?? now).getTime()),
    );
    return deferred(
      now.getTime() + mailboxWaitMs(new Date(since), now),
      'every mailbox of the campaign is disabled or in error; new conversations wait until one is fixed or re-enabled',
    );
  }
  const withRoom = active.filter((option) => option.sentToday < option.mailbox.dailyLimit);
  if (withRoom.length === 0) {
    const nextDay = Math.min(...active.map(({ mailbox }) => dayBounds(now, mailbox.timezone).end.getTime()));
    return deferred(nextDay, 'every mailbox of the campaign is at its daily limit');
  }
  const freeTimes = withRoom.map(({ mailbox }) => freeAt(mailbox, now, restMs));
  if (freeTimes.every((time) => time !== null)) {
    return deferred(Math.min(...freeTimes), 'every mailbox with room rests between sends (min/max wait)');
  }
  if (restMs > 0 && withRoom.every((option, index) => option.owesFollowUp || freeTimes[index] !== null)) {
    // The follow-up takes the mailbox now and makes it rest at least min_wait_seconds: look again after that.
    const turn = now.getTime() + Math.max(1000, campaign.minWaitSeconds * 1000);
    return deferred(turn, 'due follow-ups go first on every mailbox with room');
  }
  // A claim took the last mailbox free between the search and this look: try again in a moment.
  return deferred(now.getTime() + 1000, 'every mailbox with room was just taken by other sends');
}

/**
 * When a mailbox with room may send again, or null when it may now: after its rest, and after the send it is
 * transmitting — whose end is unknown, so looked at again after a rest's length (at most at the send's time bound).
 */
function freeAt(mailbox: MailboxEntity, now: Date, restMs: number): number | null {
  const rested = mailbox.nextSendAt && mailbox.nextSendAt > now ? mailbox.nextSendAt.getTime() : null;
  const sent =
    mailbox.sendingUntil && mailbox.sendingUntil > now
      ? Math.min(mailbox.sendingUntil.getTime(), now.getTime() + Math.max(1000, restMs))
      : null;
  if (rested === null && sent === null) return null;
  return Math.max(rested ?? 0, sent ?? 0);
}

function waitForMailbox(mailbox: MailboxEntity, position: number, now: Date): StepOutcome {
  const why = mailbox.status === 'error' ? mailbox.smtpError : mailbox.disabledReason;
  return deferred(
    now.getTime() + mailboxWaitMs(mailbox.smtpErrorAt ?? mailbox.disabledAt, now),
    `its mailbox ${mailbox.fromEmail} is ${mailbox.status}${why ? ` (${why})` : ''}; step ${position} waits ` +
      'for it: fix its settings or re-enable it',
  );
}

function notNow(outcome: StepOutcome, slotWait = false): Claim {
  return { kind: 'not_now', outcome, slotWait };
}

/** Ends a claim's transaction with a rollback (undoing its reservations) and this answer instead. */
class NotNow extends Error {
  constructor(readonly outcome: StepOutcome) {
    super(outcome.kind);
  }
}

/** Another attempt claimed the step after this one reserved its slot: the rollback gives the slot back. */
class Taken extends Error {}

/**
 * The longest a send may hold its mailbox: the send activity's start-to-close timeout (SEND_ACTIVITY_OPTIONS), after
 * which Temporal retries it, and the retry finds the send interrupted (flagged unknown, never sent again) and
 * releases the mailbox sooner than that (abandonRestingSend).
 */
const SEND_TIME_BOUND_MS = 2 * 60_000;

/** A random rest in [min_wait_seconds, max_wait_seconds]: regular intervals look automated to inbox providers. */
function restAfterSendMs(campaign: CampaignEntity): number {
  return crypto.randomInt(campaign.minWaitSeconds, campaign.maxWaitSeconds + 1) * 1000;
}
