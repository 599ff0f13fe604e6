// `GET /campaigns/{id}/export.csv`: every lead of a campaign with its progress and counts, as CSV or JSON pages.
import { z } from 'zod';
import type { AnalyticsService } from '../domain/analytics/analytics.service';
import { CAMPAIGN_EXPORT_COLUMNS, decodeCursor, encodeCursor } from '../domain/analytics/campaign-export';
import { operationsUsing } from './api-operation';
import { exportPageResponse, presentExportLead } from './analytics.responses';
import { campaignExportQuerySchema } from './analytics.schemas';
import { sendCsv } from './list-csv';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const operation = operationsUsing<{ analytics: AnalyticsService }>();

const lead = {
  enrollment_id: EXAMPLE_IDS.enrollment,
  contact_id: EXAMPLE_IDS.contact,
  email: 'ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  status: 'replied' as const,
  step_reached: 2,
  mailbox: 'grace@founders.example',
  last_event: 'replied',
  last_event_at: '2026-11-24T10:02:00.000Z',
  category: 'interested',
  sent_count: 2,
  open_count: 2,
  click_count: 1,
  reply_count: 1,
  enrolled_at: '2026-11-20T09:00:00.000Z',
  removed_at: null,
};
const csvExample =
  `${CAMPAIGN_EXPORT_COLUMNS.join(',')}\n` +
  `${lead.email},Ada,Lovelace,replied,2,${lead.mailbox},replied,${lead.last_event_at},interested,2,2,1,1,` +
  `${lead.enrolled_at},,${lead.enrollment_id},${lead.contact_id}\n`;

export const campaignExportOperations = [
  operation({
    method: 'get',
    path: '/campaigns/{id}/export.csv',
    tag: 'Campaigns',
    summary: "Export a campaign's leads with their progress",
    description:
      `One row per lead, in the order they were enrolled: ${CAMPAIGN_EXPORT_COLUMNS.map((c) => `\`${c}\``).join(', ')}. ` +
      '`step_reached` is the last step sent, `last_event` the latest of `sent`, `opened`, `clicked`, `replied`, ' +
      '`bounced`, `unsubscribed` on its messages and `last_event_at` its time, the counts those of its messages. ' +
      'Every lead by default, removed ones included; `status`, `category` and `removed` filter as in ' +
      '`GET …/enrollments`. The CSV is streamed as it is read, a thousand leads at a time, so any campaign exports ' +
      "in constant memory; a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` " +
      'so that spreadsheets show it as text. `format=json` answers one page of `limit` leads instead; follow ' +
      '`next_cursor` (as `cursor`) until it is null.',
    params: { id: PATH_IDS.campaign },
    query: campaignExportQuerySchema,
    errors: ['campaign_not_found'],
    response: {
      description: 'With `format=json`: one page of leads.',
      data: exportPageResponse,
      example: { leads: [lead], next_cursor: 'MjAyNi0xMS0yMCAwOTowMDowMC4xMjM0NTYrMDB8MmQ4ZTRmNmEtMWIzYw' },
    },
    handle: async ({ deps: { analytics }, organizationId, params, query, res }) => {
      const filter = { statuses: query.status, category: query.category, removed: query.removed };
      if (query.format === 'json') {
        const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
        const page = await analytics.exportPage(organizationId, params.id, filter, after, query.limit);
        return {
          data: {
            leads: page.leads.map(presentExportLead),
            next_cursor: page.next && encodeCursor(page.next),
          },
        };
      }
      // Resolved before the first byte, so an unknown campaign is a 404 in JSON rather than a broken download.
      const rows = await analytics.exportCsv(organizationId, params.id, filter);
      await sendCsv(res, `campaign-${params.id}-export.csv`, rows);
      return undefined;
    },
    document: (generated) => ({
      ...generated,
      responses: {
        ...generated.responses,
        '200': {
          description: 'The CSV file, as an attachment; with `format=json`, one page of leads.',
          content: {
            'text/csv': { schema: z.string(), example: csvExample },
            ...(generated.responses['200'] as { content: Record<string, unknown> }).content,
          },
        },
      },
    }),
  }),
];
