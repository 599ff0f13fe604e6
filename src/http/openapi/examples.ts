import type { ContactChangeView } from '../enrollment.responses';
import { EXAMPLE_IDS } from './params';

/** A contact unsubscribed from its two campaigns: the answer of the contact route and of the unsubscribe event. */
export const contactUnsubscribed: ContactChangeView = {
  contact: { id: EXAMPLE_IDS.contact, email: 'ada@example.com', status: 'unsubscribed' },
  contact_changed: true,
  enrollments: [
    { id: EXAMPLE_IDS.enrollment, campaign_id: EXAMPLE_IDS.campaign, status: 'unsubscribed', changed: true },
    {
      id: EXAMPLE_IDS.secondEnrollment,
      campaign_id: EXAMPLE_IDS.secondCampaign,
      status: 'unsubscribed',
      changed: true,
    },
  ],
  affected: 2,
};
