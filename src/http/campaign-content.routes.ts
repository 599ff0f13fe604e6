import { Router } from 'express';
import type { CampaignContentService } from '../domain/campaigns/campaign-content.service';
import { previewQuerySchema, testSendSchema } from './campaign.schemas';
import { sendSuccess } from './envelope';
import { pathUuid } from './path-params';
import type { PreviewView, TestSendView } from './campaign.responses';

/** `/campaigns/:id/preview` and `/campaigns/:id/test_send`. */
export function campaignContentRoutes(deps: { content: CampaignContentService }): Router {
  const router = Router();

  router.get('/:id/preview', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const query = previewQuerySchema.parse(req.query);
    const preview = await deps.content.preview(res.locals.organizationId, id, query.contact_id);
    sendSuccess(res, {
      contact_id: preview.contactId,
      enrollment_id: preview.enrollmentId,
      steps: preview.steps.map((step) => ({
        position: step.position,
        variant_label: step.variantLabel,
        subject: step.subject,
        body_html: step.html,
        /** The step's own plain text; null = generated from the HTML when sent. */
        body_text: step.text,
      })),
    } satisfies PreviewView);
  });

  router.post('/:id/test_send', async (req, res) => {
    const id = pathUuid(req.params.id, 'campaign_not_found', 'Campaign');
    const body = testSendSchema.parse(req.body);
    const report = await deps.content.testSend(res.locals.organizationId, id, {
      emails: body.emails,
      contactId: body.contact_id,
    });
    const attempted = report.results.flatMap((result) => result.steps);
    const sent = attempted.filter((step) => step.status === 'sent').length;
    sendSuccess(
      res,
      {
        from_email: report.mailbox.fromEmail,
        credential_id: report.mailbox.id,
        contact_id: report.contactId,
        enrollment_id: report.enrollmentId,
        sent,
        not_sent: attempted.length - sent,
        results: report.results.map((result) => ({
          email: result.email,
          steps: result.steps.map((step) => ({
            position: step.position,
            variant_label: step.variantLabel,
            subject: step.subject,
            status: step.status,
            smtp_response: step.response,
          })),
        })),
      } satisfies TestSendView,
      {
        message:
          `Sent ${sent} of ${attempted.length} test message(s) to ${report.results.length} address(es); ` +
          "test messages never count in the campaign's statistics or daily limits.",
      },
    );
  });

  return router;
}
