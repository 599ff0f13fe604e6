import { Router } from 'express';
import type { CampaignService } from '../domain/campaigns/campaign.service';
import type { EnrollmentService } from '../domain/enrollments/enrollment.service';
import { sendSuccess } from './envelope';
import { createCampaignSchema, dispatchSchema, enrollContactSchema } from './campaign.schemas';
import { toImportEntry } from './contact.schemas';
import { pathUuid } from './path-params';
import {
  presentCampaignDetails,
  presentCampaignSummary,
  presentEnrollment,
  presentEnrollmentDetails,
} from './campaign.presenters';

/** `/campaigns`: create and read campaigns, enroll contacts, dispatch batches, read enrollments. */
export function campaignRoutes(deps: { campaigns: CampaignService; enrollments: EnrollmentService }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const { campaign: body } = createCampaignSchema.parse(req.body);
    const campaign = await deps.campaigns.create(res.locals.organizationId, {
      name: body.name,
      outreachId: body.outreach_id ?? null,
      minWaitSeconds: body.min_wait_seconds,
      maxWaitSeconds: body.max_wait_seconds,
      verifyEmailMx: body.verify_email_mx,
      bounceRateThreshold: body.bounce_rate_threshold,
      mailboxes: body.smtp_credentials.map((credential) => ({
        label: credential.label,
        smtpHost: credential.smtp_host,
        smtpPort: credential.smtp_port,
        smtpSecurity: credential.smtp_security,
        smtpUsername: credential.smtp_username,
        smtpPassword: credential.smtp_password,
        fromEmail: credential.from_email,
        fromName: credential.from_name,
        dailyLimit: credential.daily_limit,
        imap:
          credential.imap_host && credential.imap_port && credential.imap_username && credential.imap_password
            ? {
                host: credential.imap_host,
                port: credential.imap_port,
                username: credential.imap_username,
                password: credential.imap_password,
              }
            : undefined,
      })),
      steps: body.sequence_steps.map((step) => ({
        position: step.position,
        delayMinutes: step.delay_minutes,
        subject: step.subject,
        bodyHtml: step.body_html,
      })),
    });
    sendSuccess(res, presentCampaignSummary(campaign), { status: 201, message: 'Campaign created.' });
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

  router.get('/:id/enrollments/:eid', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const eid = pathUuid(req.params.eid, 'enrollment_not_found', 'Enrollment');
    sendSuccess(res, presentEnrollmentDetails(await deps.enrollments.details(res.locals.organizationId, id, eid)));
  });

  return router;
}
