/** Wakes an endpoint's delivery job (one per webhook), which reads its queue from the database. */
export interface WebhookJobsPort {
  wake(webhookId: string): Promise<void>;
}
