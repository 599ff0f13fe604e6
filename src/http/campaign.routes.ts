import { Router } from 'express';
import type { CampaignService } from '../domain/campaigns/campaign.service';
import type { EnrollmentService } from '../domain/enrollments/enrollment.service';
import type { CampaignControlService } from '../domain/campaigns/campaign-control.service';
import { sendSuccess } from './envelope';
import {
  createCampaignSchema,
  auditQuerySchema,
  repliesQuerySchema,
  forecastQuerySchema,
  dispatchSchema,
  enrollListSchema,
  enrollContactSchema,
  scheduleContactsQuerySchema,
  scheduleContactsSchema,
  updateCampaignSchema,
} from './campaign.schemas';
import { createInputFromBody, settingsFromBody } from './campaign.mappers';
import { toImportEntry } from './contact.schemas';
import { pathUuid } from './path-params';
import { presentImportCounts } from './list.presenters';
import type {
  DispatchView,
  EnrollListView,
  RepliedEnrollmentView,
  ScheduleContactsView,
  SendForecastView,
  SkipView,
} from './campaign.responses';
import {
  presentCampaignDetails,
  presentCampaignSummary,
  presentCredential,
  presentEnrollment,
  presentEnrollmentDetails,
} from './campaign.presenters';

/** `/campaigns`: create and read campaigns, enroll contacts, dispatch batches, read enrollments. */
export function campaignRoutes(deps: {
  campaigns: CampaignService;
  enrollments: EnrollmentService;
  campaignControl: CampaignControlService;
}): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const { campaign: body } = createCampaignSchema.parse(req.body);
    const campaign = await deps.campaigns.create(res.locals.organizationId, createInputFromBody(body));
    sendSuccess(res, presentCampaignSummary(campaign), { status: 201, message: 'Campaign created.' });
  });

  router.patch('/:id', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const { campaign: body } = updateCampaignSchema.parse(req.body);
    await deps.campaigns.update(res.locals.organizationId, id, settingsFromBody(body));
    sendSuccess(res, presentCampaignDetails(await deps.campaigns.details(res.locals.organizationId, id)), {
      message: 'Campaign updated.',
    });
  });

  router.delete('/:id', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const campaign = await deps.campaignControl.delete(res.locals.organizationId, id);
    sendSuccess(res, presentCampaignSummary(campaign), {
      status: 202,
      message:
        'Campaign stopped: nothing more is sent. Its running enrollments are being stopped, then it is deleted with ' +
        'its steps, enrollments and statistics; GET /campaigns/:id shows the progress (fanout), then answers 404.',
    });
  });

  router.get('/', async (_req, res) => {
    const campaigns = await deps.campaigns.list(res.locals.organizationId);
    sendSuccess(res, campaigns.map(presentCampaignSummary), { extra: { total: campaigns.length } });
  });

  router.get('/:id', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    sendSuccess(res, presentCampaignDetails(await deps.campaigns.details(res.locals.organizationId, id)));
  });

  router.post('/:id/enroll', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const body = enrollListSchema.parse(req.body);
    const listUuid = (body.list_uuid ?? body.contact_import_id)!;
    const result = await deps.enrollments.enrollList(
      res.locals.organizationId,
      id,
      listUuid,
      body.batch_number,
      body.priority,
    );
    sendSuccess(
      res,
      {
        list_uuid: listUuid,
        batch_number: body.batch_number,
        enrolled: result.enrolled,
        already_enrolled: result.alreadyEnrolled,
      } satisfies EnrollListView,
      {
        status: 201,
        message: `${result.enrolled} contact(s) enrolled in batch ${body.batch_number}; dispatch to start.`,
      },
    );
  });

  router.get('/:id/send_forecast', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const { days } = forecastQuerySchema.parse(req.query);
    const forecast = await deps.campaigns.forecast(res.locals.organizationId, id, days);
    sendSuccess(res, {
      days: forecast.days.map((day) => ({
        date: day.date,
        total: day.total,
        by_step: Object.fromEntries([...day.byStep].sort(([a], [b]) => a - b)),
      })),
      beyond_horizon: forecast.beyondHorizon,
      held_enrollments: forecast.held,
    } satisfies SendForecastView);
  });

  router.get('/:id/skips', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const query = auditQuerySchema.parse(req.query);
    const skips = await deps.campaigns.skips(res.locals.organizationId, id, query.kind, query.limit);
    sendSuccess(
      res,
      skips.map((skip): SkipView => ({
        enrollment_id: skip.enrollmentId,
        contact_id: skip.contactId,
        email: skip.email,
        kind: skip.kind,
        detail: skip.detail,
        skipped_at: skip.skippedAt.toISOString(),
      })),
      { extra: { total: skips.length } },
    );
  });

  router.get('/:id/replies', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const { limit } = repliesQuerySchema.parse(req.query);
    const replies = await deps.campaigns.replies(res.locals.organizationId, id, limit);
    sendSuccess(
      res,
      replies.map((reply): RepliedEnrollmentView => ({
        enrollment_id: reply.enrollmentId,
        contact_id: reply.contactId,
        email: reply.email,
        first_sent_at: reply.firstSentAt.toISOString(),
        replied_at: reply.repliedAt.toISOString(),
        hours_to_reply: Math.round(((reply.repliedAt.getTime() - reply.firstSentAt.getTime()) / 3_600_000) * 10) / 10,
        from_email: reply.reply?.fromEmail ?? null,
        subject: reply.reply?.subject ?? null,
        snippet: reply.reply?.snippet ?? null,
        match_confidence: reply.reply?.confidence ?? null,
      })),
      { extra: { total: replies.length } },
    );
  });

  router.post('/:id/smtp_credentials/:credentialId/reenable', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const credentialId = pathUuid(req.params.credentialId, 'credential_not_found', 'Credential');
    const { mailbox, sentToday } = await deps.campaigns.reenableMailbox(res.locals.organizationId, id, credentialId);
    sendSuccess(res, presentCredential(mailbox, sentToday), {
      message: 'Credential re-enabled.',
    });
  });

  router.post('/:id/enroll_contact', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const body = enrollContactSchema.parse(req.body);
    const enrollment = await deps.enrollments.enrollContact(res.locals.organizationId, id, {
      contactId: body.contact_id,
      contact: body.contact && toImportEntry(body.contact),
      batchNumber: body.batch_number,
      priority: body.priority,
    });
    sendSuccess(res, presentEnrollment(enrollment), { status: 201, message: 'Contact enrolled; dispatch to start.' });
  });

  router.post('/:id/dispatch', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const body = dispatchSchema.parse(req.body ?? {});
    const result = await deps.enrollments.dispatch(res.locals.organizationId, id, body.batch_number);
    sendSuccess(
      res,
      {
        batch_number: result.batchNumber,
        dispatched: result.dispatched,
        skipped: result.skipped,
      } satisfies DispatchView,
      {
        status: 202,
        message:
          `Dispatched ${result.dispatched} enrollment(s) of batch ${result.batchNumber}` +
          (result.skipped > 0 ? `; ${result.skipped} skipped (see GET /campaigns/:id/skips).` : '.'),
      },
    );
  });

  router.post('/:id/pause', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const campaign = await deps.campaignControl.pause(res.locals.organizationId, id);
    sendSuccess(res, presentCampaignSummary(campaign), {
      message:
        'Campaign paused: no step is sent from now on, and its running enrollments are being told to hold in the ' +
        'background (see fanout).',
    });
  });

  router.post('/:id/resume', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const campaign = await deps.campaignControl.resume(res.locals.organizationId, id);
    sendSuccess(res, presentCampaignSummary(campaign), {
      message: 'Campaign resumed: its held enrollments are being told to continue in the background (see fanout).',
    });
  });

  router.post('/:id/schedule_contacts', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const body = scheduleContactsSchema.parse(req.body);
    // `remove_duplicates` may come in the body (as the reference shows) or the query string.
    const query = scheduleContactsQuerySchema.parse(req.query);
    const result = await deps.campaignControl.scheduleContacts(
      res.locals.organizationId,
      id,
      body.contacts.map(toImportEntry),
      body.remove_duplicates ?? query.remove_duplicates,
    );
    const counts = presentImportCounts(result.counts);
    sendSuccess(
      res,
      {
        campaign: {
          uuid: result.campaign.id,
          name: result.campaign.name,
          status: result.campaign.status,
          evergreen: result.campaign.evergreen,
        },
        list: { uuid: result.list.uuid, name: result.list.name, total_contacts: result.listContacts },
        contacts_processed: {
          total_submitted: counts.total_submitted,
          new_contacts_added: result.enrolled,
          duplicates_skipped: counts.total_submitted - counts.invalid_emails.length - result.enrolled,
          invalid_emails: counts.invalid_emails,
        },
        scheduled: result.scheduled,
      } satisfies ScheduleContactsView,
      {
        message: result.scheduled
          ? `${result.enrolled} new contacts added and will be scheduled shortly`
          : `${result.enrolled} new contacts added to paused campaign. Resume campaign to schedule emails.`,
      },
    );
  });

  router.get('/:id/enrollments/:eid', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const eid = pathUuid(req.params.eid, 'enrollment_not_found', 'Enrollment');
    sendSuccess(res, presentEnrollmentDetails(await deps.enrollments.details(res.locals.organizationId, id, eid)));
  });

  return router;
}
