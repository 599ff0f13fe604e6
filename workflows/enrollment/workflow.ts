// The enrollment workflow: one contact's sequence, step by step. Over ~300 lines: one workflow function whose closure
// holds the run's state and signal handlers, with the patched paths older histories replay (LOCAL_BOOKKEEPING_PATCH,
// BOOKKEEPING_ONCE_PATCH) beside the current one; the small helpers below it serve it alone.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { searchAttributes } from '../search-attributes';
import { SEND_ACTIVITY_OPTIONS } from '../send-activity';
import {
  campaignPausedSignal,
  campaignResumedSignal,
  bouncedSignal,
  pauseSignal,
  repliedSignal,
  resumeSignal,
  sequenceChangedSignal,
  stateQuery,
  startAttributes,
  stopSignal,
  unsubscribedSignal,
  type EnrollmentFinalStatus,
  type EnrollmentInput,
  type EnrollmentProgress,
  type EnrollmentResult,
  type EnrollmentState,
  type NextStep,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

/** Reads and bookkeeping in Postgres (`nextStep`, `recordSchedule`, `finishEnrollment`): quick and idempotent. */
const BOOKKEEPING_RETRY = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 20,
};

/** The bookkeeping as regular activities: kept by workflows started before it moved to local activities. */
const queuedDb = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: BOOKKEEPING_RETRY });

/**
 * The bookkeeping as local activities: run by the worker inside the workflow task, with no task-queue round trip or
 * history events of their own besides a marker. Their retries hold the workflow task, so attempts are short and few.
 */
const localDb = proxyLocalActivities<Activities>({ startToCloseTimeout: '15 seconds', retry: BOOKKEEPING_RETRY });

/** The patch that moved the bookkeeping to local activities and stopped re-publishing an unchanged schedule. */
const LOCAL_BOOKKEEPING_PATCH = 'local-bookkeeping';

/**
 * The patch after which the workflow reads and records only what no one did for it: a send's outcome says which step
 * comes next, the send has recorded that step's due time (or the enrollment's completion) in the enrollment row, the
 * starter gives the first step in the input, its due time recorded, and the search attributes change only when what
 * operators search for does. A run without it reads each step and records each schedule and its ending itself.
 */
const BOOKKEEPING_ONCE_PATCH = 'bookkeeping-once';

/**
 * The patch that reads the next step again when the campaign's sequence is edited (`sequenceChanged`), and goes on
 * past a step removed before it was sent. Asked only when such a signal arrives, so runs without one never mark it.
 */
const SEQUENCE_EDITS_PATCH = 'sequence-edits';

/** The SMTP send, exactly once per (enrollment, step). */
const mail = proxyActivities<Activities>(SEND_ACTIVITY_OPTIONS);

/**
 * One contact's journey through a campaign: for each step, wait until it is due (durable timer),
 * honour pause/resume/stop, send it exactly once, and record the outcome.
 */
