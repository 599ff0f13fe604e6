/**
 * The states a contact takes (unsubscribed, bounced… are never emailed again). The entity owns them; the domain hands
 * them on, so the API's schemas follow the data model without reaching into it.
 */
export { CONTACT_STATUSES } from '../../db/entities/contact.entity';
