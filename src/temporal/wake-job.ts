import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';

/** A background job: one workflow per business id that reads from the database what is left to do. */
export interface JobWakeUp<Input> {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  input: Input;
  /** The job's wake-up signal: it carries no data, the job reads its work from the database. */
  signal: SignalDefinition<[]>;
  staticSummary: string;
}

/**
 * Wakes a background job: signal-with-start signals the running job, or starts one (conflict policy USE_EXISTING,
 * built in), so there is one job per id, never two. A finished job is replaced by a new run (ALLOW_DUPLICATE).
 */
export async function wakeJob<Input>(client: Client, job: JobWakeUp<Input>): Promise<void> {
  await client.workflow.signalWithStart<(input: Input) => Promise<unknown>, []>(job.workflowType, {
    workflowId: job.workflowId,
    taskQueue: job.taskQueue,
    args: [job.input],
    signal: job.signal,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    staticSummary: job.staticSummary,
  });
}
