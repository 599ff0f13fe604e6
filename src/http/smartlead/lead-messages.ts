// Smartlead's conversation endpoints over the native ones: a lead's message history (the conversation thread), a
// reply into it (the native manual reply), and the campaign's leads as CSV (the native campaign export's pages).
import crypto from 'node:crypto';
import { z } from 'zod';
import type { ExportCursor } from '../../domain/analytics/analytics.service';
import { POSITIVE_CATEGORIES } from '../../domain/analytics/analytics.service';
import { notFound } from '../../domain/errors';
import { sendCsv } from '../list-csv';
import { presentLead } from './lead.presenter';
import { leadStatusOf } from './lead.presenter';
import { campaignLeadPath, campaignPath, enrollmentOf, okSchema, requireCampaign, tag } from './lead-support';
import { lenientBody, lenientId } from './lenient';
import { smartleadOperation, type SmartleadDeps } from './operation';

const historyItem = z.object({
  type: z.enum(['SENT', 'REPLY']),
  message_id: z.string().meta({ description: 'The email’s Message-ID header.' }),
  stats_id: z.string().meta({ description: 'The email’s id in this history.' }),
  time: z.string().meta({ description: 'When it was sent or received (ISO 8601).' }),
  email_body: z.string(),
  subject: z.string(),
  from: z.string(),
  to: z.string(),
  email_seq_number: z.number().int().nullable().meta({ description: 'The sequence step; null for a reply.' }),
});

const messageHistory = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/leads/{lead_id}/message-history',
  tag,
  summary: 'Fetch lead message history',
  description:
    'The lead’s conversation in this campaign, oldest first: the sequence emails and replies sent to it (`SENT`) ' +
    'and the replies read from it over IMAP (`REPLY`, the text body). `stats_id` is `<campaign_lead_map_id>-<n>`.',
  params: campaignLeadPath,
  response: {
    description: 'The history.',
    schema: z.object({ history: z.array(historyItem), from: z.string(), to: z.string() }),
    example: {
      history: [
        {
          type: 'SENT',
          message_id: '<a1b2@mail.example.com>',
          stats_id: '4567-1',
          time: '2024-01-16T09:00:00.000Z',
          email_body: '<p>Hi John</p>',
          subject: 'Quick question',
          from: 'sales@example.com',
          to: 'john@acme.com',
          email_seq_number: 1,
        },
      ],
      from: 'sales@example.com',
      to: 'john@acme.com',
    },
  },
  handle: async ({ deps, organizationId, params }) => {
    const enrollment = await enrollmentOf(deps, organizationId, params.campaign_id, params.lead_id);
    const [entries, mailboxes, leadAlias] = await Promise.all([
      deps.conversations.thread(organizationId, params.campaign_id, enrollment.id),
      deps.mailboxes.list(organizationId),
      deps.smartleadAliases.aliasOf(organizationId, 'campaignLead', enrollment.id),
    ]);
    const fromOf = new Map(mailboxes.map(({ mailbox }) => [mailbox.id, mailbox.fromEmail]));
    const contact = (await deps.contacts.get(organizationId, params.lead_id)).contact;
    let ours = '';
    const history = entries.map((entry, index): z.input<typeof historyItem> => {
      const stats = `${leadAlias}-${index + 1}`;
      if (entry.direction === 'inbound') {
        return {
          type: 'REPLY',
          message_id: entry.reply.inboundMessageId,
          stats_id: stats,
          time: entry.reply.receivedAt.toISOString(),
          email_body: entry.reply.bodyText ?? entry.reply.snippet,
          subject: entry.reply.subject,
          from: entry.reply.fromEmail ?? contact.email,
          to: fromOf.get(entry.reply.mailboxId) ?? ours,
          email_seq_number: null,
        };
      }
      const sent = entry.kind === 'step' ? entry.message : entry.reply;
      ours = fromOf.get(sent.mailboxId) ?? ours;
      return {
        type: 'SENT',
        message_id: sent.messageId,
        stats_id: stats,
        time: entry.at.toISOString(),
        email_body: sent.bodyHtml ?? sent.bodyText ?? '',
        subject: sent.subject,
        from: fromOf.get(sent.mailboxId) ?? '',
        to: sent.toEmail,
        email_seq_number: entry.kind === 'step' ? entry.message.stepPosition : null,
      };
    });
    return { history, from: ours, to: contact.email };
  },
});

