import type { Client } from '@temporalio/client';
import type { Database } from '../db/repositories';
import type { EmailValidationPort } from '../domain/contacts/email-validation.port';
import {
  checksRequestedSignal,
  EMAIL_VALIDATION_WORKFLOW_TYPE,
  emailValidationWorkflowId,
  type EmailValidationInput,
} from '../../workflows/email-validation/definitions';
import { wakeJob } from './wake-job';

/** Wakes organizations' email validation jobs through a Temporal client. */
export class TemporalEmailValidationWorkflows implements EmailValidationPort {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  requestValidation(organizationId: string): Promise<void> {
    // One job per organization, never two.
    return wakeJob<EmailValidationInput>(this.client, {
      workflowType: EMAIL_VALIDATION_WORKFLOW_TYPE,
      workflowId: emailValidationWorkflowId(organizationId),
      taskQueue: this.taskQueue,
      input: { version: 1, organizationId },
      signal: checksRequestedSignal,
      staticSummary: `Email validation for organization ${organizationId}`,
    });
  }
}

/**
 * Wakes the validation job of every organization with requested checks; run at worker start, so checks marked
 * before a crash (committed, but their wake-up lost) do not wait for the next import. Returns how many it woke.
 */
export async function resumePendingValidations(client: Client, db: Database, taskQueue: string): Promise<number> {
  const organizations = await db.repos.emailValidation.organizationsWithPending();
  const validation = new TemporalEmailValidationWorkflows(client, taskQueue);
  for (const organizationId of organizations) await validation.requestValidation(organizationId);
  return organizations.length;
}
