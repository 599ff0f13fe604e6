/**
 * Whole days since the mailbox's warm-up started, counted in its zone (0 on the start day and before it), at the
 * instant `now` (an SQL expression); the mailbox is aliased `mailbox`.
 */
export function warmupDaySql(now: string): string {
  return `greatest(0, (${now}::timestamptz AT TIME ZONE mailbox.timezone)::date
                      - (mailbox.warmup_started_at AT TIME ZONE mailbox.timezone)::date)`;
}

/**
 * The new conversations the mailbox (aliased `mailbox`) may start on the day of `now`: its daily_limit, or while its
 * warm-up is enabled min(daily_limit, target, start + increment × days since the start). Computed in the query that
 * reads the mailbox, so the step-1 claim needs no other round trip for it.
 */
export function effectiveDailyLimitSql(now: string): string {
  return `(CASE WHEN mailbox.warmup_enabled
               THEN least(mailbox.daily_limit, coalesce(mailbox.warmup_target_limit, mailbox.daily_limit),
                          mailbox.warmup_start_limit + mailbox.warmup_daily_increment::bigint * ${warmupDaySql(now)})::int
               ELSE mailbox.daily_limit END)`;
}
