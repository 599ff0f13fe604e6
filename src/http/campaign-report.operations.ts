// `/campaigns/{id}/send_forecast`, `/skips` and `/replies`: what a campaign will send, has skipped and got back.
import { z } from 'zod';
import type { CampaignService } from '../domain/campaigns/campaign.service';
import { operationsUsing } from './api-operation';
import { repliedEnrollmentResponse, sendForecastResponse, skipResponse } from './campaign.responses';
import { auditQuerySchema, forecastQuerySchema, repliesQuerySchema } from './campaign.schemas';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Campaigns';
const campaignPath = { id: PATH_IDS.campaign };

/** Ids of the examples' other contact and enrollment (EXAMPLE_IDS names the first of each). */
const GRACE = { contact: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', enrollment: '8b9c0d1e-2f3a-4b4c-9d5e-6f708192a3b4' };

/** What the report operations use: the campaigns. */
export interface CampaignReportDeps {
  campaigns: CampaignService;
}
const operation = operationsUsing<CampaignReportDeps>();

export const sendForecast = operation({
  method: 'get',
  path: '/campaigns/{id}/send_forecast',
  tag,
  summary: 'Forecast the sends of the coming days',
  description:
    "Replays the sender's rules over the running enrollments' due steps: a first step takes the active mailbox " +
    'with the most room left that day (its `daily_limit`, lower on the days of a warm-up ramp) or waits for the ' +
    'next day; follow-ups keep their ' +
    "mailbox and do not count against its limit. Days are counted in the schedule's time zone (UTC without " +
    'one), today first; sending windows, pending enrollments and paused enrollments are not forecast.',
  params: campaignPath,
  query: forecastQuerySchema,
  errors: ['campaign_not_found'],
  response: {
    description: 'Sends per day and step.',
    data: sendForecastResponse,
    example: {
      days: [
        { date: '2026-11-22', total: 22, by_step: { '1': 13, '2': 9 } },
        { date: '2026-11-23', total: 29, by_step: { '1': 20, '2': 9 } },
        { date: '2026-11-24', total: 31, by_step: { '1': 18, '2': 13 } },
        { date: '2026-11-25', total: 14, by_step: { '2': 14 } },
        { date: '2026-11-26', total: 0, by_step: {} },
        { date: '2026-11-27', total: 0, by_step: {} },
        { date: '2026-11-28', total: 0, by_step: {} },
      ],
      beyond_horizon: 0,
      held_enrollments: 2,
    },
  },
  handle: async ({ deps: { campaigns }, organizationId, params, query: { days } }) => {
    const forecast = await campaigns.forecast(organizationId, params.id, days);
    return {
      data: {
        days: forecast.days.map((day) => ({
          date: day.date,
          total: day.total,
          by_step: Object.fromEntries([...day.byStep].sort(([a], [b]) => a - b)),
        })),
        beyond_horizon: forecast.beyondHorizon,
        held_enrollments: forecast.held,
      },
    };
  },
});

export const listSkips = operation({
  method: 'get',
  path: '/campaigns/{id}/skips',
  tag,
  summary: 'List the skipped enrollments',
  description:
    'The enrollments dispatch skipped instead of starting, newest first, optionally of one `kind`: unsubscribed ' +
    'or complained contacts, blocked addresses or deactivated contacts, invalid or hard-bounced addresses, ' +
    'domains without mail servers (`verify_email_mx`), and contacts already in a sibling campaign of a ' +
    '`unique_contacts` outreach.',
  params: campaignPath,
  query: auditQuerySchema,
  errors: ['campaign_not_found'],
  response: {
    description: 'The latest skips.',
    data: z.array(skipResponse),
    example: [
      {
        enrollment_id: GRACE.enrollment,
        contact_id: GRACE.contact,
        email: 'grace@example.net',
        kind: 'invalid_email',
        detail: 'an earlier message to this address hard-bounced',
        skipped_at: '2026-11-20T10:03:01.000Z',
      },
    ],
    extra: { shape: { total: z.number().int() }, example: { total: 1 } },
  },
  handle: async ({ deps: { campaigns }, organizationId, params, query }) => {
    const skips = await campaigns.skips(organizationId, params.id, query.kind, query.limit);
    return {
      data: skips.map((skip) => ({
        enrollment_id: skip.enrollmentId,
        contact_id: skip.contactId,
        email: skip.email,
        kind: skip.kind,
        detail: skip.detail,
        skipped_at: skip.skippedAt.toISOString(),
      })),
      extra: { total: skips.length },
    };
  },
});

export const listReplies = operation({
  method: 'get',
  path: '/campaigns/{id}/replies',
  tag,
  summary: 'List the replied enrollments',
  description:
    'Enrollments whose contact replied, latest reply first, with the time from the first send to the reply and ' +
    'the first reply read over IMAP.',
  params: campaignPath,
  query: repliesQuerySchema,
  errors: ['campaign_not_found'],
  response: {
    description: 'The latest replies.',
    data: z.array(repliedEnrollmentResponse),
    example: [
      {
        enrollment_id: EXAMPLE_IDS.enrollment,
        contact_id: EXAMPLE_IDS.contact,
        email: 'ada@example.com',
        first_sent_at: '2026-11-20T10:04:12.000Z',
        replied_at: '2026-11-21T08:40:00.000Z',
        hours_to_reply: 22.6,
        from_email: 'ada@example.com',
        subject: 'Re: Quick question, Ada',
        snippet: 'Happy to talk. Does Thursday at 3pm work?',
        match_confidence: 'high',
      },
    ],
    extra: { shape: { total: z.number().int() }, example: { total: 1 } },
  },
  handle: async ({ deps: { campaigns }, organizationId, params, query: { limit } }) => {
    const replies = await campaigns.replies(organizationId, params.id, limit);
    return {
      data: replies.map((reply) => ({
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
      extra: { total: replies.length },
    };
  },
});