const replyToLead = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/reply-email-thread',
  tag,
  summary: 'Reply to lead from master inbox',
  description:
    'Sends `email_body` (HTML) to the lead as a reply in its conversation (the native manual reply): from the ' +
    'conversation’s mailbox, threaded under its latest email, subject `Re: …`. The same request repeated (same ' +
    '`lead_id`, `reply_message_id`, `reply_email_time` and body) sends it once. `reply_message_id` and ' +
    '`reply_email_time` are otherwise not kept by Sequencer: the reply always answers the latest email. `cc`, ' +
    '`bcc` and attachments are accepted and ignored.',
  params: campaignPath,
  otherStatuses: [404, 422],
  body: {
    schema: lenientBody({
      lead_id: lenientId('The lead to reply to.', 789),
      email_body: z.string().min(1).max(500_000),
      reply_message_id: z.string().max(1000).nullish(),
      reply_email_time: z.string().max(100).nullish(),
    }),
    example: {
      lead_id: 789,
      email_body: '<p>Hi John, thanks for your reply...</p>',
      reply_message_id: 'msg_abc123',
      reply_email_time: '2024-01-20T10:00:00.000Z',
    },
  },
  response: {
    description: 'The reply is queued and sent shortly.',
    schema: okSchema,
    example: { ok: true, data: 'Email added to the queue; it will be sent out soon.' },
  },
  handle: async ({ deps, organizationId, params, body }) => {
    await requireCampaign(deps, organizationId, params.campaign_id);
    const contactId = await deps.smartleadAliases.resolve(organizationId, 'lead', body.lead_id);
    if (!contactId) throw notFound('contact_not_found', 'Lead');
    const enrollment = await enrollmentOf(deps, organizationId, params.campaign_id, contactId);
    const digest = crypto
      .createHash('sha256')
      .update(JSON.stringify([body.reply_message_id ?? '', body.reply_email_time ?? '', body.email_body]))
      .digest('hex');
    await deps.conversations.reply(organizationId, params.campaign_id, enrollment.id, {
      subject: undefined,
      bodyText: undefined,
      bodyHtml: body.email_body,
      idempotencyKey: `smartlead-${digest}`,
    });
    return { ok: true, data: 'Email added to the queue; it will be sent out soon.' };
  },
});

/** Seed 001's columns of the export, in order. */
export const LEADS_EXPORT_COLUMNS = [
  'id',
  'campaign_lead_map_id',
  'status',
  'created_at',
  'first_name',
  'last_name',
  'email',
  'phone_number',
  'company_name',
  'website',
  'location',
  'custom_fields',
  'linkedin_profile',
  'company_url',
  'is_unsubscribed',
  'last_email_sequence_sent',
  'is_interested',
  'open_count',
  'click_count',
  'reply_count',
] as const;

/** Leads per page of the export: memory stays the same whatever the campaign's size. */
const EXPORT_PAGE = 1000;

async function* exportRows(deps: SmartleadDeps, organizationId: string, campaignId: string) {
  yield [...LEADS_EXPORT_COLUMNS];
  let after: ExportCursor | null = null;
  for (;;) {
    const page = await deps.analytics.exportPage(
      organizationId,
      campaignId,
      { removed: 'exclude' },
      after,
      EXPORT_PAGE,
    );
    const [contacts, aliases] = await Promise.all([
      deps.contacts.many(
        organizationId,
        page.leads.map((lead) => lead.contactId),
      ),
      deps.smartleadAliases.aliasesOf(
        organizationId,
        'campaignLead',
        page.leads.map((lead) => lead.id),
      ),
    ]);
    for (const lead of page.leads) {
      const contact = contacts.get(lead.contactId);
      if (!contact) continue; // deleted meanwhile
      const shown = presentLead(contact);
      yield [
        String(shown.id),
        String(aliases.get(lead.id) ?? ''),
        leadStatusOf(lead),
        lead.enrolledAt.toISOString(),
        shown.first_name ?? '',
        shown.last_name ?? '',
        shown.email,
        shown.phone_number ?? '',
        shown.company_name ?? '',
        shown.website ?? '',
        shown.location ?? '',
        JSON.stringify(shown.custom_fields),
        shown.linkedin_profile ?? '',
        shown.company_url ?? '',
        String(shown.is_unsubscribed),
        String(lead.currentStep),
        String(lead.category !== null && POSITIVE_CATEGORIES.includes(lead.category)),
        String(lead.opened),
        String(lead.clicked),
        String(lead.replied),
      ];
    }
    if (!page.next) return;
    after = page.next;
  }
}

const exportLeads = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/leads-export',
  tag,
  summary: 'Export leads to CSV',
  description:
    `One row per lead of the campaign (removed ones left out), in the order added: ${LEADS_EXPORT_COLUMNS.join(', ')}. ` +
    '`id` is the lead id, `custom_fields` a JSON object, `last_email_sequence_sent` the last step sent (0 none), ' +
    '`is_interested` true for the categories interested and meeting_booked; the counts are of the lead’s emails ' +
    'opened, clicked and replied to. Streamed in pages (any size in constant memory); a cell starting with =, +, ' +
    "-, @, a tab or a carriage return gets a leading ' so that spreadsheets never run it as a formula.",
  params: campaignPath,
  response: {
    mediaType: 'text/csv',
    description: 'The CSV file, as an attachment.',
    example:
      `${LEADS_EXPORT_COLUMNS.join(',')}\n` +
      '789,4567,INPROGRESS,2024-01-15T10:30:00.000Z,John,Smith,john@acme.com,+1234567890,Acme Corp,' +
      'https://acme.com,"New York, USA","{""job_title"":""VP of Sales""}",https://linkedin.com/in/johnsmith,' +
      'https://acme.com,false,1,false,1,0,0\n',
  },
  handle: async ({ deps, organizationId, params, aliases, res }) => {
    // Looked up before the first byte, so an unknown campaign is a 404 in JSON rather than a broken download.
    await requireCampaign(deps, organizationId, params.campaign_id);
    await sendCsv(
      res,
      `campaign-${aliases.campaign_id}-leads.csv`,
      exportRows(deps, organizationId, params.campaign_id),
    );
    return undefined;
  },
});

export const leadMessageOperations = [messageHistory, replyToLead, exportLeads];
