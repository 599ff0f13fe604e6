import type { MailboxCheck, MailboxDetails, MailboxService } from '../domain/mailboxes/mailbox.service';
import { warmupState } from '../domain/mailboxes/mailbox-warmup';
import { operationsUsing } from './api-operation';
import { credentialExample } from './campaign.operations';
import { presentCredential } from './campaign.presenters';
import { mailboxPatchFromBody, newMailboxFromBody } from './mailbox.mappers';
import {
  mailboxCheckResponse,
  mailboxDeletedResponse,
  mailboxDetachedResponse,
  mailboxListResponse,
  mailboxResponse,
  type MailboxCheckView,
  type MailboxView,
} from './mailbox.responses';
import {
  attachMailboxSchema,
  createMailboxSchema,
  deleteMailboxQuerySchema,
  detachMailboxQuerySchema,
  updateMailboxSchema,
} from './mailbox.schemas';
import { EXAMPLE_IDS } from './openapi/params';
import { PATH_IDS } from './path-ids';

const tag = 'Mailboxes';

const mailboxExample: MailboxView = {
  ...credentialExample,
  signature: '<p>Grace Hopper<br>Founders &amp; Co · <a href="https://founders.example">founders.example</a></p>',
  warmup: {
    enabled: true,
    start_limit: 5,
    daily_increment: 3,
    target_limit: 40,
    started_at: '2026-11-20T09:00:00.000Z',
    day: 2,
    complete: false,
  },
  effective_daily_limit: 11,
  health: {
    recent_sends: 84,
    recent_bounces: 2,
    bounce_rate: 0.0238,
    smtp_check: { ok: true, response: '235 2.7.0 Authentication successful', checked_at: '2026-11-22T09:30:00.000Z' },
  },
  campaigns: [{ id: EXAMPLE_IDS.campaign, name: 'Q4 founders outreach' }],
};
const checkExample: MailboxCheckView = {
  mailbox_id: EXAMPLE_IDS.mailbox,
  checked_at: '2026-11-22T09:30:00.000Z',
  smtp: { ok: true, response: '235 2.7.0 Authentication successful', latency_ms: 412 },
  imap: {
    ok: false,
    response:
      'IMAP login as grace@founders.example on imap.example.com:993 was refused; check the IMAP username and password',
    latency_ms: 380,
  },
};
const newMailboxExample = {
  label: 'Grace at Founders',
  smtp_host: 'smtp.example.com',
  smtp_port: 587,
  smtp_username: 'grace@founders.example',
  smtp_password: 'app-password',
  from_name: 'Grace Hopper',
  daily_limit: 40,
};

function presentMailbox({ mailbox, sentToday, campaigns, health }: MailboxDetails): MailboxView {
  const warmup = warmupState(mailbox, health.warmupDay);
  return {
    ...presentCredential(mailbox, sentToday),
    signature: mailbox.signature,
    warmup: {
      enabled: warmup.enabled,
      start_limit: warmup.startLimit,
      daily_increment: warmup.dailyIncrement,
      target_limit: warmup.targetLimit,
      started_at: warmup.startedAt?.toISOString() ?? null,
      day: warmup.day,
      complete: warmup.complete,
    },
    effective_daily_limit: health.effectiveDailyLimit,
    health: {
      recent_sends: health.sent,
      recent_bounces: health.bounced,
      bounce_rate: health.sent === 0 ? null : Math.round((health.bounced / health.sent) * 10_000) / 10_000,
      smtp_check:
        mailbox.smtpCheckedAt && mailbox.smtpCheckOk !== null
          ? {
              ok: mailbox.smtpCheckOk,
              response: mailbox.smtpCheckResponse ?? '',
              checked_at: mailbox.smtpCheckedAt.toISOString(),
            }
          : null,
    },
    campaigns,
  };
}

function presentCheck(check: MailboxCheck): MailboxCheckView {
  const present = (result: MailboxCheck['smtp']) => ({
    ok: result.ok,
    response: result.response,
    latency_ms: result.latencyMs,
  });
  return {
    mailbox_id: check.mailboxId,
    checked_at: check.checkedAt.toISOString(),
    smtp: present(check.smtp),
    imap: check.imap && present(check.imap),
  };
}

/** What the mailbox operations use: the mailboxes. */
export interface MailboxDeps {
  mailboxes: MailboxService;
}
const operation = operationsUsing<MailboxDeps>();

const mailboxPath = { id: PATH_IDS.organizationMailbox };
const campaignMailboxPath = { id: PATH_IDS.campaign, mailbox_id: PATH_IDS.mailbox };

