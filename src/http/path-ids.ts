import { z } from 'zod';
import { AppError } from '../domain/errors';
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
  /** A mailbox as a resource of its own (`/mailboxes/{id}`), rather than as one of a campaign's credentials. */
  organizationMailbox: { schema: mailboxIdParam, notFound: 'mailbox_not_found', what: 'Mailbox' },
  outreach: { schema: outreachIdParam, notFound: 'outreach_not_found', what: 'Outreach' },
  blockListEntry: { schema: blockListEntryIdParam, notFound: 'block_list_entry_not_found', what: 'Block list entry' },
  /** A message by its step position (1, 2, 3…), not a uuid. */
  step: {
    schema: z.string().meta({ description: 'The step position of the message (1, 2, 3…).', example: '2' }),
    notFound: 'message_not_found',
    what: 'Message',
    read: (value) => pathStep(value, 'message_not_found'),
  },
  /** A step of a campaign's sequence by its position. */
  sequenceStep: {
    schema: z.string().meta({ description: 'The position of the step (1, 2, 3…).', example: '2' }),
    notFound: 'step_not_found',
    what: 'Step',
    read: (value) => pathStep(value, 'step_not_found'),
  },
} as const satisfies Record<string, PathParam>;

/** A step position in a path: anything but a whole number from 1 names nothing (`notFound` says what). */
function pathStep(value: string | undefined, notFound: 'message_not_found' | 'step_not_found'): number {
  const step = /^[1-9]\d{0,3}$/.test(value ?? '') ? Number(value) : null;
  if (step === null) throw new AppError(notFound, `"${value ?? ''}" is not a step position (1, 2, 3…).`);
  return step;
}
