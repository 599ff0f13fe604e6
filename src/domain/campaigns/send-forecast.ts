import type { MailboxStatus } from '../../db/entities/mailbox.entity';
import { pickMailboxWithMostRoom } from '../delivery/mailbox-selection';
import { dayBounds } from '../delivery/sending-day';

export interface ForecastInput {
  now: Date;
  /** The zone the campaign's days are counted in. */
  zone: string;
  days: number;
  /** The campaign's steps in order, with their delays after the previous step. */
  steps: { position: number; delayMs: number }[];
  /** Enrollments whose sequence is running and not held, with their next step and when it is due. */
  enrollments: { nextPosition: number; dueAt: Date; mailboxId: string | null }[];
  /** The campaign's mailboxes, with the new conversations each already started today (across every campaign). */
  mailboxes: {
    id: string;
    status: MailboxStatus;
    dailyLimit: number;
    sentToday: number;
    /** Its limit on the forecast's day `index` (0 = today) when lower than dailyLimit (a warm-up ramp). */
    limitOn?: (index: number) => number;
  }[];
}

export interface ForecastDay {
  /** The date in the campaign's zone, YYYY-MM-DD. */
  date: string;
  byStep: Map<number, number>;
  total: number;
}

interface Pending {
  enrollment: number;
  stepIndex: number;
  dueAt: number;
  mailboxId: string | null;
}

/**
 * Forecasts the sends of the next `days` days (in the campaign's zone) by replaying the sender's rules: a step is
 * sent when due; a first step takes the active mailbox with the most room left that day or waits for the next
 * day; follow-ups keep their enrollment's mailbox and do not count against its limit; each send makes the next
 * step due after its delay.
 */
export function forecastSends(input: ForecastInput): { days: ForecastDay[]; beyondHorizon: number } {
  const stepIndex = new Map(input.steps.map((step, index) => [step.position, index]));
  let queue: Pending[] = input.enrollments.flatMap((enrollment, index) => {
    const at = stepIndex.get(enrollment.nextPosition);
    return at === undefined
      ? []
      : [{ enrollment: index, stepIndex: at, dueAt: enrollment.dueAt.getTime(), mailboxId: enrollment.mailboxId }];
  });

  const days: ForecastDay[] = [];
  let bounds = dayBounds(input.now, input.zone);
  for (let index = 0; index < input.days; index += 1, bounds = dayBounds(bounds.end, input.zone)) {
    const dayStart = bounds.start.getTime();
    const dayEnd = bounds.end.getTime();
    const sent = new Map(input.mailboxes.map((mailbox) => [mailbox.id, index === 0 ? mailbox.sentToday : 0]));
    const day: ForecastDay = { date: bounds.date, byStep: new Map(), total: 0 };
    const later: Pending[] = [];
    // Due sends in time order; a send can make its next step due the same day, so keep the queue sorted.
    queue.sort((a, b) => a.dueAt - b.dueAt);
    while (queue.length > 0 && queue[0]!.dueAt < dayEnd) {
      const item = queue.shift()!;
      let mailboxId = item.mailboxId;
      if (mailboxId === null) {
        const chosen = pickMailboxWithMostRoom(
          input.mailboxes.map((mailbox) => ({
            mailbox,
            sentToday: sent.get(mailbox.id) ?? 0,
            ...(mailbox.limitOn ? { limitToday: mailbox.limitOn(index) } : {}),
          })),
        );
        if (!chosen) {
          later.push({ ...item, dueAt: dayEnd });
          continue;
        }
        mailboxId = chosen.mailbox.id;
        sent.set(mailboxId, (sent.get(mailboxId) ?? 0) + 1);
      }
      const position = input.steps[item.stepIndex]!.position;
      day.byStep.set(position, (day.byStep.get(position) ?? 0) + 1);
      day.total += 1;
      const next = input.steps[item.stepIndex + 1];
      if (next) {
        const sentAt = Math.max(item.dueAt, dayStart);
        insertSorted(queue, { ...item, stepIndex: item.stepIndex + 1, dueAt: sentAt + next.delayMs, mailboxId });
      }
    }
    queue = [...queue, ...later];
    days.push(day);
  }
  return { days, beyondHorizon: queue.reduce((count, item) => count + (input.steps.length - item.stepIndex), 0) };
}

function insertSorted(queue: Pending[], item: Pending): void {
  const index = queue.findIndex((other) => other.dueAt > item.dueAt);
  if (index === -1) queue.push(item);
  else queue.splice(index, 0, item);
}
