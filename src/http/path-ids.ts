import type { PathParam } from './api-operation';
import {
  blockListEntryIdParam,
  campaignIdParam,
  contactIdParam,
  enrollmentIdParam,
  listUuidParam,
  mailboxIdParam,
  outreachIdParam,
} from './openapi/params';

/** The ids a path can name, each with the 404 a malformed or unknown one gets. */
export const PATH_IDS = {
  campaign: { schema: campaignIdParam, notFound: 'campaign_not_found', what: 'Campaign' },
  enrollment: { schema: enrollmentIdParam, notFound: 'enrollment_not_found', what: 'Enrollment' },
  list: { schema: listUuidParam, notFound: 'list_not_found', what: 'List' },
  contact: { schema: contactIdParam, notFound: 'contact_not_found', what: 'Contact' },
  mailbox: { schema: mailboxIdParam, notFound: 'credential_not_found', what: 'Credential' },
  outreach: { schema: outreachIdParam, notFound: 'outreach_not_found', what: 'Outreach' },
  blockListEntry: { schema: blockListEntryIdParam, notFound: 'block_list_entry_not_found', what: 'Block list entry' },
} as const satisfies Record<string, PathParam>;
