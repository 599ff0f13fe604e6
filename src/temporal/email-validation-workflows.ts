import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { Database } from '../db/repositories';
import type { EmailValidationPort } from '../domain/contacts/email-validation.port';
import {
  checksRequestedSignal,
  EMAIL_VALIDATION_WORKFLOW_TYPE,
  emailValidationWorkflowId,
  type EmailValidationInput,
} from '../../workflows/email-validation/definitions';
import type { emailValidationWorkflow } from '../../workflows/email-validation/workflow';

/** Wakes organizations' email validation jobs through a Temporal client. */
export class TemporalEmailValidationWorkflows implements EmailValidationPort {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async requestValidation(organizationId: string): Promise<void> {
    const input: EmailValidationInput = { version: 1, organizationId };
    // Signal-with-start signals the running job, or starts one (conflict policy USE_EXISTING, built in):
    // one job per organization, never two. A finished job is replaced by a new run (ALLOW_DUPLICATE).
    await this.client.workflow.signalWithStart<typeof emailValidationWorkflow>(EMAIL_VALIDATION_WORKFLOW_TYPE, {
      workflowId: emailValidationWorkflowId(organizationId),
      taskQueue: this.taskQueue,
      args: [input],
      signal: checksRequestedSignal,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
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
