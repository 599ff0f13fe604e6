import type { Database } from '../../db/repositories';
import type { ClaimedContact, ContactCheckOutcome } from '../../db/repositories/email-validation.repository';
import {
  checkEmails,
  MAX_CHECK_ATTEMPTS,
  retryDelayAfter,
  type EmailCheck,
  type MailHostResolver,
} from './email-validation';

/** Contacts checked per activity call: one claim, one write, a few seconds of DNS. */
export const VALIDATION_BATCH_SIZE = 200;
/**
 * Distinct domains resolved at once within a batch. At most 4 rounds of 2 sequential queries (MX, then A and AAAA
 * together): a batch of silent domains takes at most 8 × DNS_TIMEOUT_MS per configured server, 4 minutes with one
 * server at the 30 s maximum, inside the activity's 5-minute start-to-close timeout.
 */
const DNS_CONCURRENCY = 50;
/**
 * How long claimed contacts are reserved for the batch that claimed them. Longer than the activity's
 * start-to-close timeout, so a retry never re-claims the contacts of an attempt that is still running.
 */
export const CLAIM_LEASE_MS = 10 * 60_000;

/** What a batch reports to the workflow: counts and a time, never contact data. */
export interface ValidationBatchResult {
  processed: number;
  /** Requested checks due now (more batches to run). */
  pendingNow: number;
  /** Epoch ms when the earliest postponed check falls due; null when none is postponed. */
  nextRetryAt: number | null;
}

export interface EmailValidationDeps {
  db: Database;
  mailHosts: MailHostResolver;
}

/** Checks one batch of the organization's due contacts, stores the verdicts, and reports what is left. */
export async function validateNextBatch(
  deps: EmailValidationDeps,
  organizationId: string,
): Promise<ValidationBatchResult> {
  const checks = deps.db.repos.emailValidation;
  const claimed = await checks.claimDue(organizationId, VALIDATION_BATCH_SIZE, CLAIM_LEASE_MS);
  const verdicts = await checkEmails(
    claimed.map((contact) => contact.email),
    deps.mailHosts,
    { concurrency: DNS_CONCURRENCY },
  );
  await checks.record(claimed.map((contact) => outcomeOf(contact, verdicts.get(contact.email)!)));
  const pending = await checks.pending(organizationId);
  return {
    processed: claimed.length,
    pendingNow: pending.dueNow,
    nextRetryAt: pending.nextRetryAt?.getTime() ?? null,
  };
}

/** A definite verdict settles the request; an inconclusive one is retried with backoff, then given up. */
function outcomeOf(contact: ClaimedContact, check: EmailCheck): ContactCheckOutcome {
  const verdict = { id: contact.id, email: contact.email, status: check.status, valid: check.valid };
  const flags = { disposable: check.disposable, role: check.role };
  if (check.status !== 'unknown') return { ...verdict, ...flags, detail: check.detail, attempts: 0, retryInMs: null };
  const attempts = contact.attempts + 1;
  const retryInMs = retryDelayAfter(attempts);
  const detail =
    retryInMs === null
      ? `${check.detail}; gave up after ${attempts} attempts`
      : `${check.detail}; attempt ${attempts} of ${MAX_CHECK_ATTEMPTS}`;
  return { ...verdict, ...flags, detail, attempts, retryInMs };
}