export async function enrollmentWorkflow(input: EnrollmentInput): Promise<EnrollmentResult> {
  // Decided once per run, before any command: a run begun on older code keeps its regular activities (and replays)
  // to the end; its next run after continue-as-new takes the new path. The newer patch implies the older one, which a
  // new run does not mark (each marker also costs a search-attribute update). A version-2 input asks neither.
  const latestPath = input.version >= 2;
  const recordsOnce = latestPath || patched(BOOKKEEPING_ONCE_PATCH);
  const lean = recordsOnce || patched(LOCAL_BOOKKEEPING_PATCH);
  const db = lean ? localDb : queuedDb;
  const progress: EnrollmentProgress = input.progress ?? {
    lastPosition: 0,
    lastSentAt: input.startedAt ?? Date.now(),
    paused: false,
    notBefore: 0,
    stepsSent: 0,
  };
  // The first ending asked for by a signal wins; later ones (and duplicates) change nothing.
  let ending: EnrollmentFinalStatus | null = null;
  // Count resumes, to notice one that lands while a send reports the campaign (or the enrollment) paused.
  let campaignResumes = 0;
  let ownResumes = 0;
  // Count sequence edits, and how many had been told when the step waited for was read.
  let sequenceEdits = 0;
  let sequenceRead = 0;
  const state: EnrollmentState = {
    status: progress.paused ? 'paused' : 'active',
    currentStep: progress.lastPosition,
    totalSteps: null,
    nextStep: null,
    nextSendAt: null,
    paused: progress.paused,
    campaignPaused: progress.campaignPaused ?? false,
    lastError: null,
  };

  setHandler(stateQuery, () => state);
  setHandler(pauseSignal, () => {
    progress.paused = true;
  });
  setHandler(resumeSignal, (args) => {
    // Resuming an enrollment that is not paused changes nothing: a repeated resume keeps the first one's delay.
    if (!progress.paused) return;
    progress.paused = false;
    ownResumes += 1;
    if (args?.delayMinutes) progress.notBefore = Math.max(progress.notBefore, Date.now() + args.delayMinutes * 60_000);
  });
  setHandler(stopSignal, () => void (ending ??= 'stopped'));
  setHandler(repliedSignal, () => void (ending ??= 'replied'));
  setHandler(bouncedSignal, () => void (ending ??= 'bounced'));
  setHandler(unsubscribedSignal, () => void (ending ??= 'unsubscribed'));
  setHandler(campaignPausedSignal, () => {
    progress.campaignPaused = true;
  });
  setHandler(campaignResumedSignal, () => {
    progress.campaignPaused = false;
    campaignResumes += 1;
  });
  setHandler(sequenceChangedSignal, () => void (sequenceEdits += 1));

  /** Ends the run; `inRow`: the last send already recorded this ending in the enrollment row. */
  const finish = async (
    status: EnrollmentFinalStatus,
    error: string | null = null,
    inRow = false,
  ): Promise<EnrollmentResult> => {
    state.status = status;
    state.nextSendAt = null;
    state.lastError = error;
    if (!inRow) await db.finishEnrollment({ enrollmentId: input.enrollmentId, status, error });
    upsertSearchAttributes([
      { key: searchAttributes.enrollmentStatus, value: status },
      { key: searchAttributes.nextSendAt, value: null },
    ]);
    setCurrentDetails(`${status} after ${state.currentStep} step(s)`);
    return { status, stepsSent: progress.stepsSent };
  };

  // What the schedule last published said. Older runs forget it at each step (and so published it again after every
  // hold or wait, even when nothing had changed); lean runs keep it, with the step it was for.
  let published = null as Schedule | null;
  // The next step as the last send (or the starter) read it, and what it recorded in the enrollment row for it.
  let planned = null as { next: NextStep; recorded: Schedule | 'completed' | null } | null;
  // What the search attributes show, kept by runs that leave them alone when nothing an operator looks for changed.
  const shown: ShownAttributes | null = recordsOnce ? { status: null, nextSendAt: null } : null;
  if (recordsOnce && input.firstStep && !input.progress) {
    // As the starter set them: the status always, the wake-up only on version 2.
    if (input.startedAt === undefined) shown!.status = 'active';
    else Object.assign(shown!, startAttributes(input.firstStep, input.startedAt));
    const step = input.firstStep.step;
    planned = { next: input.firstStep, recorded: step && dueSchedule(step, progress.lastSentAt) };
  }
  steps: for (;;) {
    if (!planned) sequenceRead = sequenceEdits;
    const next =
      planned?.next ?? (await db.nextStep({ enrollmentId: input.enrollmentId, afterPosition: progress.lastPosition }));
    // Good for the first publication only: any later one follows a signal, and records what it publishes.
    let recorded = planned?.recorded ?? null;
    planned = null;
    state.totalSteps = next.totalSteps;
    const step = next.step;
    if (!step) return finish('completed', null, recorded === 'completed');

    const dueAt = progress.lastSentAt + step.delayMs;
    state.nextStep = step.position;

    // Sleep until due, waking early for signals; a pause holds the step until resume. The schedule is published
    // whenever it differs from what was last published, so a signal that lands while publishing is not missed.
    if (!lean) published = null;
    const current = (): Schedule => ({
      position: step.position,
      paused: progress.paused,
      campaignPaused: progress.campaignPaused === true,
      wakeAt: Math.max(dueAt, progress.notBefore),
    });
    // Every wait ends as soon as anything it depends on differs from what was last published, or the sequence was
    // edited since the step was read.
    const changed = (): boolean => {
      return (
        ending !== null || published === null || !sameSchedule(current(), published) || sequenceEdits !== sequenceRead
      );
    };
    for (;;) {
      if (ending) return finish(ending);
      if (sequenceEdits !== sequenceRead) {
        sequenceRead = sequenceEdits;
        if (patched(SEQUENCE_EDITS_PATCH)) {
          planned = null;
          continue steps;
        }
      }
      if (changed()) {
        published = current();
        const inRow = recorded !== 'completed' && sameSchedule(published, recorded);
        await announce(db, input, state, published, { inRow, shown });
        recorded = null;
        continue;
      }
      if (published!.paused) {
        await condition(changed);
        continue;
      }
      if (published!.campaignPaused) {
        // A lost resume signal (the API died mid fan-out) must not hold the enrollment forever: after an hour,
        // let the send re-check the campaign in the database (it holds again if the campaign is still paused).
        if (!(await condition(changed, '1 hour'))) progress.campaignPaused = false;
        continue;
      }
      const remaining = published!.wakeAt - Date.now();
      if (remaining <= 0) break;
      await condition(changed, remaining);
    }

    state.status = 'sending';
    const resumesBeforeSend = campaignResumes;
    const ownResumesBeforeSend = ownResumes;
    // The next step a send returns may predate an edit told during it: then it is read again after the send.
    const editsBeforeSend = sequenceEdits;
    let outcome;
    try {
      outcome = await mail.sendStep({ enrollmentId: input.enrollmentId, position: step.position });
    } catch (error) {
      return finish('failed', describeFailure(error));
    }
    sequenceRead = editsBeforeSend;
    if (outcome.kind === 'held') {
      // The campaign (or the enrollment) is paused in the database: wait for its resume, unless one arrived during
      // the send. A pause whose signal was lost holds the enrollment all the same.
      state.status = 'active';
      if (outcome.by === 'enrollment') {
        if (ownResumes === ownResumesBeforeSend) progress.paused = true;
      } else if (campaignResumes === resumesBeforeSend) {
        progress.campaignPaused = true;
      }
      continue;
    }
    if (outcome.kind === 'removed') {
      // The step was removed before it went: go on with the step after it, its delay counted from the last send.
      state.status = 'active';
      planned = { next: outcome.next, recorded: null };
      continue;
    }
    if (outcome.kind === 'deferred') {
      // Nothing was sent (window closed, mailboxes full or resting, mailbox broken, server unreachable): sleep
      // until `until`, then try this step again. The reason shows in the state.
      state.status = 'active';
      state.lastError = outcome.reason;
      progress.notBefore = Math.max(progress.notBefore, outcome.until);
      // A mailbox broken for weeks makes many waits: their history moves to a new run like the sends' does.
      if ((latestPath || patched('continue-as-new-while-deferred')) && workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof enrollmentWorkflow>({ ...input, progress });
      }
      continue;
    }
    progress.lastPosition = step.position;
    state.currentStep = step.position;
    switch (outcome.kind) {
      case 'sent':
        progress.stepsSent += 1;
        progress.lastSentAt = outcome.sentAt;
        if (recordsOnce && outcome.next) {
          const step = outcome.next.step;
          planned = { next: outcome.next, recorded: step ? dueSchedule(step, outcome.sentAt) : 'completed' };
        }
        break;
      case 'unknown':
        // A crash mid-send left the outcome unknown: flagged for review, never re-sent; the sequence goes on.
        state.lastError = outcome.reason;
        progress.lastSentAt = Date.now();
        // The send recorded the next step due from its own clock: the workflow records its schedule again.
        if (recordsOnce && outcome.next) planned = { next: outcome.next, recorded: null };
        break;
      case 'stopped':
        return finish(outcome.status, outcome.reason);
    }
    state.status = progress.paused ? 'paused' : 'active';
    if (ending) return finish(ending);

    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof enrollmentWorkflow>({ ...input, progress });
    }
  }
}

