import { z } from 'zod';
import { credentialResponse } from './campaign.responses';

/** A mailbox as a resource: its settings and health as a campaign shows them, and the campaigns it is attached to. */
export const mailboxResponse = credentialResponse
  .extend({
    campaigns: z
      .array(z.object({ id: z.uuid(), name: z.string() }))
      .meta({ description: 'The campaigns it is attached to, oldest first.' }),
  })
  .meta({ id: 'Mailbox' });
export type MailboxView = z.output<typeof mailboxResponse>;

export const mailboxListResponse = z.array(mailboxResponse);

export const mailboxDeletedResponse = z.object({ id: z.uuid(), deleted: z.literal(true) });

export const mailboxDetachedResponse = z.object({
  mailbox_id: z.uuid(),
  campaign_id: z.uuid(),
  reassigned: z.number().int().meta({
    description:
      "Unfinished conversations moved to the campaign's other mailboxes (reassign=true); 0 otherwise, when they wait for this mailbox.",
  }),
});
