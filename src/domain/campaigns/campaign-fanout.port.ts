/** What the domain needs from Temporal to hand campaign-wide work to the campaign's background job. */
export interface CampaignFanoutPort {
  /**
   * Wakes the campaign's job, starting it if none runs (idempotent): it reads from the database what is left to do
   * (a pass over the running enrollments, queued starts), so a wake-up carries no data.
   */
  wake(campaignId: string): Promise<void>;
}
