import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type {
  CampaignWideSignal,
  EnrollmentLiveState,
  EnrollmentSignal,
  EnrollmentSignalPayload,
  EnrollmentToStart,
  EnrollmentWorkflowsPort,
} from '../domain/enrollments/enrollment-workflows.port';
import {
  bouncedSignal,
  campaignPausedSignal,
  campaignResumedSignal,
  startAttributes,
  enrollmentWorkflowId,
  pauseSignal,
  repliedSignal,
  resumeSignal,
  stateQuery,
  sequenceChangedSignal,
  stopSignal,
  unsubscribedSignal,
  type EnrollmentInput,
} from '../../workflows/enrollment/definitions';
import { searchAttributes } from '../../workflows/search-attributes';
import type { enrollmentWorkflow } from '../../workflows/enrollment/workflow';

const QUERY_TIMEOUT_MS = 5_000;

/** Starts and queries enrollment workflows through a Temporal client. */
export class TemporalEnrollmentWorkflows implements EnrollmentWorkflowsPort {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  workflowIdOf(campaignId: string, contactId: string): string {
    return enrollmentWorkflowId(campaignId, contactId);
  }

  async start(enrollment: EnrollmentToStart): Promise<void> {
    const input: EnrollmentInput = {
      version: 2,
      enrollmentId: enrollment.enrollmentId,
      campaignId: enrollment.campaignId,
      contactId: enrollment.contactId,
      firstStep: enrollment.firstStep,
      startedAt: enrollment.startedAt,
    };
    const shown = startAttributes(enrollment.firstStep, enrollment.startedAt);
    try {
      await this.client.workflow.start<typeof enrollmentWorkflow>('enrollmentWorkflow', {
        workflowId: enrollment.workflowId,
        taskQueue: this.taskQueue,
        args: [input],
        // One enrollment per campaign × contact, ever: a second start with the same id is refused.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: searchAttributes.campaignId, value: enrollment.campaignId },
          { key: searchAttributes.contactId, value: enrollment.contactId },
          { key: searchAttributes.enrollmentStatus, value: shown.status },
          ...(shown.nextSendAt === null
            ? []
            : [{ key: searchAttributes.nextSendAt, value: new Date(shown.nextSendAt) }]),
        ],
        staticSummary: `Enrollment ${enrollment.enrollmentId}`,
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      throw error;
    }
  }

  async signal(workflowId: string, signal: CampaignWideSignal): Promise<void> {
    const definition = {
      campaignPaused: campaignPausedSignal,
      campaignResumed: campaignResumedSignal,
      stop: stopSignal,
      sequenceChanged: sequenceChangedSignal,
    }[signal];
    try {
      await this.client.workflow.getHandle(workflowId).signal(definition);
    } catch (error) {
      // Finished meanwhile: nothing left to pause or resume.
      if (error instanceof WorkflowNotFoundError) return;
      throw error;
    }
  }

  async signalEnrollment(
    workflowId: string,
    signal: EnrollmentSignal,
    payload: EnrollmentSignalPayload = {},
  ): Promise<boolean> {
    const handle = this.client.workflow.getHandle(workflowId);
    try {
      switch (signal) {
        case 'resume':
          await handle.signal(resumeSignal, payload.delayMinutes ? { delayMinutes: payload.delayMinutes } : {});
          break;
        case 'pause':
          await handle.signal(pauseSignal);
          break;
        case 'stop':
          await handle.signal(stopSignal);
          break;
        case 'replied':
          await handle.signal(repliedSignal);
          break;
        case 'bounced':
          await handle.signal(bouncedSignal);
          break;
        case 'unsubscribed':
          await handle.signal(unsubscribedSignal);
          break;
        case 'campaignPaused':
          await handle.signal(campaignPausedSignal);
          break;
        case 'campaignResumed':
          await handle.signal(campaignResumedSignal);
          break;
        case 'sequenceChanged':
          await handle.signal(sequenceChangedSignal);
          break;
      }
      return true;
    } catch (error) {
      // Finished meanwhile (or never started): the database already holds the change, and sends re-check it.
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  async state(workflowId: string): Promise<EnrollmentLiveState | null> {
    try {
      // The workflow's answer (EnrollmentState) is what the domain reads: a mismatch of the two fails to compile here.
      const query: Promise<EnrollmentLiveState> = this.client.workflow.getHandle(workflowId).query(stateQuery);
      const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), QUERY_TIMEOUT_MS).unref());
      return await Promise.race([query, timeout]);
    } catch {
      return null;
    }
  }
}
