import crypto from 'node:crypto';
import { campaignBody, uniqueEmail } from './factories';
import type { FixtureIds } from './organization-snapshot';
import type { TestStack } from './test-stack';

/** What a path id, body id or query id of a generated request stands for. */
export type IdKind =
  | 'campaign'
  | 'enrollment'
  | 'list'
  | 'contact'
  | 'mailbox'
  | 'outreach'
  | 'blockListEntry'
  | 'email'
  | 'stepPosition'
  | 'unsubscribeToken'
  | 'openToken'
  | 'clickToken';

/** One organization with a little of everything, for the fuzz to address: ids by kind, the first ones related. */
export interface FuzzOrganization {
  organizationId: string;
  apiKey: string;
  ids: Record<IdKind, string[]>;
}

/** Monday = 1 … Sunday = 0, three days from now in UTC: a sending window that stays shut while the suite runs. */
function shutSchedule() {
  const day = (new Date().getUTCDay() + 3) % 7;
  return { timezone: 'UTC', days: [day], start_hour: 0, end_hour: 1 };
}

/**
 * A fresh organization holding a list of three contacts, an outreach, a block-list entry, a campaign with one
 * dispatched enrollment (its workflow waits for a sending window that stays shut, so nothing is written behind the
 * fuzz's back) and one pending, and an evergreen campaign; made through the API, as a user would.
 */
export async function createFuzzOrganization(stack: TestStack): Promise<FuzzOrganization> {
  const { organizationId, apiKey } = await stack.newOrganization();
  const api = stack.api(apiKey);
  const tag = crypto.randomBytes(4).toString('hex');

  const importContacts = async () => {
    const list = (await api.post('/api/v1/lists', { list: { name: `Fuzz ${tag}` } }).expect(201)).body.data
      .uuid as string;
    const contacts = emails.map((email) => ({ email, first_name: 'Fuzz' }));
    await api.post(`/api/v1/lists/${list}/contacts`, { contacts }).expect(200);
    const listed = await api.get(`/api/v1/lists/${list}/contacts`).expect(200);
    const ids = (listed.body.data.contacts as Array<{ id: string; email: string }>)
      .sort((a, b) => emails.indexOf(a.email) - emails.indexOf(b.email))
      .map((contact) => contact.id);
    return { list, contacts: ids };
  };
  const emails = [uniqueEmail('fuzz'), uniqueEmail('fuzz'), uniqueEmail('fuzz')];
  // Independent requests go together: a fuzz run replaces organizations often.
  const [{ list, contacts }, outreach, blocked] = await Promise.all([
    importContacts(),
    api
      .post('/api/v1/outreaches', { outreach: { name: `Fuzz ${tag}` } })
      .expect(201)
      .then((response) => response.body.data.id as string),
    api
      .post('/api/v1/block_list', { domain: `blocked-${tag}.test` })
      .expect(201)
      .then((response) => response.body.data.id as string),
  ]);
  const [campaign, evergreen] = await Promise.all([
    createCampaign(stack, apiKey, { list_uuids: [list], outreach_id: outreach }),
    createCampaign(stack, apiKey, { list_uuids: [list], evergreen: true }),
  ]);
  const enroll = async (contactId: string, batch: number) =>
    (
      await api
        .post(`/api/v1/campaigns/${campaign}/enroll_contact`, { contact_id: contactId, batch_number: batch })
        .expect(201)
    ).body.data.id as string;
  const started = await enroll(contacts[0]!, 1);
  await api.post(`/api/v1/campaigns/${campaign}/dispatch`, { batch_number: 1 }).expect(202);
  const [pending, details] = await Promise.all([
    enroll(contacts[1]!, 2),
    api.get(`/api/v1/campaigns/${campaign}`).expect(200),
  ]);
  const mailbox = (details.body.data.credentials as Array<{ id: string }>)[0]!.id;

  const tokens = stack.links.tokens;
  const message = { enrollmentId: started, position: 1 };
  return {
    organizationId,
    apiKey,
    ids: {
      campaign: [campaign, evergreen],
      enrollment: [started, pending],
      list: [list],
      contact: contacts,
      mailbox: [mailbox],
      outreach: [outreach],
      blockListEntry: [blocked],
      email: emails,
      stepPosition: ['1', '2'],
      unsubscribeToken: [tokens.unsubscribe(started), tokens.unsubscribe(pending)],
      openToken: [tokens.openPixel(message)],
      clickToken: [tokens.click(message, 'https://example.test/pricing')],
    },
  };
}

/** The fixture rows whose state the fuzz watches. */
export function fixtureIdsOf(organization: FuzzOrganization): FixtureIds {
  const { ids } = organization;
  return {
    campaigns: ids.campaign,
    enrollments: ids.enrollment,
    contacts: ids.contact,
    mailboxes: ids.mailbox,
    lists: ids.list,
    outreaches: ids.outreach,
    blockListEntries: ids.blockListEntry,
  };
}

async function createCampaign(stack: TestStack, apiKey: string, settings: Record<string, unknown>): Promise<string> {
  const body = campaignBody(stack.info);
  Object.assign(body.campaign, { schedule: shutSchedule(), ...settings });
  return (await stack.api(apiKey).post('/api/v1/campaigns', body).expect(201)).body.data.id as string;
}

/**
 * The organization the fuzz writes to and another one whose ids and key it borrows, replaced when a request
 * changed their fixtures (deleted, paused, stopped them, opened a sending window): the next requests reach the
 * paths the fixtures are for again, and what the change started cannot write behind their before/after counts.
 */
export class FuzzOrganizations {
  private own: Promise<FuzzOrganization> | undefined;
  private foreign: Promise<FuzzOrganization> | undefined;
  /** Made ahead, while the fuzz sends requests: a replacement is then (nearly) ready when one is needed. */
  private readonly spares: Array<Promise<FuzzOrganization>> = [];
  created = 0;

  constructor(
    private readonly stack: TestStack,
    private readonly ahead = 3,
  ) {}

  async current(): Promise<{ own: FuzzOrganization; foreign: FuzzOrganization }> {
    this.own ??= this.take();
    this.foreign ??= this.take();
    return { own: await this.own, foreign: await this.foreign };
  }

  /** Replaces these organizations before the next request. */
  async retire(organizationIds: Iterable<string>): Promise<void> {
    const retired = new Set(organizationIds);
    if (retired.size === 0) return;
    const { own, foreign } = await this.current();
    if (retired.has(own.organizationId)) this.own = undefined;
    if (retired.has(foreign.organizationId)) this.foreign = undefined;
  }

  /** Waits for the organizations still being made, so the stack can be closed under none. */
  async drain(): Promise<void> {
    await Promise.allSettled(this.spares);
  }

  private take(): Promise<FuzzOrganization> {
    const next = this.spares.shift() ?? this.create();
    while (this.spares.length < this.ahead) this.spares.push(this.create());
    return next;
  }

  private create(): Promise<FuzzOrganization> {
    this.created += 1;
    const made = createFuzzOrganization(this.stack);
    made.catch(() => undefined); // reported when taken
    return made;
  }
}
