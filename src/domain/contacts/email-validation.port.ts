/** What the domain needs to get requested email checks done: wake the organization's validation job. */
export interface EmailValidationPort {
  /**
   * Wakes (or starts) the organization's validation job. Call it after committing `email_check_requested_at`:
   * the flag is the source of truth, so a lost wake-up delays checks until the next one, never loses them.
   */
  requestValidation(organizationId: string): Promise<void>;
}
