import { Router } from 'express';
import type { EnrollmentChange, EnrollmentControlService } from '../domain/enrollments/enrollment-control.service';
import type { EnrollmentHistoryService } from '../domain/enrollments/enrollment-history.service';
import type { UnknownSendService } from '../domain/enrollments/unknown-sends.service';
import { AppError } from '../domain/errors';
import { presentEnrollment } from './campaign.presenters';
import { presentEnrollmentChange, presentMessage, presentPagination } from './enrollment.presenters';
import { enrollmentsQuerySchema, resumeBodySchema } from './enrollment.schemas';
import { sendSuccess } from './envelope';
import { pathUuid } from './path-params';
import type { EnrollmentsPageView, EnrollmentUnsubscribeView } from './enrollment.responses';

/**
 * `/campaigns/:id/enrollments`: list them, read one's messages (and resolve one whose outcome is unknown), and
 * pause, resume, stop or unsubscribe one.
 */
export function enrollmentRoutes(deps: {
  enrollmentControl: EnrollmentControlService;
  enrollmentHistory: EnrollmentHistoryService;
  unknownSends: UnknownSendService;
}): Router {
  const router = Router();
  const ids = (params: { id?: string; eid?: string }) => ({
    campaignId: pathUuid(params.id, 'campaign_not_found', 'Campaign'),
    enrollmentId: pathUuid(params.eid, 'enrollment_not_found', 'Enrollment'),
  });

  router.get('/:id/enrollments', async (req, res) => {
    const campaignId = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const query = enrollmentsQuerySchema.parse(req.query);
    const { enrollments, total } = await deps.enrollmentHistory.page(res.locals.organizationId, campaignId, {
      statuses: query.status,
      page: query.page,
      perPage: query.per_page,
    });
    sendSuccess(res, {
      enrollments: enrollments.map((enrollment) => ({
        ...presentEnrollment(enrollment),
        contact_email: enrollment.contact?.email ?? null,
      })),
      pagination: presentPagination(query.page, query.per_page, total),
    } satisfies EnrollmentsPageView);
  });

  router.get('/:id/enrollments/:eid/messages', async (req, res) => {
    const { campaignId, enrollmentId } = ids(req.params);
    const { messages, replies } = await deps.enrollmentHistory.messages(
      res.locals.organizationId,
      campaignId,
      enrollmentId,
    );
    sendSuccess(
      res,
      messages.map((message) => presentMessage(message, replies)),
      { extra: { total: messages.length } },
    );
  });

  router.post('/:id/enrollments/:eid/messages/:step/resend', async (req, res) => {
    const { campaignId, enrollmentId } = ids(req.params);
    const step = pathStep(req.params.step);
    const message = await deps.unknownSends.resend(res.locals.organizationId, campaignId, enrollmentId, step);
    sendSuccess(res, presentMessage(message, []), {
      status: 202,
      message: `Resend of step ${step} queued: it goes out once, from the same mailbox; read the message again for its outcome.`,
    });
  });

  router.post('/:id/enrollments/:eid/messages/:step/mark_sent', async (req, res) => {
    const { campaignId, enrollmentId } = ids(req.params);
    const step = pathStep(req.params.step);
    const message = await deps.unknownSends.markSent(res.locals.organizationId, campaignId, enrollmentId, step);
    sendSuccess(res, presentMessage(message, []), { message: `Step ${step} recorded as delivered.` });
  });

  router.post('/:id/enrollments/:eid/pause', async (req, res) => {
    const { campaignId, enrollmentId } = ids(req.params);
    const change = await deps.enrollmentControl.pause(res.locals.organizationId, campaignId, enrollmentId);
    sendSuccess(res, presentEnrollmentChange(change), {
      message: describe(change, 'pause', 'Enrollment paused: it holds before its next step until resumed.'),
    });
  });

  router.post('/:id/enrollments/:eid/resume', async (req, res) => {
    const { campaignId, enrollmentId } = ids(req.params);
    const body = resumeBodySchema.parse(req.body ?? {});
    const change = await deps.enrollmentControl.resume(
      res.locals.organizationId,
      campaignId,
      enrollmentId,
      body.delay_minutes,
    );
    sendSuccess(res, presentEnrollmentChange(change), {
      message: describe(
        change,
        'resume',
        body.delay_minutes
          ? `Enrollment resumed; its next step waits at least ${body.delay_minutes} minute(s).`
          : 'Enrollment resumed.',
      ),
    });
  });

  router.post('/:id/enrollments/:eid/stop', async (req, res) => {
    const { campaignId, enrollmentId } = ids(req.params);
    const change = await deps.enrollmentControl.stop(res.locals.organizationId, campaignId, enrollmentId);
    sendSuccess(res, presentEnrollmentChange(change), {
      message: describe(change, 'stop', 'Enrollment stopped: nothing more is sent.'),
    });
  });

  router.post('/:id/enrollments/:eid/unsubscribe', async (req, res) => {
    const { campaignId, enrollmentId } = ids(req.params);
    const { enrollment, contact } = await deps.enrollmentControl.unsubscribe(
      res.locals.organizationId,
      campaignId,
      enrollmentId,
    );
    const ended = contact.enrollments.filter((change) => change.changed).length;
    sendSuccess(
      res,
      {
        ...presentEnrollmentChange(enrollment),
        contact_status: contact.contact.status,
        enrollments_unsubscribed: ended,
      } satisfies EnrollmentUnsubscribeView,
      {
        message:
          contact.contactChanged || ended > 0
            ? `Contact unsubscribed from every campaign; ${ended} enrollment(s) ended.`
            : 'The contact was already unsubscribed; nothing changed.',
      },
    );
  });

  return router;
}

/** A step position in a path: anything but a whole number from 1 names no message. */
function pathStep(value: string | undefined): number {
  const step = /^[1-9]\d{0,3}$/.test(value ?? '') ? Number(value) : null;
  if (step === null) throw new AppError('message_not_found', `"${value ?? ''}" is not a step position (1, 2, 3…).`);
  return step;
}

/** The success message, or why nothing changed. */
function describe(change: EnrollmentChange, action: 'pause' | 'resume' | 'stop', done: string): string {
  if (change.changed) return done;
  const { status } = change.enrollment;
  if (status !== 'active' && status !== 'paused') return `Nothing changed: the enrollment is ${status}.`;
  if (action === 'pause') return 'Nothing changed: the enrollment is already paused.';
  return status === 'paused'
    ? 'Nothing changed: the enrollment is not paused itself; its campaign is paused (resume the campaign).'
    : 'Nothing changed: the enrollment is not paused.';
}
