import type { EntityManager } from 'typeorm';

/** Counts over the events table, by day, campaign, mailbox, provider and lead category. */
export class AnalyticsRepository {
  constructor(private readonly manager: EntityManager) {}
}
