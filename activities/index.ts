import type { Database } from '../src/db/repositories';
import type { MailHostResolver } from '../src/domain/contacts/email-validation';
import type { StepSenderDeps } from '../src/domain/delivery/step-sender';
import type { MailboxReader } from '../src/domain/inbound/mailbox-reader';
import { createEnrollmentActivities } from './enrollment.activities';
import { createInboundActivities } from './inbound.activities';
import { createSendActivities } from './send.activities';
import { createValidationActivities } from './validation.activities';

export type ActivityDeps = StepSenderDeps & {
  db: Database;
  mailHosts: MailHostResolver;
  reader: MailboxReader;
  /** Aborted when the worker begins to shut down: long activities (IMAP sessions) end early instead of holding it. */
  stopping: AbortSignal;
};

/** Every activity the worker registers, bound to their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createEnrollmentActivities(deps.db),
    ...createSendActivities(deps),
    ...createValidationActivities(deps),
    ...createInboundActivities(deps),
  };
}
