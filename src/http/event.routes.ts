import { Router } from 'express';
import type { IntegrationEventService } from '../domain/enrollments/integration-events.service';
import { eventSchema } from './enrollment.schemas';
import { presentContactChange } from './enrollment.presenters';
import { sendSuccess } from './envelope';
import type { EventResultView } from './enrollment.responses';

/** `/events`: replies, bounces, unsubscribes, pauses, resumes and stops reported by integrations. */
export function eventRoutes(deps: { integrationEvents: IntegrationEventService }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const event = eventSchema.parse(req.body);
    const change = await deps.integrationEvents.apply(res.locals.organizationId, {
      type: event.type,
      enrollmentId: event.enrollment_id,
      email: event.email,
      campaignId: event.campaign_id,
      delayMinutes: event.delay_minutes,
    });
    const presented = presentContactChange(change);
    sendSuccess(res, { type: event.type, ...presented } satisfies EventResultView, {
      message:
        presented.affected > 0 || presented.contact_changed
          ? `Event applied: ${presented.affected} enrollment(s) changed.`
          : 'Nothing changed: the event was already applied, or no enrollment it concerns is running.',
    });
  });

  return router;
}
