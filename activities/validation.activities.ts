import {
  validateNextBatch,
  type EmailValidationDeps,
  type ValidationBatchResult,
} from '../src/domain/contacts/email-validation-batch';

/** The email validation job's activity: DNS and Postgres work for one batch of one organization. */
export function createValidationActivities(deps: EmailValidationDeps) {
  return {
    /** Checks the next batch of the organization's requested contacts; returns counts only. */
    async validateEmailBatch(args: { organizationId: string }): Promise<ValidationBatchResult> {
      return validateNextBatch(deps, args.organizationId);
    },
  };
}
