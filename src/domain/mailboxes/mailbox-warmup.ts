import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import { AppError } from '../errors';

/**
 * A warm-up ramp as a user gives it; each field left out keeps its stored value. Giving one turns the ramp on unless
 * `enabled` is false; (re)enabling it starts it now unless `startedAt` says when.
 */
export interface WarmupInput {
  enabled?: boolean | undefined;
  startLimit?: number | undefined;
  dailyIncrement?: number | undefined;
  /** Null: the mailbox's daily_limit. */
  targetLimit?: number | null | undefined;
  startedAt?: Date | undefined;
}

type WarmupColumns = Pick<
  MailboxEntity,
  'warmupEnabled' | 'warmupStartLimit' | 'warmupDailyIncrement' | 'warmupTargetLimit' | 'warmupStartedAt'
>;

/** A mailbox's ramp today, as its views show it. */
export interface WarmupState {
  enabled: boolean;
  startLimit: number | null;
  dailyIncrement: number | null;
  targetLimit: number | null;
  startedAt: Date | null;
  /** Whole days since the start in the mailbox's zone (0 on the start day); null while off. */
  day: number | null;
  /** True once the ramp reached its target (or the daily limit): the limit stays there. */
  complete: boolean;
}

const OFF: WarmupColumns = {
  warmupEnabled: false,
  warmupStartLimit: null,
  warmupDailyIncrement: null,
  warmupTargetLimit: null,
  warmupStartedAt: null,
};

/**
 * The warm-up columns after a change: the given fields over the stored ones (`current`: null for a new mailbox);
 * `null` turns the ramp off and forgets it. Enabling needs a start limit and a daily increment, given or stored.
 */
export function warmupColumns(current: WarmupColumns | null, input: WarmupInput | null, now: Date): WarmupColumns {
  if (input === null) return OFF;
  const stored = current ?? OFF;
  const enabled = input.enabled ?? true;
  const columns: WarmupColumns = {
    warmupEnabled: enabled,
    warmupStartLimit: input.startLimit ?? stored.warmupStartLimit,
    warmupDailyIncrement: input.dailyIncrement ?? stored.warmupDailyIncrement,
    warmupTargetLimit: input.targetLimit === undefined ? stored.warmupTargetLimit : input.targetLimit,
    warmupStartedAt:
      input.startedAt ?? (enabled && !stored.warmupEnabled ? now : (stored.warmupStartedAt ?? (enabled ? now : null))),
  };
  const missing = [
    ['start_limit', columns.warmupStartLimit],
    ['daily_increment', columns.warmupDailyIncrement],
  ].filter(([, value]) => value === null);
  if (enabled && missing.length > 0) {
    throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
      errors: missing.map(([field]) => `warmup.${field as string}: required to enable the warm-up`),
    });
  }
  return columns;
}

/**
 * The new conversations a mailbox may start on day `day` of its ramp (whole days since its start): what the send
 * path computes in SQL (db/repositories/mailbox-limits.ts), for the forecast's later days.
 */
export function limitOnRampDay(mailbox: WarmupColumns & Pick<MailboxEntity, 'dailyLimit'>, day: number): number {
  if (!mailbox.warmupEnabled) return mailbox.dailyLimit;
  const ceiling = Math.min(mailbox.dailyLimit, mailbox.warmupTargetLimit ?? mailbox.dailyLimit);
  return Math.min(ceiling, (mailbox.warmupStartLimit ?? 0) + (mailbox.warmupDailyIncrement ?? 0) * Math.max(0, day));
}

/** The ramp of a mailbox on the day `day` (whole days since its start, as the send path counts them). */
export function warmupState(mailbox: WarmupColumns & Pick<MailboxEntity, 'dailyLimit'>, day: number): WarmupState {
  const enabled = mailbox.warmupEnabled;
  const ceiling = Math.min(mailbox.dailyLimit, mailbox.warmupTargetLimit ?? mailbox.dailyLimit);
  const ramp = (mailbox.warmupStartLimit ?? 0) + (mailbox.warmupDailyIncrement ?? 0) * day;
  return {
    enabled,
    startLimit: mailbox.warmupStartLimit,
    dailyIncrement: mailbox.warmupDailyIncrement,
    targetLimit: mailbox.warmupTargetLimit,
    startedAt: mailbox.warmupStartedAt,
    day: enabled ? day : null,
    complete: enabled && ramp >= ceiling,
  };
}
