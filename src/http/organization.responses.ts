import { z } from 'zod';
import { BLOCK_KINDS } from '../domain/block-list/block-list.service';
import { ENROLLMENT_STATUSES } from '../domain/enrollments/enrollment-model';
import { campaignSummaryResponse } from './campaign.responses';
import { paginationResponse } from './enrollment.responses';
import { timestamp } from './response-fields';

/** The shapes the outreach and block-list routes answer with: the presenters return these types, the document shows them. */
export const outreachResponse = z
  .object({
    id: z.uuid(),
    name: z.string(),
    unique_contacts: z
      .boolean()
      .meta({ description: 'When true, a contact is enrolled in at most one campaign of the outreach.' }),
    created_at: timestamp,
  })
  .meta({ id: 'Outreach' });
export type OutreachView = z.output<typeof outreachResponse>;

/** `GET /outreaches/{id}`: the outreach and its campaigns. */
export const outreachDetailsResponse = outreachResponse.extend({ campaigns: z.array(campaignSummaryResponse) });
export type OutreachDetailsView = z.output<typeof outreachDetailsResponse>;

export const blockListEntryResponse = z
  .object({
    id: z.uuid(),
    kind: z.enum(BLOCK_KINDS),
    value: z.string().meta({
      description:
        'Normalized: an address as contacts store it, or a lower-cased punycode domain (subdomains included).',
    }),
    created_at: timestamp,
  })
  .meta({ id: 'BlockListEntry' });
export type BlockListEntryView = z.output<typeof blockListEntryResponse>;

/** `GET /block_list`: one page of entries, oldest first. */
export const blockListPageResponse = z.object({
  entries: z.array(blockListEntryResponse),
  pagination: paginationResponse,
});
export type BlockListPageView = z.output<typeof blockListPageResponse>;

/** `POST /block_list`: the entry, and the running enrollments adding it stopped. */
export const blockListAddResponse = blockListEntryResponse.extend({
  enrollments_stopped: z
    .array(
      z.object({
        id: z.uuid(),
        campaign_id: z.uuid(),
        contact_id: z.uuid(),
        status: z.enum(ENROLLMENT_STATUSES),
      }),
    )
    .meta({ description: 'The active or paused enrollments of the contacts it covers, now `stopped`.' }),
});
export type BlockListAddView = z.output<typeof blockListAddResponse>;
