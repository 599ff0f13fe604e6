import crypto from 'node:crypto';
import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Database, Repositories } from '../../db/repositories';
import { messageIdFor } from '../../mail/compose';
import { outcomeOfEarlierAttempt } from './earlier-attempt';
import type { SendAttempt, SendPurpose } from './send-attempt';
import { PermanentSendError, TransientSendError } from './send-errors';
import { DETACHED_WAIT_MS, mailboxWaitMs } from './send-waits';
import { campaignZone, dayBounds } from './sending-day';
import { draftStep } from './step-draft';
import { deferred, nextStepAfter, stopped, type StepOutcome } from './step-outcome';
import { screenStep } from './step-screening';

export type Claim =
  | { kind: 'claimed'; send: SendAttempt }
  /** A follow-up whose conversation's mailbox can be read: read it for replies first, then claim again. */
  | { kind: 'check_replies'; mailboxId: string }
  /** The step may not go now: what happens instead; `slotWaitIn`: the campaign none of whose mailboxes may take it yet. */
  | { kind: 'not_now'; outcome: StepOutcome; slotWaitIn: string | null };

export interface ClaimRequest {
  enrollmentId: string;
  position: number;
  purpose: SendPurpose;
  /** The conversation's mailbox was just read for replies (see `check_replies`). */
  repliesChecked: boolean;
}

/**
 * Decides and reserves the send in one transaction, on every attempt (retries included), in stages: lock and load →
 * an earlier attempt's outcome → screen → choose the mailbox → render (signed with its signature) → write the outbox
 * row. The enrollment row is locked and its campaign share-locked, so a pause, stop, reply or sequence edit
 * committed before the claim is seen by it, one committed after it waits for it, and two attempts at one step claim
 * one after the other. Then:
 * - Follow-ups keep step 1's mailbox, so the thread stays one conversation; as in the reference they do not count
 *   against its daily limit, which caps the new conversations (step 1) a mailbox starts per day. A disabled or
 *   failing mailbox sends no follow-up: they wait for it.
 * - A mailbox rests a random `min_wait_seconds`…`max_wait_seconds` after each send, whatever the campaign; a step
 *   that finds its mailbox resting is deferred to the end of the rest.
 * - Step 1 takes the campaign's mailbox with the most room that may send now, passing over mailboxes other claims
 *   hold (so claims of different mailboxes never wait for each other), and reserves its slot in the mailbox's and
 *   the campaign's day counters (`daily_limit`, lower while the mailbox warms up; `max_new_per_day`); with no room
 *   anywhere it is deferred to the next day, and after a failed attempt it prefers another mailbox.
 * - A step removed from the sequence before it went is not sent: the claim says `removed`, with the step after it.
 * - Due follow-ups go before new conversations: a step 1 whose send would make a mailbox rest does not take a
 *   mailbox that owes a due follow-up. (With no rest between sends, neither makes the other wait.)
 * The outbox row and its send-ledger entry are written last, in the same transaction.
 */
export async function claimSend(db: Database, request: ClaimRequest): Promise<Claim> {
  try {
    return await db.transaction((repos) => claimIn(repos, request));
  } catch (error) {
    // A reservation that came to nothing is rolled back with the rest of the transaction.
    if (error instanceof NotNow) return notNow(error.outcome, error.campaignId);
    if (error instanceof Taken) {
      // Not expected while claims lock the enrollment; the retry reads the other attempt's outcome.
      throw new TransientSendError(`Step ${request.position} was claimed by another attempt meanwhile.`);
    }
    throw error;
  }
}

