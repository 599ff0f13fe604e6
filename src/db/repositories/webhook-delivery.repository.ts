import type { EntityManager } from 'typeorm';

/** The delivery queue of each webhook endpoint (the worker's side). */
export class WebhookDeliveryRepository {
  constructor(private readonly manager: EntityManager) {}
}
