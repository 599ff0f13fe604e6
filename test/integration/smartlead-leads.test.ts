import crypto from 'node:crypto';
import request from 'supertest';
import { SMARTLEAD_BASE } from '../../src/http/smartlead';
import { LEADS_EXPORT_COLUMNS } from '../../src/http/smartlead/lead-messages';
import { campaignBody, uniqueDomain, uniqueEmail } from '../helpers/factories';
import { smartleadCaller } from '../helpers/smartlead-api';
import { connectTestStack, eventually, messagesTo, type TestStack } from '../helpers/test-stack';

const BASE = SMARTLEAD_BASE;

describe('the Smartlead-compatible API: leads', () => {
  let stack: TestStack;
  let organizationId: string;
  let apiKey: string;

  beforeAll(async () => {
    stack = await connectTestStack();
    ({ organizationId, apiKey } = await stack.newOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Every answer must match what /smartlead/openapi.json documents for its operation and status. */
  const call = smartleadCaller(() => ({ app: stack.app, apiKey }));

  /** A native campaign (one mailbox on the test SMTP server, two steps without merge fields): its alias and uuid. */
  async function campaign(): Promise<{ id: number; uuid: string }> {
    const body = campaignBody(stack.info, {
      steps: [
        { subject: 'Hello there', body: '<p>Hello from the first step.</p>', delaySeconds: 0 },
        { subject: 'Again', body: '<p>Following up.</p>', delaySeconds: 3600 },
      ],
    });
    const created = await stack.api(apiKey).post('/api/v1/campaigns', body).expect(201);
    const uuid = created.body.data.id as string;
    return { id: await stack.services.smartleadAliases.aliasOf(organizationId, 'campaign', uuid), uuid };
  }

  const leadIdOf = async (email: string): Promise<number> => {
    const found = await call('get', `/leads/?email=${encodeURIComponent(email)}`).expect(200);
    return found.body.id as number;
  };

  const seedLead = (email: string) => ({
    email,
    first_name: 'John',
    last_name: 'Smith',
    company_name: 'Acme Corp',
    phone_number: '+1234567890',
    website: 'https://acme.com',
    location: 'New York, USA',
    linkedin_profile: 'https://linkedin.com/in/johnsmith',
    company_url: 'https://acme.com',
    custom_fields: { job_title: 'VP of Sales', industry: 'SaaS' },
  });

  const seedSettings = {
    ignore_global_block_list: false,
    ignore_unsubscribe_list: false,
    ignore_community_bounce_list: false,
    ignore_duplicate_leads_in_other_campaign: false,
  };

  describe('adding and listing leads', () => {
    it("when seed 001's example is posted to a drafted campaign, then the lead is added and listed in Smartlead's shape", async () => {
      const { id } = await campaign();
      const email = uniqueEmail('john');
      const added = await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [seedLead(email)], settings: seedSettings })
        .expect(200);
      expect(added.body).toMatchObject({
        ok: true,
        upload_count: 1,
        total_leads: 1,
        already_added_to_campaign: 0,
        duplicate_count: 0,
        invalid_email_count: 0,
      });

      const listed = await call('get', `/campaigns/${id}/leads?offset=0&limit=100`).expect(200);
      expect(listed.body.total_leads).toBe(1);
      const [row] = listed.body.data;
      expect(row).toMatchObject({ status: 'STARTED', lead_category_id: null });
      expect(Number.isInteger(row.campaign_lead_map_id)).toBe(true);
      expect(row.lead).toEqual({
        id: expect.any(Number),
        email,
        first_name: 'John',
        last_name: 'Smith',
        company_name: 'Acme Corp',
        phone_number: '+1234567890',
        website: 'https://acme.com',
        location: 'New York, USA',
        linkedin_profile: 'https://linkedin.com/in/johnsmith',
        company_url: 'https://acme.com',
        custom_fields: { job_title: 'VP of Sales', industry: 'SaaS' },
        is_unsubscribed: false,
      });
      expect(JSON.stringify(listed.body)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);

      const stats = await call('get', `/campaigns/${id}/leads-statistics`).expect(200);
      expect(stats.body).toMatchObject({ total_leads: 1, started: 1 });
    });

    it('when leads repeat, are invalid, already added, or come with string ids and booleans, then each is counted', async () => {
      const { id } = await campaign();
      const [first, second] = [uniqueEmail('a'), uniqueEmail('b')];
      await call('post', `/campaigns/${id}/leads/`)
        .send({ lead_list: [{ email: first }], settings: { ignore_global_block_list: 'true' } })
        .expect(200);

      const added = await call('post', `/campaigns/${String(id)}/leads`)
        .send({
          lead_list: [
            { email: first },
            { email: second, extra: 1 },
            { email: second.replace('@example.test', '@EXAMPLE.test') },
            { email: 'nope' },
          ],
          settings: { ignore_unsubscribe_list: 'False', ignore_duplicate_leads_in_other_campaign: 1 },
          client_id: null,
        })
        .expect(200);
      expect(added.body).toMatchObject({
        upload_count: 1,
        total_leads: 4,
        already_added_to_campaign: 1,
        duplicate_count: 1,
        invalid_email_count: 1,
        invalid_emails: ['nope'],
      });
      const listed = await call('get', `/campaigns/${id}/leads?offset=1&limit=1`).expect(200);
      expect(listed.body).toMatchObject({ total_leads: 2, offset: 1, limit: 1 });
      expect(listed.body.data).toHaveLength(1);
    });

    it('when more than 400 leads are posted, then 422 and nothing is imported', async () => {
      const { id } = await campaign();
      const prefix = `many-${crypto.randomBytes(4).toString('hex')}`;
      const leads = Array.from({ length: 401 }, (_, index) => ({ email: `${prefix}-${index}@example.test` }));
      const refused = await call('post', `/campaigns/${id}/leads`).send({ lead_list: leads }).expect(422);
      expect(refused.body).toMatchObject({ statusCode: 422, code: 'validation_failed' });
      expect((await call('get', `/campaigns/${id}/leads`).expect(200)).body.total_leads).toBe(0);
      expect(await stack.db.repos.contacts.findByEmail(organizationId, `${prefix}-0@example.test`)).toBeNull();
    });

    it('when 400 leads are posted, then all are added', async () => {
      const { id } = await campaign();
      const prefix = `bulk-${crypto.randomBytes(4).toString('hex')}`;
      const leads = Array.from({ length: 400 }, (_, index) => ({ email: `${prefix}-${index}@example.test` }));
      const added = await call('post', `/campaigns/${id}/leads`).send({ lead_list: leads }).expect(200);
      expect(added.body).toMatchObject({ upload_count: 400, total_leads: 400 });
    });

    it("when another organization's key names the campaign or the lead, then 404 and nothing changes", async () => {
      const { id } = await campaign();
      const email = uniqueEmail('mine');
      await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [{ email }] })
        .expect(200);
      const leadId = await leadIdOf(email);
      const other = (await stack.newOrganization()).apiKey;

      const notFound = await call('post', `/campaigns/${id}/leads`, other)
        .send({ lead_list: [{ email: uniqueEmail() }] })
        .expect(404);
      expect(notFound.body).toMatchObject({ statusCode: 404, message: 'Campaign not found' });
      await call('get', `/campaigns/${id}/leads`, other).expect(404);
      await call('get', `/leads/${leadId}/campaigns`, other).expect(404);
      await call('post', `/leads/${leadId}/unsubscribe`, other).expect(404);
      await call('get', `/leads/?email=${encodeURIComponent(email)}`, other).expect(404);
      const listed = await call('get', `/campaigns/${id}/leads`).expect(200);
      expect(listed.body.data[0].lead.is_unsubscribed).toBe(false);
    });
  });

  describe('one lead', () => {
    it('when a lead is fetched by email and by id, then its campaigns are listed with their lead map ids', async () => {
      const [one, two] = [await campaign(), await campaign()];
      const email = uniqueEmail('both');
      for (const { id } of [one, two]) {
        await call('post', `/campaigns/${id}/leads`)
          .send({ lead_list: [{ email, first_name: 'Ada' }] })
          .expect(200);
      }
      const found = await call('get', `/leads?email=${encodeURIComponent(email.toUpperCase())}`).expect(200);
      expect(found.body).toMatchObject({ email, first_name: 'Ada' });
      expect(found.body.lead_campaign_data.map((c: { campaign_id: number }) => c.campaign_id).sort()).toEqual(
        [one.id, two.id].sort(),
      );
      const campaigns = await call('get', `/leads/${found.body.id}/campaigns`).expect(200);
      expect(campaigns.body.map((c: { id: number }) => c.id).sort()).toEqual([one.id, two.id].sort());
      await call('get', `/leads/?email=${encodeURIComponent(uniqueEmail('nobody'))}`).expect(404);
    });

    it('when the categories are fetched, then the built-in ones come with integer ids', async () => {
      const answer = await call('get', '/leads/fetch-categories').expect(200);
      expect(answer.body).toContainEqual({ id: 1, name: 'Interested', created_at: null });
    });

    it('when a lead is updated, unsubscribed from the campaign, deleted, then each shows in the list', async () => {
      const { id } = await campaign();
      const [email, other] = [uniqueEmail('upd'), uniqueEmail('upd2')];
      await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [{ email, first_name: 'Old', website: 'x.example' }, { email: other }] })
        .expect(200);
      const leadId = await leadIdOf(email);

      await call('post', `/campaigns/${id}/leads/${leadId}`)
        .send({ first_name: 'New', website: '', custom_fields: { tier: 2 } })
        .expect(200);
      let listed = await call('get', `/campaigns/${id}/leads`).expect(200);
      const lead = listed.body.data.find((row: { lead: { id: number } }) => row.lead.id === leadId).lead;
      expect(lead).toMatchObject({ first_name: 'New', website: null, custom_fields: { tier: '2' } });

      await call('post', `/campaigns/${id}/leads/${leadId}/unsubscribe`).expect(200);
      listed = await call('get', `/campaigns/${id}/leads`).expect(200);
      const row = listed.body.data.find((candidate: { lead: { id: number } }) => candidate.lead.id === leadId);
      expect(row).toMatchObject({ status: 'STOPPED', lead: { is_unsubscribed: false } });

      const otherId = await leadIdOf(other);
      await call('delete', `/campaigns/${id}/leads/${otherId}`).expect(200);
      listed = await call('get', `/campaigns/${id}/leads`).expect(200);
      expect(listed.body.total_leads).toBe(1);
      await call('post', `/campaigns/${id}/leads/${otherId}/pause`).expect(200);
      const again = await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [{ email: other }] })
        .expect(200);
      expect(again.body).toMatchObject({ upload_count: 0, already_added_to_campaign: 1 });
    });

    it('when a lead is unsubscribed globally, then it is unsubscribed in every campaign', async () => {
      const { id } = await campaign();
      const email = uniqueEmail('global');
      await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [{ email }] })
        .expect(200);
      const leadId = await leadIdOf(email);
      await call('post', `/leads/${leadId}/unsubscribe`).expect(200);
      const found = await call('get', `/leads/?email=${encodeURIComponent(email)}`).expect(200);
      expect(found.body.is_unsubscribed).toBe(true);
      const again = await call('post', `/campaigns/${(await campaign()).id}/leads`)
        .send({ lead_list: [{ email }] })
        .expect(200);
      expect(again.body).toMatchObject({ upload_count: 1, unsubscribed_leads: 1 });
    });

    it('when a lead is not in the campaign, then its actions are 404', async () => {
      const [{ id }, elsewhere] = [await campaign(), await campaign()];
      const email = uniqueEmail('elsewhere');
      await call('post', `/campaigns/${elsewhere.id}/leads`)
        .send({ lead_list: [{ email }] })
        .expect(200);
      const leadId = await leadIdOf(email);
      const answer = await call('post', `/campaigns/${id}/leads/${leadId}/pause`).expect(404);
      expect(answer.body.message).toBe('Lead not found');
      await call('get', `/campaigns/${id}/leads/${leadId}/message-history`).expect(404);
    });
  });

  describe('the block list', () => {
    it('when an email, a domain or a domain_block_list is added, then the list shows each', async () => {
      const [email, domain, listed] = [uniqueEmail('blocked'), uniqueDomain(), uniqueDomain('bulk')];
      await call('post', '/leads/add-domain-block-list').send({ email }).expect(200);
      await call('post', '/leads/add-domain-block-list').send({ domain }).expect(200);
      const bulk = await call('post', '/leads/add-domain-block-list')
        .send({ domain_block_list: [listed, `x@${listed}`] })
        .expect(200);
      expect(bulk.body).toMatchObject({ ok: true, upload_count: 2 });
      const answer = await call('get', '/leads/get-domain-block-list?limit=1000').expect(200);
      const values = answer.body.data.map((entry: { email_or_domain: string }) => entry.email_or_domain);
      expect(values).toEqual(expect.arrayContaining([domain, listed]));
      expect(answer.body.data).toContainEqual(expect.objectContaining({ email_or_domain: domain, type: 'DOMAIN' }));
    });

    it('when an entry is invalid or none is given, then 422 and nothing is added', async () => {
      const good = uniqueDomain('good');
      await call('post', '/leads/add-domain-block-list')
        .send({ domain_block_list: [good, 'not a domain!'] })
        .expect(422);
      await call('post', '/leads/add-domain-block-list').send({}).expect(422);
      const answer = await call('get', '/leads/get-domain-block-list?limit=1000').expect(200);
      expect(answer.body.data.map((entry: { email_or_domain: string }) => entry.email_or_domain)).not.toContain(good);
    });
  });

  describe('an active campaign', () => {
    it('when leads are added to a PAUSED campaign and it is started, then it resumes and they are emailed', async () => {
      const { id } = await campaign();
      const [first, later] = [uniqueEmail('before-pause'), uniqueEmail('while-paused')];
      await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [{ email: first }] })
        .expect(200);
      await call('post', `/campaigns/${id}/status`).send({ status: 'START' }).expect(200);
      await eventually(async () => (await messagesTo(stack.info, [first])).length > 0, { what: 'the first email' });
      await call('post', `/campaigns/${id}/status`).send({ status: 'PAUSED' }).expect(200);

      await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [{ email: later }] })
        .expect(200);
      await call('post', `/campaigns/${id}/status`).send({ status: 'START' }).expect(200);

      await eventually(async () => (await messagesTo(stack.info, [later])).length > 0, {
        what: 'the email of the lead added while the campaign was paused',
      });
      expect((await call('get', `/campaigns/${id}`).expect(200)).body.status).toBe('ACTIVE');
    });

    it('when leads are added to an ACTIVE campaign, then they are emailed, paused, resumed, replied to and exported', async () => {
      const { id } = await campaign();
      const [first, second] = [uniqueEmail('first'), uniqueEmail('second')];
      await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [{ email: first }] })
        .expect(200);
      await request(stack.app)
        .patch(`${BASE}/campaigns/${id}/status?api_key=${apiKey}`)
        .send({ status: 'START' })
        .expect(200);
      await eventually(async () => (await messagesTo(stack.info, [first])).length > 0, { what: 'the first email' });

      await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [{ email: second, first_name: 'Second' }] })
        .expect(200);
      const [received] = await eventually(
        async () => {
          const messages = await messagesTo(stack.info, [second]);
          return messages.length > 0 && messages;
        },
        { what: 'the email of the lead added to the active campaign' },
      );
      expect(received).toBeDefined();
      const leadId = await leadIdOf(second);

      const history = await eventually(
        async () => {
          const answer = await call('get', `/campaigns/${id}/leads/${leadId}/message-history`).expect(200);
          return answer.body.history.length > 0 && answer.body;
        },
        { what: 'the message history' },
      );
      expect(history.history[0]).toMatchObject({ type: 'SENT', subject: 'Hello there', to: second });

      await call('post', `/campaigns/${id}/leads/${leadId}/pause`).expect(200);
      let listed = await call('get', `/campaigns/${id}/leads`).expect(200);
      expect(listed.body.data.find((row: { lead: { id: number } }) => row.lead.id === leadId).status).toBe('PAUSED');
      await call('post', `/campaigns/${id}/leads/${leadId}/resume`)
        .send({ resume_lead_with_delay_days: '1' })
        .expect(200);
      listed = await call('get', `/campaigns/${id}/leads`).expect(200);
      expect(listed.body.data.find((row: { lead: { id: number } }) => row.lead.id === leadId).status).toBe(
        'INPROGRESS',
      );

      const reply = {
        lead_id: String(leadId),
        email_body: '<p>Thanks for your time.</p>',
        reply_message_id: history.history[0].message_id,
        reply_email_time: history.history[0].time,
      };
      await call('post', `/campaigns/${id}/reply-email-thread`).send(reply).expect(200);
      await call('post', `/campaigns/${id}/reply-email-thread`).send(reply).expect(200);
      await eventually(async () => (await messagesTo(stack.info, [second])).length === 2, { what: 'the reply' });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await messagesTo(stack.info, [second])).toHaveLength(2);

      const exported = await request(stack.app)
        .get(`${BASE}/campaigns/${id}/leads-export?api_key=${apiKey}`)
        .expect(200)
        .expect('content-type', /text\/csv/);
      const lines = exported.text.trim().split('\n');
      expect(lines[0]).toBe(LEADS_EXPORT_COLUMNS.join(','));
      expect(lines).toHaveLength(3);
      expect(lines.find((line) => line.includes(second))).toMatch(new RegExp(`^${leadId},\\d+,INPROGRESS,`));
    });

    it('when an exported cell starts like a formula, then it is neutralized', async () => {
      const { id } = await campaign();
      await call('post', `/campaigns/${id}/leads`)
        .send({ lead_list: [{ email: uniqueEmail('formula'), first_name: '=HYPERLINK("x")' }] })
        .expect(200);
      const exported = await request(stack.app)
        .get(`${BASE}/campaigns/${id}/leads-export?api_key=${apiKey}`)
        .expect(200);
      expect(exported.text).toContain(`'=HYPERLINK`);
      await request(stack.app)
        .get(`${BASE}/campaigns/999999999/leads-export?api_key=${apiKey}`)
        .expect(404)
        .expect('content-type', /json/);
    });
  });
});