/** When the next step is due, and whether it is held. */
interface Schedule {
  position: number;
  paused: boolean;
  campaignPaused: boolean;
  wakeAt: number;
}

/** A step neither held nor deferred, due its delay after `since` (the last send, or the start). */
function dueSchedule(step: NonNullable<NextStep['step']>, since: number): Schedule {
  return { position: step.position, paused: false, campaignPaused: false, wakeAt: since + step.delayMs };
}

function sameSchedule(a: Schedule, b: Schedule | null): boolean {
  return (
    b !== null &&
    a.position === b.position &&
    a.paused === b.paused &&
    a.campaignPaused === b.campaignPaused &&
    a.wakeAt === b.wakeAt
  );
}

/** The search attributes as a run last set them; a null field is not known (shown as it will be next time). */
interface ShownAttributes {
  status: string | null;
  nextSendAt: number | null;
}

/**
 * Publishes the schedule to the query state, the search attributes and — unless the send that came before already
 * wrote it (`inRow`) — the enrollment row. With `shown`, the attributes change only when what operators search for
 * does: the status, or the time a sleeping enrollment wakes (a step due now is sent at once); without, always.
 */
async function announce(
  db: typeof queuedDb,
  input: EnrollmentInput,
  state: EnrollmentState,
  schedule: Schedule,
  options: { inRow: boolean; shown: ShownAttributes | null },
): Promise<void> {
  const held = schedule.paused || schedule.campaignPaused;
  state.paused = schedule.paused;
  state.campaignPaused = schedule.campaignPaused;
  state.status = held ? 'paused' : 'active';
  state.nextSendAt = held ? null : new Date(schedule.wakeAt).toISOString();
  const wakeAt = held ? null : schedule.wakeAt;
  const { shown } = options;
  const sleeps = wakeAt !== null && wakeAt > Date.now();
  if (!shown || shown.status !== state.status || (shown.nextSendAt !== wakeAt && (held || sleeps))) {
    upsertSearchAttributes([
      { key: searchAttributes.enrollmentStatus, value: state.status },
      { key: searchAttributes.nextSendAt, value: wakeAt === null ? null : new Date(wakeAt) },
    ]);
    if (shown) Object.assign(shown, { status: state.status, nextSendAt: wakeAt });
  }
  setCurrentDetails(
    held
      ? `paused before step ${state.nextStep}${schedule.campaignPaused ? ' (campaign paused)' : ''}`
      : `step ${state.nextStep} of ${state.totalSteps} due ${state.nextSendAt}`,
  );
  if (options.inRow) return;
  await db.recordSchedule({
    enrollmentId: input.enrollmentId,
    status: state.status,
    nextSendAt: state.nextSendAt,
    observedAt: new Date().toISOString(),
  });
}

function describeFailure(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}
