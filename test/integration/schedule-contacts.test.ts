import crypto from 'node:crypto';
import { enrollmentWorkflowId, pauseSignal, stateQuery } from '../../workflows/enrollment/definitions';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { stackWithOrganization, eventually, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

const NON_EVERGREEN_MESSAGE =
  'Only evergreen campaigns can schedule new contacts. Please create an evergreen campaign.';

describe('evergreen campaigns: schedule_contacts, pause and resume', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  /** An evergreen campaign whose first list is a new list; step 2 follows step 1 after `followUpSeconds`. */
  async function evergreenCampaign(followUpSeconds = 3) {
    const list = await api.post('/api/v1/lists', { list: { name: 'Campaign Prospects' } }).expect(201);
    const body = campaignBody(stack.info, {
      name: `Evergreen ${crypto.randomUUID().slice(0, 8)}`,
      steps: [
        { subject: 'Hello {{first_name}}', delaySeconds: 0 },
        { subject: 'Again, {{first_name}}', delaySeconds: followUpSeconds },
      ],
    });
    const created = await api
      .post('/api/v1/campaigns', { campaign: { ...body.campaign, evergreen: true, list_uuids: [list.body.data.uuid] } })
      .expect(201);
    return { campaignId: created.body.data.id as string, listUuid: list.body.data.uuid as string };
  }

  const schedule = (campaignId: string, contacts: unknown[], removeDuplicates = false) =>
    api.post(`/api/v1/campaigns/${campaignId}/schedule_contacts`, { contacts, remove_duplicates: removeDuplicates });

  async function contactIdOf(email: string): Promise<string> {
    return (await stack.db.repos.contacts.findByEmail(organizationId, email))!.id;
  }

  it('when the campaign is active or pending, then the reference example adds, enrolls and starts at once', async () => {
    const { campaignId, listUuid } = await evergreenCampaign();
    const email = uniqueEmail('john.doe');

    const response = await schedule(campaignId, [
      {
        email,
        first_name: 'John',
        last_name: 'Doe',
        phone: '+1234567890',
        company: 'Acme Corp',
        title: 'CEO',
        custom_fields: { industry: 'Technology', source: 'Website', budget: '10k+' },
      },
    ]).expect(200);

    expect(response.body).toEqual({
      status: 'success',
      message: '1 new contacts added and will be scheduled shortly',
      data: {
        campaign: { uuid: campaignId, name: expect.any(String), status: 'active', evergreen: true },
        list: { uuid: listUuid, name: 'Campaign Prospects', total_contacts: 1 },
        contacts_processed: { total_submitted: 1, new_contacts_added: 1, duplicates_skipped: 0, invalid_emails: [] },
        scheduled: true,
      },
    });
    await eventually(async () => (await messagesTo(stack.info, [email])).length >= 1, { what: 'step 1 for John' });
    expect((await messagesTo(stack.info, [email]))[0]!.subject).toBe('Hello John');
  });

  it('when a contact is scheduled again or is invalid, then it is skipped or reported, never enrolled twice', async () => {
    const { campaignId } = await evergreenCampaign(60);
    const email = uniqueEmail('again');
    await schedule(campaignId, [{ email, first_name: 'Ann' }]).expect(200);

    const response = await schedule(campaignId, [{ email, first_name: 'Ann' }, { email: 'not-an-email' }]).expect(200);

    expect(response.body.data.contacts_processed).toEqual({
      total_submitted: 2,
      new_contacts_added: 0,
      duplicates_skipped: 1,
      invalid_emails: ['not-an-email'],
    });
    expect(response.body.message).toBe('0 new contacts added and will be scheduled shortly');
  });

  it('when the campaign is paused, then contacts are added but wait; held enrollments resume with the campaign', async () => {
    const { campaignId } = await evergreenCampaign(2);
    const early = uniqueEmail('early');
    await schedule(campaignId, [{ email: early, first_name: 'Eve' }]).expect(200);
    await eventually(async () => (await messagesTo(stack.info, [early])).length === 1, { what: "Eve's step 1" });

    const paused = await api.post(`/api/v1/campaigns/${campaignId}/pause`).expect(200);
    expect(paused.body.data.status).toBe('paused');
    const late = uniqueEmail('late');
    const response = await schedule(campaignId, [{ email: late, first_name: 'Lou' }]).expect(200);

    expect(response.body).toMatchObject({
      message: '1 new contacts added to paused campaign. Resume campaign to schedule emails.',
      data: {
        campaign: { uuid: campaignId, status: 'paused', evergreen: true },
        contacts_processed: { total_submitted: 1, new_contacts_added: 1, duplicates_skipped: 0, invalid_emails: [] },
        scheduled: false,
      },
    });
    const held = stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, await contactIdOf(early)));
    await eventually(async () => (await held.query(stateQuery)).campaignPaused, { what: 'the campaign hold' });
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // Eve's step 2 falls due meanwhile
    expect(await messagesTo(stack.info, [early])).toHaveLength(1);
    expect(await messagesTo(stack.info, [late])).toHaveLength(0);
    const pending = await stack.db.repos.content.enrollmentOfContact(campaignId, await contactIdOf(late));
    expect(pending!.status).toBe('pending');

    await api.post(`/api/v1/campaigns/${campaignId}/resume`).expect(200);

    await eventually(async () => (await messagesTo(stack.info, [late])).length === 1, { what: "Lou's step 1" });
    await eventually(async () => (await messagesTo(stack.info, [early])).length === 2, { what: "Eve's step 2" });
  });

  it('when an enrollment was paused on its own, then resuming the campaign leaves it paused', async () => {
    const { campaignId } = await evergreenCampaign(60);
    const email = uniqueEmail('solo');
    await schedule(campaignId, [{ email, first_name: 'Sol' }]).expect(200);
    const handle = stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, await contactIdOf(email)));
    await eventually(async () => (await messagesTo(stack.info, [email])).length === 1, { what: 'step 1' });

    await handle.signal(pauseSignal);
    await api.post(`/api/v1/campaigns/${campaignId}/pause`).expect(200);
    await eventually(async () => (await handle.query(stateQuery)).campaignPaused, { what: 'the campaign hold' });
    await api.post(`/api/v1/campaigns/${campaignId}/resume`).expect(200);

    const state = await eventually(
      async () => {
        const current = await handle.query(stateQuery);
        return current.campaignPaused ? null : current;
      },
      { what: 'the campaign hold to lift' },
    );
    expect(state).toMatchObject({ paused: true, status: 'paused' });
  });

  it('when the campaign is not evergreen, then 422 with the reference message, current_state and evergreen', async () => {
    const created = await api.post('/api/v1/campaigns', campaignBody(stack.info)).expect(201);

    const response = await schedule(created.body.data.id, [{ email: uniqueEmail('x') }]).expect(422);

    expect(response.body).toEqual({
      status: 'error',
      code: 'campaign_not_evergreen',
      message: NON_EVERGREEN_MESSAGE,
      current_state: 'pending',
      evergreen: false,
    });
  });

  it('when an evergreen campaign has no list, then 422 campaign_has_no_list and nothing is written', async () => {
    const body = campaignBody(stack.info);
    const created = await api
      .post('/api/v1/campaigns', { campaign: { ...body.campaign, evergreen: true } })
      .expect(201);
    const email = uniqueEmail('orphan');

    const response = await schedule(created.body.data.id, [{ email }]).expect(422);

    expect(response.body).toMatchObject({ code: 'campaign_has_no_list', current_state: 'pending', evergreen: true });
    expect(await stack.db.repos.contacts.findByEmail(organizationId, email)).toBeNull();
  });

  it('when pausing a campaign that is not active or resuming one that is not paused, then 422 with its state', async () => {
    const { campaignId } = await evergreenCampaign(60);

    const notActive = await api.post(`/api/v1/campaigns/${campaignId}/pause`).expect(422);
    const notPaused = await api.post(`/api/v1/campaigns/${campaignId}/resume`).expect(422);

    expect(notActive.body).toMatchObject({ code: 'campaign_not_active', current_state: 'pending' });
    expect(notPaused.body).toMatchObject({ code: 'campaign_not_paused', current_state: 'pending' });
  });

  it("when another organization's campaign or list is named, then 404 'Campaign not found' / 422 for the list", async () => {
    const { campaignId, listUuid } = await evergreenCampaign(60);
    const other = stack.api((await stack.newOrganization()).apiKey);

    const scheduled = await other
      .post(`/api/v1/campaigns/${campaignId}/schedule_contacts`, { contacts: [{ email: uniqueEmail('x') }] })
      .expect(404);
    const paused = await other.post(`/api/v1/campaigns/${campaignId}/pause`).expect(404);
    const body = campaignBody(stack.info);
    const borrowed = await other
      .post('/api/v1/campaigns', { campaign: { ...body.campaign, evergreen: true, list_uuids: [listUuid] } })
      .expect(422);

    expect(scheduled.body).toMatchObject({ code: 'campaign_not_found', message: 'Campaign not found' });
    expect(paused.body.code).toBe('campaign_not_found');
    expect(borrowed.body.errors).toEqual([`campaign.list_uuids.0: list ${listUuid} not found`]);
  });

  it('when a crash left an active evergreen campaign with pending enrollments, then the startup sweep starts them', async () => {
    const { campaignId } = await evergreenCampaign(60);
    await schedule(campaignId, [{ email: uniqueEmail('first'), first_name: 'Flo' }]).expect(200);
    // As if the process died after committing the enrollment and before starting its workflow.
    const stranded = uniqueEmail('stranded');
    const contact = await stack.db.repos.contacts.upsertByEmail(organizationId, {
      email: stranded,
      fields: { first_name: 'Stu' },
      timezone: null,
    });
    await stack.db.repos.enrollments.insertIfAbsent({
      organizationId,
      campaignId,
      contactId: contact.id,
      batchNumber: 1,
      priority: 0,
      workflowId: enrollmentWorkflowId(campaignId, contact.id),
    });

    const started = await stack.services.campaignControl.startStranded();

    expect(started).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await messagesTo(stack.info, [stranded])).length === 1, { what: "Stu's step 1" });
  });
});
