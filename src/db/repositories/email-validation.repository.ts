import type { EntityManager } from 'typeorm';

/** A contact claimed for checking: its address and how many inconclusive attempts its current request has had. */
export interface ClaimedContact {
  id: string;
  email: string;
  attempts: number;
}

/** What one check decided for one contact. */
export interface ContactCheckOutcome {
  id: string;
  /** The address that was checked: a contact whose email changed meanwhile is left for the next check. */
  email: string;
  status: string;
  /** null keeps the stored value (an inconclusive check never overturns an earlier answer). */
  valid: boolean | null;
  disposable: boolean | null;
  role: boolean | null;
  detail: string;
  attempts: number;
  /** Set: no definite answer, ask again after this delay (the request stays). Null: done, the request is cleared. */
  retryInMs: number | null;
}

/** The validation job's view of `contacts.email_check_*`: the queue of requested checks and their results. */
export class EmailValidationRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Claims up to `limit` of the organization's due checks. A claim is a lease (`email_check_retry_at` pushed
   * `leaseMs` ahead) rather than a lock held across the DNS lookups: a crashed worker's claims fall due again,
   * and concurrent claimers skip each other's rows. An attempt count from an earlier, settled request (one
   * that gave up) does not carry over to a new request.
   */
  async claimDue(organizationId: string, limit: number, leaseMs: number): Promise<ClaimedContact[]> {
    // For UPDATE … RETURNING, TypeORM's Postgres driver answers [rows, affected count].
    const [rows]: [ClaimedContact[], number] = await this.manager.query(
      `UPDATE contacts AS c
          SET email_check_retry_at = now() + $3 * interval '1 millisecond'
         FROM (SELECT id FROM contacts
                WHERE organization_id = $1
                  AND email_check_requested_at IS NOT NULL
                  AND (email_check_retry_at IS NULL OR email_check_retry_at <= now())
                LIMIT $2
                  FOR UPDATE SKIP LOCKED) AS due
        WHERE c.id = due.id
       RETURNING c.id, c.email,
                 CASE WHEN c.email_checked_at IS NULL OR c.email_check_requested_at > c.email_checked_at THEN 0
                      ELSE c.email_check_attempts END AS attempts`,
      [organizationId, limit, leaseMs],
    );
    return rows;
  }

  /** Stores the outcomes of one batch in a single statement. */
  async record(outcomes: ContactCheckOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const column = <K extends keyof ContactCheckOutcome>(key: K) => outcomes.map((outcome) => outcome[key]);
    await this.manager.query(
      `UPDATE contacts AS c
          SET email_check_status = r.status,
              email_check_detail = r.detail,
              email_valid = COALESCE(r.valid, c.email_valid),
              email_disposable = r.disposable,
              email_role = r.role,
              email_checked_at = now(),
              email_check_attempts = r.attempts,
              email_check_retry_at = now() + r.retry_in_ms * interval '1 millisecond',
              email_check_requested_at = CASE WHEN r.retry_in_ms IS NULL THEN NULL ELSE c.email_check_requested_at END,
              updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::boolean[], $6::boolean[], $7::text[],
                     $8::integer[], $9::bigint[])
              AS r(id, email, status, valid, disposable, role, detail, attempts, retry_in_ms)
        WHERE c.id = r.id AND c.email = r.email AND c.email_check_requested_at IS NOT NULL`,
      [
        column('id'),
        column('email'),
        column('status'),
        column('valid'),
        column('disposable'),
        column('role'),
        column('detail'),
        column('attempts'),
        column('retryInMs'),
      ],
    );
  }

  /** How many of the organization's checks are due now, and when the earliest postponed one falls due. */
  async pending(organizationId: string): Promise<{ dueNow: number; nextRetryAt: Date | null }> {
    const rows: { due: number; next_retry_at: Date | null }[] = await this.manager.query(
      `SELECT count(*) FILTER (WHERE email_check_retry_at IS NULL OR email_check_retry_at <= now())::integer AS due,
              min(email_check_retry_at) FILTER (WHERE email_check_retry_at > now()) AS next_retry_at
         FROM contacts
        WHERE organization_id = $1 AND email_check_requested_at IS NOT NULL`,
      [organizationId],
    );
    const row = rows[0];
    return { dueNow: row?.due ?? 0, nextRetryAt: row?.next_retry_at ?? null };
  }

  /** Organizations with any requested check, due or postponed: the startup sweep wakes a job for each. */
  async organizationsWithPending(): Promise<string[]> {
    const rows: { organization_id: string }[] = await this.manager.query(
      `SELECT DISTINCT organization_id FROM contacts WHERE email_check_requested_at IS NOT NULL`,
    );
    return rows.map((row) => row.organization_id);
  }
}
