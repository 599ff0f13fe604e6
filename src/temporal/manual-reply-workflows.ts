import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { ManualReplyWorkflowsPort } from '../domain/conversations/manual-reply-workflows.port';
import {
  MANUAL_REPLY_WORKFLOW_TYPE,
  manualReplyWorkflowId,
  type ManualReplyInput,
} from '../../workflows/manual-reply/definitions';
import type { manualReplyWorkflow } from '../../workflows/manual-reply/workflow';

/** Starts operators' replies in conversations. */
export class TemporalManualReplies implements ManualReplyWorkflowsPort {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async start(replyId: string): Promise<void> {
    const input: ManualReplyInput = { version: 1, replyId };
    try {
      await this.client.workflow.start<typeof manualReplyWorkflow>(MANUAL_REPLY_WORKFLOW_TYPE, {
        workflowId: manualReplyWorkflowId(replyId),
        taskQueue: this.taskQueue,
        args: [input],
        // One send per reply, ever: a running one is kept, a finished one is not started again.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `Reply ${replyId}`,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
