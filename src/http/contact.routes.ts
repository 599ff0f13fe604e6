import { Router } from 'express';
import type { EnrollmentControlService } from '../domain/enrollments/enrollment-control.service';
import { presentContactChange } from './enrollment.presenters';
import { sendSuccess } from './envelope';
import { pathUuid } from './path-params';

/** `/contacts`: organization-wide actions on one contact. */
export function contactRoutes(deps: { enrollmentControl: EnrollmentControlService }): Router {
  const router = Router();

  router.post('/:id/unsubscribe', async (req, res) => {
    const contactId = pathUuid(req.params.id, 'contact_not_found', 'Contact');
    const change = await deps.enrollmentControl.unsubscribeContact(res.locals.organizationId, contactId);
    const presented = presentContactChange(change);
    sendSuccess(res, presented, {
      message:
        change.contactChanged || presented.affected > 0
          ? `Contact unsubscribed from every campaign; ${presented.affected} enrollment(s) ended.`
          : 'The contact was already unsubscribed; nothing changed.',
    });
  });

  return router;
}
