import { mapConcurrently } from '../src/concurrency';
import type { ApiClient } from './api-client';

/** Recipients and senders live on these domains; the capture inbox accepts any address and relays nothing. */
const RECIPIENT_DOMAIN = 'bench-recipients.com';
const SENDER_DOMAIN = 'bench-senders.com';
/** The API's maximum contacts per import request. */
const IMPORT_CHUNK = 1000;

/** The address of contact `index` of one phase of one run (`prefix` as from `addressPrefix`). */
export function recipient(prefix: string, index: number): string {
  return `${prefix}${index}@${RECIPIENT_DOMAIN}`;
}

/** A prefix unique to a phase of a run, so a follower of the inbox counts only that phase's messages. */
export function addressPrefix(runId: string, phase: string): string {
  return `${phase}-${runId}-`;
}

export function sender(prefix: string, mailbox: number): string {
  return `${prefix}sender${mailbox}@${SENDER_DOMAIN}`;
}

/** Step texts shared by the product's campaigns and the raw ceilings' messages, so both send similar bytes. */
const STEPS = [
  {
    subject: 'Quick question, {{first_name}}',
    body: '<p>Hi {{first_name}},</p><p>How are things at {{company | default: "your company"}}? We help teams like yours book more meetings without more headcount.</p><p>Worth a short call next week?</p>',
  },
  {
    subject: null,
    body: '<p>Just bumping this up, {{first_name}}. Happy to send a two-minute overview instead if that is easier.</p>',
  },
  {
    subject: 'Closing the loop',
    body: '<p>Hi {{first_name}}, I will stop writing after this one. If timing is better next quarter, just reply "later".</p>',
  },
];

/** The raw ceilings' message for step `step` (1–3) to `to`: the product's texts, merged, with the same headers. */
export function rawMessage(from: string, to: string, step: number, index: number) {
  const merge = (text: string) =>
    text.replace(/\{\{first_name\}\}/g, `First${index}`).replace(/\{\{company[^}]*\}\}/g, `Company ${index}`);
  const template = STEPS[step - 1]!;
  const html = `${merge(template.body)}<p><a href="http://localhost/u/${'x'.repeat(120)}">Unsubscribe</a></p>`;
  return {
    from,
    to,
    subject: merge(template.subject ?? `Re: ${STEPS[0]!.subject}`),
    html,
    text: html.replace(/<[^>]+>/g, ' '),
    headers: {
      'List-Unsubscribe': `<http://localhost/u/${'x'.repeat(120)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** A campaign body: `mailboxes` sender accounts on the sink, the three steps with these delays (minutes). */
export function campaignBody(options: {
  name: string;
  senderPrefix: string;
  firstMailbox?: number;
  mailboxes: number;
  smtp: { host: string; port: number };
  dailyLimit: number;
  waitSeconds: [number, number];
  delaysMinutes: number[];
}) {
  const first = options.firstMailbox ?? 0;
  return {
    campaign: {
      name: options.name,
      min_wait_seconds: options.waitSeconds[0],
      max_wait_seconds: options.waitSeconds[1],
      unsubscribe_text: 'Unsubscribe',
      smtp_credentials: Array.from({ length: options.mailboxes }, (_, index) => ({
        label: `Bench ${first + index}`,
        smtp_host: options.smtp.host,
        smtp_port: options.smtp.port,
        smtp_security: 'none',
        smtp_username: sender(options.senderPrefix, first + index),
        smtp_password: 'bench-password',
        from_name: `Sender ${first + index}`,
        daily_limit: options.dailyLimit,
      })),
      sequence_steps: options.delaysMinutes.map((delay, index) => ({
        position: index + 1,
        delay_minutes: delay,
        ...(STEPS[index]!.subject === null ? {} : { subject: STEPS[index]!.subject }),
        body_html: STEPS[index]!.body,
      })),
    },
  };
}

/** Creates a campaign; returns its id. */
export async function createCampaign(api: ApiClient, body: ReturnType<typeof campaignBody>): Promise<string> {
  const { id } = await api.call<{ id: string }>('POST', '/campaigns', body);
  api.createdCampaigns.push(id);
  return id;
}

/** Creates a list; returns its uuid. */
export async function createList(api: ApiClient, name: string): Promise<string> {
  return (await api.call<{ uuid: string }>('POST', '/lists', { list: { name } })).uuid;
}

export function contacts(prefix: string, from: number, count: number) {
  return Array.from({ length: count }, (_, offset) => ({
    email: recipient(prefix, from + offset),
    first_name: `First${from + offset}`,
    company: `Company ${from + offset}`,
  }));
}

/**
 * Imports contacts `from`…`from + count - 1` into the list, 1,000 per request (the API's maximum), a few requests
 * at a time; `onChunk` is told how many are in.
 */
export async function importContacts(
  api: ApiClient,
  listUuid: string,
  prefix: string,
  from: number,
  count: number,
  onChunk?: (done: number) => void,
): Promise<void> {
  const starts = Array.from({ length: Math.ceil(count / IMPORT_CHUNK) }, (_, index) => from + index * IMPORT_CHUNK);
  let done = 0;
  await mapConcurrently(starts, 2, async (start) => {
    const size = Math.min(IMPORT_CHUNK, from + count - start);
    await api.call('POST', `/lists/${listUuid}/contacts`, { contacts: contacts(prefix, start, size) });
    done += size;
    onChunk?.(done);
  });
}

/** Enrolls the whole list in the campaign and dispatches it; returns when the API has answered the dispatch. */
export async function enrollAndDispatch(
  api: ApiClient,
  campaignId: string,
  listUuid: string,
): Promise<{ dispatchedAt: number; dispatched: number }> {
  await api.call('POST', `/campaigns/${campaignId}/enroll`, { list_uuid: listUuid });
  const dispatchedAt = Date.now();
  const result = await api.call<{ dispatched: number }>('POST', `/campaigns/${campaignId}/dispatch`, {});
  return { dispatchedAt, dispatched: result.dispatched };
}
