import type { EnrollmentControlService } from '../domain/enrollments/enrollment-control.service';
import { operationsUsing } from './api-operation';
import { presentContactChange } from './enrollment.presenters';
import { contactChangeResponse } from './enrollment.responses';
import { contactUnsubscribed } from './openapi/examples';
import { PATH_IDS } from './path-ids';

/** What the contact operations use: the enrollment control calls. */
export interface ContactDeps {
  enrollmentControl: EnrollmentControlService;
}
const operation = operationsUsing<ContactDeps>();

/** `/contacts`: organization-wide actions on one contact. */
export const contactOperations = [
  operation({
    method: 'post',
    path: '/contacts/{id}/unsubscribe',
    tag: 'Contacts',
    summary: 'Unsubscribe a contact everywhere',
    description:
      'The contact becomes `unsubscribed` (one that `complained` stays so) and its pending, active and paused ' +
      'enrollments, in every campaign, end `unsubscribed`; running workflows are signalled after the change is ' +
      'saved. Repeating it changes nothing (`contact_changed: false`, `affected: 0`).',
    params: { id: PATH_IDS.contact },
    errors: ['contact_not_found'],
    response: {
      description: 'The contact and every enrollment of it, as the unsubscribe left them.',
      data: contactChangeResponse,
      example: contactUnsubscribed,
      message: 'Contact unsubscribed from every campaign; 2 enrollment(s) ended.',
    },
    handle: async ({ deps: { enrollmentControl }, organizationId, params }) => {
      const change = await enrollmentControl.unsubscribeContact(organizationId, params.id);
      const presented = presentContactChange(change);
      return {
        data: presented,
        message:
          change.contactChanged || presented.affected > 0
            ? `Contact unsubscribed from every campaign; ${presented.affected} enrollment(s) ended.`
            : 'The contact was already unsubscribed; nothing changed.',
      };
    },
  }),
];
