import type { z } from 'zod';
import type { IntegrationEventService } from '../domain/enrollments/integration-events.service';
import { operationsUsing } from './api-operation';
import { presentContactChange } from './enrollment.presenters';
import { eventResultResponse } from './enrollment.responses';
import { eventSchema } from './enrollment.schemas';
import { contactUnsubscribed } from './openapi/examples';

/** What the event operation uses: the integration events. */
export interface EventDeps {
  integrationEvents: IntegrationEventService;
}
const operation = operationsUsing<EventDeps>();

/** `/events`: replies, bounces, unsubscribes, pauses, resumes and stops reported by integrations. */
export const eventOperations = [
  operation({
    method: 'post',
    path: '/events',
    tag: 'Events',
    summary: 'Report an event from an integration',
    description:
      'Name one enrollment by `enrollment_id`, or a contact by `email` (its enrollments, in `campaign_id` only ' +
      'when given); the event then makes the change the API would make:\n\n' +
      '- `unsubscribe`: the contact is unsubscribed from every campaign (as `POST /contacts/{id}/unsubscribe`).\n' +
      '- `bounce`: the contact becomes `bounced`; its active and paused enrollments in every campaign end ' +
      '`bounced`, and so do the named ones if completed, their last message marked bounced.\n' +
      '- `reply`: the named enrollments, running or completed, end `replied`; their last message is marked ' +
      'replied.\n' +
      '- `stop`: the named enrollments, pending or running, end `stopped`.\n' +
      '- `pause`, `resume` (with an optional `delay_minutes`): as the enrollment routes. By email, enrollments ' +
      'not dispatched yet are left as they are; by `enrollment_id`, one is refused with `enrollment_not_started`.\n\n' +
      'Repeating an event changes nothing more (`affected: 0`).',
    body: {
      schema: eventSchema,
      example: { type: 'unsubscribe', email: 'ada@example.com' },
      description: 'Exactly one of `enrollment_id` and `email`; `delay_minutes` with `resume` only.',
    },
    errors: ['campaign_not_found', 'enrollment_not_found', 'contact_not_found', 'enrollment_not_started'],
    response: {
      description: 'The contact and every enrollment the event concerns, as it left them.',
      data: eventResultResponse,
      example: { type: 'unsubscribe', ...contactUnsubscribed } satisfies z.output<typeof eventResultResponse>,
      message: 'Event applied: 2 enrollment(s) changed.',
    },
    handle: async ({ deps: { integrationEvents }, organizationId, body: event }) => {
      const change = await integrationEvents.apply(organizationId, {
        type: event.type,
        enrollmentId: event.enrollment_id,
        email: event.email,
        campaignId: event.campaign_id,
        delayMinutes: event.delay_minutes,
      });
      const presented = presentContactChange(change);
      return {
        data: { type: event.type, ...presented },
        message:
          presented.affected > 0 || presented.contact_changed
            ? `Event applied: ${presented.affected} enrollment(s) changed.`
            : 'Nothing changed: the event was already applied, or no enrollment it concerns is running.',
      };
    },
  }),
];
