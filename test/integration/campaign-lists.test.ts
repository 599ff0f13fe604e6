import { CAMPAIGNS, LISTS } from '../helpers/api-paths';
import { campaignFixtures } from '../helpers/campaign-fixtures';
import { uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

/** The lists of a campaign, added and removed while it runs. */
describe('the lists of a campaign', () => {
  let stack: TestStack;
  const { createCampaign, newApi } = campaignFixtures(() => stack);

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  async function listWith(api: ApiClient, emails: string[]): Promise<string> {
    const created = await api.post(LISTS, { list: { name: `List ${emails.length}` } }).expect(201);
    const uuid: string = created.body.data.uuid;
    await api
      .post(`${LISTS}/${uuid}/contacts`, { contacts: emails.map((email) => ({ email, first_name: 'Lee' })) })
      .expect(200);
    return uuid;
  }

  it('when a list is added to a running campaign, then its contacts are enrolled and the next dispatch sends to them', async () => {
    const { api } = await newApi();
    const firstEmails = [uniqueEmail('lists')];
    const first = await listWith(api, firstEmails);
    const { id } = await createCampaign(
      api,
      { steps: [{ subject: 'Hello {{first_name}}', delaySeconds: 0 }] },
      { list_uuids: [first], evergreen: true },
    );
    await api.post(`${CAMPAIGNS}/${id}/enroll`, { list_uuid: first }).expect(201);
    await api.post(`${CAMPAIGNS}/${id}/dispatch`).expect(202);
    await eventually(async () => (await messagesTo(stack.info, firstEmails)).length === 1, { what: 'list 1 sent' });

    const secondEmails = [uniqueEmail('lists'), uniqueEmail('lists')];
    const second = await listWith(api, secondEmails);
    const added = await api.post(`${CAMPAIGNS}/${id}/lists`, { list_uuid: second, batch_number: 2 }).expect(201);

    expect(added.body.data).toMatchObject({ attached: true, enrolled: 2, already_enrolled: 0 });
    expect(added.body.data.list).toMatchObject({ uuid: second, contacts_count: 2 });
    const lists = (await api.get(`${CAMPAIGNS}/${id}/lists`).expect(200)).body.data;
    expect(lists.map((list: { uuid: string }) => list.uuid)).toEqual([first, second]);
    expect((await api.get(`${CAMPAIGNS}/${id}`).expect(200)).body.data.list_uuids).toEqual([first, second]);
    // Nothing goes out before the dispatch.
    expect(await messagesTo(stack.info, secondEmails)).toHaveLength(0);

    await api.post(`${CAMPAIGNS}/${id}/dispatch`, { batch_number: 2 }).expect(202);
    await eventually(async () => (await messagesTo(stack.info, secondEmails)).length === 2, { what: 'list 2 sent' });
    const again = await api.post(`${CAMPAIGNS}/${id}/lists`, { list_uuid: second }).expect(201);
    expect(again.body.data).toMatchObject({ attached: false, enrolled: 0, already_enrolled: 2 });
  });

  it('when a list is removed, then its undispatched enrollments go only when asked, and the list can be added back', async () => {
    const { api } = await newApi();
    const { id } = await createCampaign(api);
    const emails = [uniqueEmail('lists'), uniqueEmail('lists')];
    const list = await listWith(api, emails);
    await api.post(`${CAMPAIGNS}/${id}/lists`, { list_uuid: list, enroll: false }).expect(201);
    expect((await api.get(`${CAMPAIGNS}/${id}/enrollments`).expect(200)).body.data.enrollments).toHaveLength(0);
    await api.post(`${CAMPAIGNS}/${id}/lists`, { list_uuid: list }).expect(201);

    const kept = await api.delete(`${CAMPAIGNS}/${id}/lists/${list}`).expect(200);
    expect(kept.body.data.removed_enrollments).toBe(0);
    expect((await api.get(`${CAMPAIGNS}/${id}/enrollments`).expect(200)).body.data.enrollments).toHaveLength(2);
    expect((await api.get(`${CAMPAIGNS}/${id}/lists`).expect(200)).body.data).toEqual([]);

    await api.post(`${CAMPAIGNS}/${id}/lists`, { list_uuid: list }).expect(201);
    const removed = await api.delete(`${CAMPAIGNS}/${id}/lists/${list}?remove_undispatched=true`).expect(200);
    expect(removed.body.data.removed_enrollments).toBe(2);
    expect((await api.get(`${CAMPAIGNS}/${id}/enrollments`).expect(200)).body.data.enrollments).toHaveLength(0);
    const missing = await api.delete(`${CAMPAIGNS}/${id}/lists/${list}`).expect(404);
    expect(missing.body).toMatchObject({ code: 'list_not_found', message: expect.stringMatching(/not attached/) });
  });

  it("when a list or campaign is another organization's, then it is not found and nothing is attached", async () => {
    const { api } = await newApi();
    const { id } = await createCampaign(api);
    const other = await newApi();
    const theirs = await listWith(other.api, [uniqueEmail('lists')]);

    await api.post(`${CAMPAIGNS}/${id}/lists`, { list_uuid: theirs }).expect(404);
    await other.api.post(`${CAMPAIGNS}/${id}/lists`, { list_uuid: theirs }).expect(404);
    await other.api.get(`${CAMPAIGNS}/${id}/lists`).expect(404);
    await api.post(`${CAMPAIGNS}/${id}/lists`, { list_uuid: 'not-a-uuid' }).expect(422);

    expect((await api.get(`${CAMPAIGNS}/${id}/lists`).expect(200)).body.data).toEqual([]);
  });
});
