import type { EntityManager } from 'typeorm';

/** Webhook endpoints: create, read, change, delete (the API's side). */
export class WebhookRepository {
  constructor(private readonly manager: EntityManager) {}
}