async function claimIn(repos: Repositories, request: ClaimRequest): Promise<Claim> {
  const { enrollmentId, position, purpose } = request;
  const now = new Date();
  const context = await repos.sends.lockForSend(enrollmentId, position);
  if (!context) return notNow(stopped('stopped', 'the enrollment was deleted'));
  const { enrollment, contact, campaign, earlier } = context;
  const next = nextStepAfter(context.sequence, position);

  const settled = await outcomeOfEarlierAttempt(repos, earlier, purpose, next);
  if (settled) return notNow(settled);

  const blocked = contact ? await repos.blockList.isBlocked(enrollment.organizationId, contact.email) : false;
  const outcome = screenStep({ enrollment, contact, campaign, blocked, position, purpose, now });
  if (outcome) return notNow(outcome);
  const { step } = context;
  if (!step) return notNow({ kind: 'removed', reason: `step ${position} was removed from the sequence`, next });
  // A reply that arrived since the mailbox monitor last looked must win over a follow-up. IMAP is slow: the caller
  // reads the mailbox outside this transaction, then claims again (and sees what the reply changed).
  if (position > 1 && context.repliesReadable && enrollment.mailboxId && !request.repliesChecked) {
    return { kind: 'check_replies', mailboxId: enrollment.mailboxId };
  }

  const restMs = restAfterSendMs(campaign);
  // An operator's resend goes out again from the mailbox of the message it repeats.
  const pinnedId = purpose === 'resend' ? earlier!.mailboxId : enrollment.mailboxId;
  const choice = pinnedId
    ? await pinnedMailbox(repos, pinnedId, position, now, restMs, purpose === 'resend' ? null : campaign.id)
    : await reserveFirstStep(repos, campaign, earlier?.status === 'failed' ? earlier.mailboxId : null, now, restMs);
  if ('outcome' in choice) return notNow(choice.outcome, choice.outcome.kind === 'deferred' ? campaign.id : null);
  const { mailbox } = choice;
  // Rendered once the mailbox is known, for its signature; a step that cannot render rolls the reservation back.
  const draft = draftStep(context, step, contact!, mailbox.signature);

  const messageId = messageIdFor(enrollment.id, position, mailbox.fromEmail);
  const attempt = await repos.messages.claim(
    {
      organizationId: enrollment.organizationId,
      campaignId: enrollment.campaignId,
      enrollmentId: enrollment.id,
      stepPosition: position,
      mailboxId: mailbox.id,
      messageId,
      toEmail: contact!.email,
      subject: draft.subject,
      variantLabel: draft.content.variantLabel,
    },
    { fromUnknown: purpose === 'resend', ...('countedIn' in choice ? { countedIn: choice.countedIn } : {}) },
  );
  if (attempt === null) throw new Taken(); // gives a reserved slot back
  // A mailbox that rests between sends sends one message at a time: held while this one transmits, its rest then
  // counts from the end of the send, however long the send took.
  if (restMs > 0) {
    await repos.mailboxes.startRestingSend(mailbox.id, {
      messageId,
      restUntil: new Date(now.getTime() + restMs),
      sendingUntil: new Date(now.getTime() + SEND_TIME_BOUND_MS),
    });
  }
  const send = { enrollment, contact: contact!, campaign, step, next, position, purpose, draft };
  return { kind: 'claimed', send: { ...send, mailbox, messageId, attempt, restMs } };
}

type MailboxChoice =
  { mailbox: MailboxEntity; countedIn?: { mailboxDay: string; campaignDay: string } } | { outcome: StepOutcome };

/**
 * A follow-up's mailbox: step 1's, once it is active and rested, and still attached to the campaign (`campaignId`;
 * null for an operator's resend, which repeats a message from wherever it went).
 */
async function pinnedMailbox(
  repos: Repositories,
  mailboxId: string,
  position: number,
  now: Date,
  restMs: number,
  campaignId: string | null,
): Promise<MailboxChoice> {
  const mailbox = await repos.mailboxes.lockOne(mailboxId);
  if (!mailbox) return { outcome: stopped('stopped', 'the mailbox of this conversation was deleted') };
  if (mailbox.status !== 'active') return { outcome: waitForMailbox(mailbox, position, now) };
  if (campaignId && !(await repos.mailboxAdmin.isAttached(campaignId, mailbox.id))) {
    return {
      outcome: deferred(
        now.getTime() + DETACHED_WAIT_MS,
        `its mailbox ${mailbox.fromEmail} was detached from the campaign; step ${position} waits for it: attach it ` +
          'again, or detach it with reassign=true to move its conversations to the other mailboxes',
      ),
    };
  }
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
  avoidMailboxId: string | null,
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
  const search = { campaignId: campaign.id, now, avoidMailboxId, yieldToFollowUps: restMs > 0 };
  const found =
    (await repos.quotas.lockFirstStepMailbox({ ...search, locked: 'skip' })) ??
    // Every mailbox that may send is held by another claim (or none may): wait for the first, a claim is short.
    (await repos.quotas.lockFirstStepMailbox({ ...search, locked: 'wait' }));
  if (!found || !(await repos.quotas.reserveMailboxDay(found.mailbox.id, found.day, found.limit))) {
    throw new NotNow(await whyNoMailbox(repos, campaign, now, restMs), campaign.id);
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
  const withRoom = active.filter((option) => option.sentToday < option.limit);
  if (withRoom.length === 0) {
    const nextDay = Math.min(...active.map(({ mailbox }) => dayBounds(now, mailbox.timezone).end.getTime()));
    return deferred(nextDay, 'every mailbox of the campaign is at its daily limit (or its warm-up limit)');
  }
  const freeTimes = withRoom.map(({ mailbox }) => freeAt(mailbox, now, restMs));
  if (freeTimes.every((time) => time !== null)) {
    // Waiting steps spread over the mailboxes' rest ends, a random one each: all waiting for the first would all wake
    // together, and all but one find every mailbox resting again (and the others' rest ends pass with no one there).
    const until = freeTimes[crypto.randomInt(freeTimes.length)]!;
    return deferred(until, 'every mailbox with room rests between sends (min/max wait)');
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

function notNow(outcome: StepOutcome, slotWaitIn: string | null = null): Claim {
  return { kind: 'not_now', outcome, slotWaitIn };
}

/**
 * Ends a claim's transaction with a rollback (undoing its reservations) and this answer instead: no mailbox of the
 * campaign may take the step yet.
 */
class NotNow extends Error {
  constructor(
    readonly outcome: StepOutcome,
    readonly campaignId: string,
  ) {
    super(outcome.kind);
  }
}

/** Another attempt claimed the step: the rollback gives a reserved slot back. */
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
