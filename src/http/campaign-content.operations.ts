// `/campaigns/{id}/preview` and `/campaigns/{id}/test_send`: a campaign's steps as a contact would get them.
import type { CampaignContentService } from '../domain/campaigns/campaign-content.service';
import { operationsUsing } from './api-operation';
import { EXAMPLE_SENDER } from './campaign.operations';
import { previewResponse, testSendResponse } from './campaign.responses';
import { previewQuerySchema, testSendSchema } from './campaign.schemas';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Campaigns';
const campaignPath = { id: PATH_IDS.campaign };

/** What the content operations use: the rendering and test sending of a campaign's steps. */
export interface CampaignContentDeps {
  content: CampaignContentService;
}
const operation = operationsUsing<CampaignContentDeps>();

export const campaignContentOperations = [
  operation({
    method: 'get',
    path: '/campaigns/{id}/preview',
    tag,
    summary: 'Preview the steps for a contact',
    description:
      'Every step rendered for one of your contacts as it would be sent (without the unsubscribe footer and ' +
      "tracking): the contact's enrollment in the campaign seeds variants and spintax, or the contact id when it " +
      'is not enrolled (a later enrollment may then get other variants). A merge field the contact lacks without a ' +
      'fallback is an error naming it.',
    params: campaignPath,
    query: previewQuerySchema,
    errors: [
      'campaign_not_found',
      'contact_not_found',
      'missing_merge_field',
      'invalid_merge_field',
      'invalid_template',
    ],
    response: {
      description: 'The rendered steps.',
      data: previewResponse,
      example: {
        contact_id: EXAMPLE_IDS.contact,
        enrollment_id: EXAMPLE_IDS.enrollment,
        steps: [
          {
            position: 1,
            variant_label: null,
            subject: 'Quick question, Ada',
            body_html: '<p>Hi Ada,</p><p>Do you still run outbound by hand?</p>',
            body_text: null,
          },
          {
            position: 2,
            variant_label: null,
            subject: 'Re: Quick question, Ada',
            body_html: '<p>Bumping this up, Ada: worth a quick call?</p>',
            body_text: null,
          },
        ],
      },
    },
    handle: async ({ deps: { content }, organizationId, params, query }) => {
      const preview = await content.preview(organizationId, params.id, query.contact_id);
      return {
        data: {
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
        },
      };
    },
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/test_send',
    tag,
    summary: 'Send the steps to test addresses',
    description:
      "Sends every step at once to each address (at most 10), from the campaign's first active mailbox, subjects " +
      'prefixed `[TEST] ` and follow-ups threaded under the earlier test messages. Merge fields come from ' +
      '`contact_id` when given; otherwise a field with a fallback shows it and any other shows as `[field]`. Test ' +
      "messages never count in the campaign's statistics or the mailboxes' daily limits; an SMTP refusal is " +
      'reported per step, not as an error.',
    params: campaignPath,
    body: {
      schema: testSendSchema,
      example: { emails: ['me@founders.example.com'], contact_id: EXAMPLE_IDS.contact },
    },
    errors: [
      'campaign_not_found',
      'contact_not_found',
      'campaign_not_dispatchable',
      'missing_merge_field',
      'invalid_merge_field',
      'invalid_template',
    ],
    response: {
      description: 'What each address was sent, step by step.',
      data: testSendResponse,
      example: {
        from_email: EXAMPLE_SENDER,
        credential_id: EXAMPLE_IDS.mailbox,
        contact_id: EXAMPLE_IDS.contact,
        enrollment_id: EXAMPLE_IDS.enrollment,
        sent: 2,
        not_sent: 0,
        results: [
          {
            email: 'me@founders.example.com',
            steps: [
              {
                position: 1,
                variant_label: null,
                subject: '[TEST] Quick question, Ada',
                status: 'sent',
                smtp_response: '250 2.0.0 Ok: queued as 4F2A1C3B9D',
              },
              {
                position: 2,
                variant_label: null,
                subject: '[TEST] Re: Quick question, Ada',
                status: 'sent',
                smtp_response: '250 2.0.0 Ok: queued as 7C1E5A0F2B',
              },
            ],
          },
        ],
      },
      message:
        'Sent 2 of 2 test message(s) to 1 address(es); ' +
        "test messages never count in the campaign's statistics or daily limits.",
    },
    handle: async ({ deps: { content }, organizationId, params, body }) => {
      const report = await content.testSend(organizationId, params.id, {
        emails: body.emails,
        contactId: body.contact_id,
      });
      const attempted = report.results.flatMap((result) => result.steps);
      const sent = attempted.filter((step) => step.status === 'sent').length;
      return {
        data: {
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
        message:
          `Sent ${sent} of ${attempted.length} test message(s) to ${report.results.length} address(es); ` +
          "test messages never count in the campaign's statistics or daily limits.",
      };
    },
  }),
];
