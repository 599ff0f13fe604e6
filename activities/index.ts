import type { Database } from '../src/db/repositories';
import type { StepSenderDeps } from '../src/domain/delivery/step-sender';
import { createEnrollmentActivities } from './enrollment.activities';
import { createSendActivities } from './send.activities';

export type ActivityDeps = StepSenderDeps & { db: Database };

/** Every activity the worker registers, bound to their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createEnrollmentActivities(deps.db),
    ...createSendActivities(deps),
  };
}
