import { Router } from 'express';
import type { CampaignService } from '../domain/campaigns/campaign.service';
import type { EnrollmentService } from '../domain/enrollments/enrollment.service';
import type { CampaignControlService } from '../domain/campaigns/campaign-control.service';
import { z } from 'zod';
import { sendSuccess } from './envelope';
import {
  createCampaignSchema,
  dispatchSchema,
  enrollContactSchema,
  scheduleContactsSchema,
  updateCampaignSchema,
} from './campaign.schemas';
import { createInputFromBody, settingsFromBody } from './campaign.mappers';
import { toImportEntry } from './contact.schemas';
import { booleanQuery, pathUuid } from './path-params';
import { presentImportCounts } from './list.presenters';
import {
  presentCampaignDetails,
  presentCampaignSummary,
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
    const stopped = await deps.campaignControl.delete(res.locals.organizationId, id);
    sendSuccess(
      res,
      { id, enrollments_stopped: stopped },
      {
        message: 'Campaign deleted with its steps, enrollments and statistics; running enrollments were stopped.',
      },
    );
  });

  router.get('/', async (_req, res) => {
    const campaigns = await deps.campaigns.list(res.locals.organizationId);
    sendSuccess(res, campaigns.map(presentCampaignSummary), { extra: { total: campaigns.length } });
  });

  router.get('/:id', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    sendSuccess(res, presentCampaignDetails(await deps.campaigns.details(res.locals.organizationId, id)));
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
      { batch_number: result.batchNumber, dispatched: result.dispatched },
      { status: 202, message: `Dispatched ${result.dispatched} enrollment(s) of batch ${result.batchNumber}.` },
    );
  });

  router.post('/:id/pause', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const campaign = await deps.campaignControl.pause(res.locals.organizationId, id);
    sendSuccess(res, presentCampaignSummary(campaign), {
      message: 'Campaign paused: running enrollments hold before their next step.',
    });
  });

  router.post('/:id/resume', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const campaign = await deps.campaignControl.resume(res.locals.organizationId, id);
    sendSuccess(res, presentCampaignSummary(campaign), { message: 'Campaign resumed.' });
  });

  router.post('/:id/schedule_contacts', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const body = scheduleContactsSchema.parse(req.body);
    // `remove_duplicates` may come in the body (as the reference shows) or the query string.
    const query = z.object({ remove_duplicates: booleanQuery(false) }).parse(req.query);
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
      },
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