/** `/mailboxes` and `/campaigns/{id}/mailboxes`: the organization's sending accounts, and which campaigns use them. */
export const mailboxOperations = [
  operation({
    method: 'get',
    path: '/mailboxes',
    tag,
    summary: 'List mailboxes',
    description:
      "Every sending account of the organization, oldest first, with its health (status, today's new " +
      'conversations, IMAP state) and the campaigns it is attached to. Passwords and DKIM keys are never shown.',
    errors: [],
    response: { description: 'The mailboxes.', data: mailboxListResponse, example: [mailboxExample] },
    handle: async ({ deps: { mailboxes }, organizationId }) => ({
      data: (await mailboxes.list(organizationId)).map(presentMailbox),
    }),
  }),
  operation({
    method: 'post',
    path: '/mailboxes',
    tag,
    summary: 'Create a mailbox',
    description:
      "The same settings as a campaign's SMTP credential; passwords and the DKIM key are stored encrypted and never " +
      'shown again. An account (SMTP host and username) the organization has already is a 409 naming it: change ' +
      'that one with PATCH. Hosts the outbound host policy refuses are a 422. Attach it to campaigns with ' +
      'POST /campaigns/{id}/mailboxes. Beyond those settings: a `signature` (HTML, a Liquid template appended to every ' +
      'step sent from it, or placed where a step writes `{{ sender.signature }}`) and a `warmup` ramp (new ' +
      'conversations a day start at start_limit and grow by daily_increment up to target_limit; it only limits ' +
      'sends: Sequencer runs no peer-to-peer warm-up network).',
    body: { schema: createMailboxSchema, example: newMailboxExample },
    errors: ['conflict'],
    response: {
      status: 201,
      description: 'The new mailbox.',
      data: mailboxResponse,
      example: { ...mailboxExample, campaigns: [] },
      message: 'Mailbox created.',
    },
    handle: async ({ deps: { mailboxes }, organizationId, body }) => ({
      data: presentMailbox(await mailboxes.create(organizationId, newMailboxFromBody(body))),
      status: 201,
    }),
  }),
  operation({
    method: 'get',
    path: '/mailboxes/{id}',
    tag,
    summary: 'Get a mailbox',
    params: mailboxPath,
    errors: ['mailbox_not_found'],
    response: { description: 'The mailbox.', data: mailboxResponse, example: mailboxExample },
    handle: async ({ deps: { mailboxes }, organizationId, params }) => ({
      data: presentMailbox(await mailboxes.get(organizationId, params.id)),
    }),
  }),
  operation({
    method: 'patch',
    path: '/mailboxes/{id}',
    tag,
    summary: 'Change a mailbox',
    description:
      'Each field left out keeps its value; passwords are write-only. `imap_host: null` removes the IMAP settings ' +
      '(replies are no longer read from it), `dkim_domain: null` the DKIM ones; other IMAP fields merge into the ' +
      'stored ones. New SMTP settings take a mailbox in `error` back into use. `status: "disabled"` stops its ' +
      'sends (its conversations wait for it); `status: "active"` re-enables it and starts its bounce-rate window ' +
      'afresh. `signature: null` removes the signature; `warmup` merges into the stored ramp (turning it on starts ' +
      'it today unless `started_at` says when), `warmup: null` turns it off. Every campaign that uses it sees the ' +
      'change at its next send.',
    params: mailboxPath,
    body: { schema: updateMailboxSchema, example: { daily_limit: 60, smtp_password: 'new-app-password' } },
    errors: ['mailbox_not_found', 'conflict'],
    response: {
      description: 'The mailbox as changed.',
      data: mailboxResponse,
      example: { ...mailboxExample, daily_limit: 60 },
      message: 'Mailbox updated.',
    },
    handle: async ({ deps: { mailboxes }, organizationId, params, body }) => ({
      data: presentMailbox(await mailboxes.update(organizationId, params.id, mailboxPatchFromBody(body))),
    }),
  }),
  operation({
    method: 'post',
    path: '/mailboxes/{id}/check',
    tag,
    summary: 'Check a mailbox',
    description:
      'Tests the SMTP and IMAP accounts now, as sends and the reply monitor use them: each host is vetted by the ' +
      'outbound host policy first (a refused host answers the refusal and nothing connects); SMTP connects, ' +
      'negotiates TLS per smtp_security, logs in (AUTH, when the server offers it) and quits without sending; IMAP ' +
      "logs in and selects INBOX. Each protocol answers `ok`, the server's answer or the error, and the latency. " +
      'The outcome is recorded on the mailbox (`health.smtp_check`; IMAP in imap_status, imap_error and ' +
      'imap_checked_at). A check never changes the status: a refused login is reported here, and the next send ' +
      'puts the mailbox in `error` as it does for any refused login; a successful check does not re-enable one ' +
      '(PATCH with status "active" does). A failed check is still a 200.',
    params: mailboxPath,
    errors: ['mailbox_not_found'],
    response: { description: 'What each protocol answered.', data: mailboxCheckResponse, example: checkExample },
    handle: async ({ deps: { mailboxes }, organizationId, params }) => ({
      data: presentCheck(await mailboxes.check(organizationId, params.id)),
    }),
  }),
  operation({
    method: 'delete',
    path: '/mailboxes/{id}',
    tag,
    summary: 'Delete a mailbox',
    description:
      'Only a mailbox no message was sent from: its conversations and history refer to it, so one that has sent is ' +
      'a 409 (disable it instead). One attached to campaigns is a 409 naming them (`campaigns`), unless ' +
      '`force=true`, which detaches it from them first.',
    params: mailboxPath,
    query: deleteMailboxQuerySchema,
    errors: ['mailbox_not_found', 'conflict'],
    response: {
      description: 'Deleted.',
      data: mailboxDeletedResponse,
      example: { id: EXAMPLE_IDS.mailbox, deleted: true },
      message: 'Mailbox deleted.',
    },
    handle: async ({ deps: { mailboxes }, organizationId, params, query }) => {
      await mailboxes.delete(organizationId, params.id, query.force);
      return { data: { id: params.id, deleted: true as const } };
    },
  }),
  operation({
    method: 'get',
    path: '/campaigns/{id}/mailboxes',
    tag,
    summary: "List a campaign's mailboxes",
    params: { id: PATH_IDS.campaign },
    errors: ['campaign_not_found'],
    response: { description: 'The mailboxes it sends from.', data: mailboxListResponse, example: [mailboxExample] },
    handle: async ({ deps: { mailboxes }, organizationId, params }) => ({
      data: (await mailboxes.forCampaign(organizationId, params.id)).map(presentMailbox),
    }),
  }),
  operation({
    method: 'post',
    path: '/campaigns/{id}/mailboxes',
    tag,
    summary: 'Attach a mailbox to a campaign',
    description:
      'The campaign starts new conversations from it too, and conversations that waited for it (after a detach) ' +
      'continue from it. Attaching one already attached answers 200.',
    params: { id: PATH_IDS.campaign },
    body: { schema: attachMailboxSchema, example: { mailbox_id: EXAMPLE_IDS.mailbox } },
    errors: ['campaign_not_found', 'mailbox_not_found'],
    response: {
      status: 201,
      description: 'Attached.',
      data: mailboxResponse,
      example: mailboxExample,
      message: 'Mailbox attached to the campaign.',
      otherStatuses: [
        { status: 200, description: 'It was attached already.', example: mailboxExample, message: 'Already attached.' },
      ],
    },
    handle: async ({ deps: { mailboxes }, organizationId, params, body }) => {
      const { attached, mailbox } = await mailboxes.attach(organizationId, params.id, body.mailbox_id);
      return {
        data: presentMailbox(mailbox),
        status: attached ? 201 : 200,
        message: attached ? 'Mailbox attached to the campaign.' : 'Already attached.',
      };
    },
  }),
  operation({
    method: 'delete',
    path: '/campaigns/{id}/mailboxes/{mailbox_id}',
    tag,
    summary: 'Detach a mailbox from a campaign',
    description:
      'The campaign starts no new conversation from it. Its conversations in this campaign (their follow-ups come ' +
      'from the mailbox that sent step 1) wait for it, looking again every 5 minutes, until it is attached again — ' +
      "unless `reassign=true` moves them to the campaign's other mailboxes (active ones first, spread evenly), whose " +
      "follow-ups then continue the thread from there. The campaign's last mailbox cannot be detached (409).",
    params: campaignMailboxPath,
    query: detachMailboxQuerySchema,
    errors: ['campaign_not_found', 'mailbox_not_found', 'credential_not_found', 'conflict'],
    response: {
      description: 'Detached.',
      data: mailboxDetachedResponse,
      example: { mailbox_id: EXAMPLE_IDS.mailbox, campaign_id: EXAMPLE_IDS.campaign, reassigned: 12 },
      message: 'Mailbox detached; 12 conversation(s) moved to the other mailboxes.',
    },
    handle: async ({ deps: { mailboxes }, organizationId, params, query }) => {
      const { reassigned } = await mailboxes.detach(organizationId, params.id, params.mailbox_id, query.reassign);
      return {
        data: { mailbox_id: params.mailbox_id, campaign_id: params.id, reassigned },
        message: query.reassign
          ? `Mailbox detached; ${reassigned} conversation(s) moved to the other mailboxes.`
          : 'Mailbox detached; its conversations in this campaign wait for it.',
      };
    },
  }),
];
