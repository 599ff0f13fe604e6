// Smartlead's `…/campaigns/{campaign_id}/email-accounts` over the native MailboxService: list, attach, detach.
import { z } from 'zod';
import type { CampaignEntity } from '../../domain/campaigns/campaign.service';
import { AppError, notFound } from '../../domain/errors';
import { isBeingDeleted } from './campaign.presenter';
import { emailAccountIdsBodySchema, emailAccountIdsQuerySchema } from './campaign-setup.schemas';
import { EMAIL_ACCOUNT_EXAMPLE, presentEmailAccount, smartleadEmailAccountSchema } from './email-account.presenter';
import { aliasParam, smartleadOperation, type SmartleadDeps } from './operation';

const tag = 'Campaigns';
const campaignPath = { campaign_id: aliasParam('campaign', 'Campaign') };
const okSchema = z.object({ ok: z.boolean() });

/** The organization's campaign (by uuid), unless it is being deleted. */
export async function visibleCampaign(
  deps: SmartleadDeps,
  organizationId: string,
  id: string,
): Promise<CampaignEntity> {
  const campaign = await deps.campaigns.require(organizationId, id);
  if (isBeingDeleted(campaign)) throw notFound('campaign_not_found', 'Campaign');
  return campaign;
}

/** A 422 listing `errors` (each `field: what is wrong`), as a schema's would. */
export const validationFailed = (errors: string[]) =>
  new z.ZodError(errors.map((message) => ({ code: 'custom' as const, path: [], message, input: undefined })));

const listCampaignAccounts = smartleadOperation({
  method: 'get',
  path: '/campaigns/{campaign_id}/email-accounts',
  tag,
  summary: 'List email accounts per campaign',
  description: 'The mailboxes the campaign sends from, oldest first, as GET /email-accounts/{id} answers them.',
  params: campaignPath,
  response: {
    description: 'The campaign’s email accounts.',
    schema: z.array(smartleadEmailAccountSchema),
    example: [EMAIL_ACCOUNT_EXAMPLE],
  },
  handle: async ({ deps, organizationId, params }) => {
    await visibleCampaign(deps, organizationId, params.campaign_id);
    const [mailboxes, userId] = await Promise.all([
      deps.mailboxes.forCampaign(organizationId, params.campaign_id),
      deps.smartleadAliases.organizationAlias(organizationId),
    ]);
    return mailboxes.map((details) => presentEmailAccount(details, userId));
  },
});

/** The uuids of the email accounts named (all of them the organization's, else a 404 before anything changes). */
async function accountsNamed(deps: SmartleadDeps, organizationId: string, ids: number[]): Promise<string[]> {
  if (ids.length === 0) throw validationFailed(['email_account_id: give email_account_id or email_account_ids']);
  const uuids: string[] = [];
  for (const id of new Set(ids)) {
    const uuid = await deps.smartleadAliases.resolve(organizationId, 'emailAccount', id);
    if (!uuid) throw notFound('mailbox_not_found', 'Email account');
    uuids.push(uuid);
  }
  return uuids;
}

const idsOf = (
  body: z.output<typeof emailAccountIdsBodySchema>,
  query?: z.output<typeof emailAccountIdsQuerySchema>,
) => [
  ...(body.email_account_id != null ? [body.email_account_id] : []),
  ...(body.email_account_ids ?? []),
  ...(query?.email_account_id !== undefined ? [query.email_account_id] : []),
  ...(query?.email_account_ids ?? []),
];

const attachResultSchema = z.object({
  ok: z.boolean(),
  result: z.array(
    z.object({
      email_campaign_id: z.number().int(),
      email_account_id: z.number().int(),
      attached: z.boolean().meta({ description: 'False when it was attached already.' }),
    }),
  ),
});

const attachAccounts = smartleadOperation({
  method: 'post',
  path: '/campaigns/{campaign_id}/email-accounts',
  tag,
  summary: 'Add email account to campaign',
  description:
    'Attaches `email_account_id`, or each of `email_account_ids: [...]`, to the campaign (the native attach: it ' +
    'starts new leads from them, and their replies are read). An id that is not one of your email accounts is a ' +
    '404 and nothing is attached.',
  params: campaignPath,
  body: { schema: emailAccountIdsBodySchema, example: { email_account_id: 456 } },
  response: {
    description: 'The accounts are attached.',
    schema: attachResultSchema,
    example: { ok: true, result: [{ email_campaign_id: 12345, email_account_id: 456, attached: true }] },
  },
  handle: async ({ deps, organizationId, params, aliases, body }) => {
    await visibleCampaign(deps, organizationId, params.campaign_id);
    const ids = [...new Set(idsOf(body))];
    const uuids = await accountsNamed(deps, organizationId, ids);
    const result = [];
    for (const [index, uuid] of uuids.entries()) {
      const { attached } = await deps.mailboxes.attach(organizationId, params.campaign_id, uuid);
      result.push({ email_campaign_id: aliases.campaign_id, email_account_id: ids[index]!, attached });
    }
    return { ok: true, result };
  },
});

const detachAccounts = smartleadOperation({
  method: 'delete',
  path: '/campaigns/{campaign_id}/email-accounts',
  tag,
  summary: 'Remove email account from campaign',
  description:
    'Detaches `email_account_id` or each of `email_account_ids` (in the body, or `?email_account_id=` / ' +
    '`?email_account_ids=1,2` in the query) from the campaign (the native detach): it starts no new lead there; ' +
    'conversations it began wait for it. The campaign’s last email account cannot be detached (422: attach ' +
    'another first); an account not attached is a 404 and nothing is detached.',
  params: campaignPath,
  query: emailAccountIdsQuerySchema,
  body: { schema: emailAccountIdsBodySchema, example: { email_account_id: 456 }, optional: true },
  otherStatuses: [422],
  response: { description: 'The accounts are detached.', schema: okSchema, example: { ok: true } },
  handle: async ({ deps, organizationId, params, body, query }) => {
    await visibleCampaign(deps, organizationId, params.campaign_id);
    const uuids = await accountsNamed(deps, organizationId, idsOf(body, query));
    const attached = new Set(
      (await deps.mailboxes.forCampaign(organizationId, params.campaign_id)).map(({ mailbox }) => mailbox.id),
    );
    // The native error names uuids: say it in Smartlead's terms, before anything is detached.
    if (uuids.some((uuid) => !attached.has(uuid))) {
      throw new AppError('credential_not_found', 'Email account not attached to this campaign');
    }
    for (const uuid of uuids) await deps.mailboxes.detach(organizationId, params.campaign_id, uuid, false);
    return { ok: true };
  },
});

/** The campaign's email accounts: list, attach, detach. */
export const campaignAccountOperations = [listCampaignAccounts, attachAccounts, detachAccounts];
