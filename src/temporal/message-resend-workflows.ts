import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { MessageResendsPort } from '../domain/enrollments/unknown-sends.service';
import {
  MESSAGE_RESEND_WORKFLOW_TYPE,
  messageResendWorkflowId,
  type MessageResendInput,
} from '../../workflows/message-resend/definitions';
import type { messageResendWorkflow } from '../../workflows/message-resend/workflow';

/** Starts operators' resends of messages whose outcome was unknown. */
export class TemporalMessageResends implements MessageResendsPort {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async start(enrollmentId: string, position: number, attempt: number): Promise<void> {
    const input: MessageResendInput = { version: 1, enrollmentId, position };
    try {
      await this.client.workflow.start<typeof messageResendWorkflow>(MESSAGE_RESEND_WORKFLOW_TYPE, {
        workflowId: messageResendWorkflowId(enrollmentId, position, attempt),
        taskQueue: this.taskQueue,
        args: [input],
        // The same request twice starts one resend.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `Resend of step ${position} of enrollment ${enrollmentId}`,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
