import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../src/config';

/**
 * How many tasks wait on the product's task queue (TEMPORAL_TASK_QUEUE, read as the product reads it): a started
 * enrollment is only asleep once the worker has run its first workflow task, and those queue up behind a big dispatch.
 */
export class TaskQueueBacklog {
  private constructor(
    private readonly connection: Connection,
    private readonly namespace: string,
    private readonly taskQueue: string,
  ) {}

  static async open(address: string, namespace: string): Promise<TaskQueueBacklog> {
    const connection = await Connection.connect({ address });
    return new TaskQueueBacklog(connection, namespace, loadConfig().temporal.taskQueue);
  }

  /** Workflow and activity tasks waiting for a worker (the server's approximate count). */
  async count(): Promise<number> {
    const types = [
      temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    ];
    const counts = await Promise.all(
      types.map(async (taskQueueType) => {
        const response = await this.connection.workflowService.describeTaskQueue({
          namespace: this.namespace,
          taskQueue: { name: this.taskQueue },
          taskQueueType,
          reportStats: true,
        });
        return Number(response.stats?.approximateBacklogCount ?? 0);
      }),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
