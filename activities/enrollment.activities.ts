import type { Database } from '../src/db/repositories';
import { nextStepAfter, type NextStep } from '../src/domain/delivery/step-outcome';
import type { EnrollmentFinalStatus } from '../workflows/enrollment/definitions';

export type { NextStep } from '../src/domain/delivery/step-outcome';

/** Bookkeeping activities of the enrollment workflow: reading its plan and recording its progress in Postgres. */
export function createEnrollmentActivities(db: Database) {
  return {
    /** The step after `afterPosition`, read fresh each time so edits to later steps apply to running enrollments. */
    async nextStep(args: { enrollmentId: string; afterPosition: number }): Promise<NextStep> {
      const enrollment = await db.repos.enrollments.findById(args.enrollmentId);
      if (!enrollment) return { totalSteps: 0, step: null };
      return nextStepAfter(await db.repos.campaigns.steps(enrollment.campaignId), args.afterPosition);
    },

    /** Mirrors the workflow's schedule into the enrollment row, for listings and stats. */
    async recordSchedule(args: {
      enrollmentId: string;
      status: 'active' | 'paused';
      nextSendAt: string | null;
      /** Workflow time when the schedule was observed (absent from workflows started before it existed). */
      observedAt?: string;
    }): Promise<void> {
      await db.repos.enrollments.recordSchedule(
        args.enrollmentId,
        args.status,
        args.nextSendAt ? new Date(args.nextSendAt) : null,
        args.observedAt ? new Date(args.observedAt) : new Date(),
      );
    },

    /** Records how the enrollment ended, and completes its campaign when that was the last one running. */
    async finishEnrollment(args: {
      enrollmentId: string;
      status: EnrollmentFinalStatus;
      error: string | null;
    }): Promise<void> {
      await db.repos.enrollments.finish(args.enrollmentId, args.status, args.error);
      await db.repos.campaigns.completeIfFinishedAfter(args.enrollmentId);
    },
  };
}
