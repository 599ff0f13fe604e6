import { Router } from 'express';
import { z } from 'zod';
import type { CampaignContentService } from '../domain/campaigns/campaign-content.service';
import { normalizeEmail } from '../domain/contacts/email';
import { sendSuccess } from './envelope';
import { pathUuid } from './path-params';

export const previewQuerySchema = z.object({
  contact_id: z.uuid({ message: 'give the id (uuid) of the contact to render the steps for' }),
});

export const testSendSchema = z.object({
  emails: z
    .array(
      z
        .string()
        .max(320)
        .refine((email) => normalizeEmail(email) !== null, { message: 'is not a valid email address' }),
    )
    .min(1, 'give at least one address')
    .max(10, 'at most 10 addresses per test send'),
  /** Whose fields fill the merge tags; without it they show as `[field]` (or their fallback). */
  contact_id: z.uuid().optional(),
});

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
    });
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
      },
      {
        message:
          `Sent ${sent} of ${attempted.length} test message(s) to ${report.results.length} address(es); ` +
          "test messages never count in the campaign's statistics or daily limits.",
      },
    );
  });

  return router;
}
