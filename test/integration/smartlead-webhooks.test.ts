import { campaignBody, uniqueEmail } from '../helpers/factories';
import { smartleadCaller } from '../helpers/smartlead-api';
import { connectTestStack, eventually, type TestStack } from '../helpers/test-stack';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver';

describe('the Smartlead-compatible webhooks', () => {
  let stack: TestStack;
  let apiKey: string;
  let organizationId: string;
  let receiver: WebhookReceiver;

  /** Every answer must match what /smartlead/openapi.json documents for its operation and status. */
  const call = smartleadCaller(() => ({ app: stack.app, apiKey }));

  beforeAll(async () => {
    stack = await connectTestStack();
    ({ organizationId, apiKey } = await stack.newOrganization());
    receiver = await startWebhookReceiver();
  });

  afterAll(async () => {
    await receiver.close();
    await stack.close();
  });

  /** A campaign ready to send (a step now, one a day later), through the native API; its Smartlead id. */
  async function readyCampaign(lead = uniqueEmail('lead')): Promise<number> {
    const api = stack.api(apiKey);
    const body = campaignBody(stack.info, {
      steps: [
        { subject: 'Hello {{first_name}}', delaySeconds: 0 },
        { subject: 'Again', delaySeconds: 86_400 },
      ],
    });
    const id = (await api.post('/api/v1/campaigns', body).expect(201)).body.data.id as string;
    await api
      .post(`/api/v1/campaigns/${id}/enroll_contact`, { contact: { email: lead, first_name: 'Ada' } })
      .expect(201);
    return stack.services.smartleadAliases.aliasOf(organizationId, 'campaign', id);
  }

  const newCampaign = async (key = apiKey): Promise<number> =>
    (await call('post', '/campaigns/create', key).send({ name: 'Hooks' }).expect(200)).body.id as number;

  describe('/webhooks', () => {
    it('when a webhook is created, listed, updated (PATCH and POST) and deleted, then each answer is in Smartlead’s shape', async () => {
      const campaign = await newCampaign();
      const created = await call('post', '/webhooks')
        .send({
          name: 'Replies to the CRM',
          webhook_url: receiver.url('/crud'),
          event_types: ['EMAIL_REPLY', 'LEAD_CATEGORY_UPDATED', 'MANUAL_STEP_REACHED'],
          categories: ['Interested'],
          campaign_id: String(campaign),
        })
        .expect(200);

      expect(created.body).toMatchObject({
        ok: true,
        name: 'Replies to the CRM',
        webhook_url: receiver.url('/crud'),
        event_types: ['EMAIL_REPLY', 'LEAD_CATEGORY_UPDATED'],
        categories: [],
        campaign_id: campaign,
      });
      const id = created.body.id as number;
      expect(id).toEqual(expect.any(Number));

      const listed = (await call('get', '/webhooks/').expect(200)).body as Array<{ id: number }>;
      expect(listed.map((webhook) => webhook.id)).toContain(id);

      const patched = await call('patch', `/webhooks/${id}`)
        .send({ event_types: ['EMAIL_BOUNCE'] })
        .expect(200);
      expect(patched.body).toMatchObject({ id, event_types: ['EMAIL_BOUNCE'], name: 'Replies to the CRM' });
      const posted = await call('post', `/webhooks/${id}/`)
        .send({ event_type_map: { EMAIL_SENT: true, EMAIL_OPEN: 'false' }, name: 'Sends' })
        .expect(200);
      expect(posted.body).toMatchObject({ id, event_types: ['EMAIL_SENT'], name: 'Sends' });

      await call('delete', `/webhooks/${id}`).expect(200, { ok: true });
      await call('patch', `/webhooks/${id}`).send({ name: 'gone' }).expect(404);
    });

    it('when the URL or event types are missing or wrong, then 422 naming the field', async () => {
      const noUrl = await call('post', '/webhooks')
        .send({ event_types: ['EMAIL_SENT'] })
        .expect(422);
      expect(noUrl.body.errors[0]).toContain('webhook_url');
      const noTypes = await call('post', '/webhooks')
        .send({ webhook_url: receiver.url('/x') })
        .expect(422);
      expect(noTypes.body.errors[0]).toContain('event_types');
      await call('post', '/webhooks')
        .send({ webhook_url: 'not a url', event_types: ['EMAIL_SENT'] })
        .expect(422);
    });

    it("when another organization's webhook or campaign is named, then 404", async () => {
      const other = await stack.newOrganization();
      const theirs = await call('post', '/webhooks', other.apiKey)
        .send({ webhook_url: receiver.url('/theirs'), event_types: ['EMAIL_SENT'] })
        .expect(200);
      const theirCampaign = await newCampaign(other.apiKey);

      const answer = await call('patch', `/webhooks/${theirs.body.id}`).send({ name: 'mine' }).expect(404);
      expect(answer.body).toMatchObject({ statusCode: 404, message: 'Webhook not found' });
      await call('delete', `/webhooks/${theirs.body.id}`).expect(404);
      await call('post', '/webhooks')
        .send({ webhook_url: receiver.url('/x'), event_types: ['EMAIL_SENT'], campaign_id: theirCampaign })
        .expect(404);
      await call('get', `/campaigns/${theirCampaign}/webhooks`).expect(404);
      const listed = (await call('get', '/webhooks').expect(200)).body as Array<{ id: number }>;
      expect(listed.map((webhook) => webhook.id)).not.toContain(theirs.body.id);
    });
  });

  describe('/campaigns/{campaign_id}/webhooks', () => {
    it('when a webhook is added (id null), updated (id), listed and deleted by body or query, then only the campaign’s are seen', async () => {
      const campaign = await newCampaign();
      const added = await call('post', `/campaigns/${campaign}/webhooks`)
        .send({
          id: null,
          name: 'Campaign hook',
          webhook_url: receiver.url('/campaign'),
          event_types: ['EMAIL_SENT', 'EMAIL_LINK_CLICK'],
          categories: ['Interested'],
        })
        .expect(200);
      expect(added.body).toMatchObject({
        ok: true,
        campaign_id: campaign,
        event_types: ['EMAIL_SENT', 'EMAIL_LINK_CLICK'],
      });
      const second = await call('post', `/campaigns/${campaign}/webhooks/`)
        .send({ webhook_url: receiver.url('/campaign-2'), event_types: ['EMAIL_REPLY'] })
        .expect(200);

      const updated = await call('post', `/campaigns/${campaign}/webhooks`)
        .send({ id: String(added.body.id), event_types: ['EMAIL_OPEN'] })
        .expect(200);
      expect(updated.body).toMatchObject({ id: added.body.id, name: 'Campaign hook', event_types: ['EMAIL_OPEN'] });

      const listed = (await call('get', `/campaigns/${campaign}/webhooks`).expect(200)).body as Array<{ id: number }>;
      expect(listed.map((webhook) => webhook.id).sort()).toEqual([added.body.id, second.body.id].sort());

      await call('delete', `/campaigns/${campaign}/webhooks`).send({ id: added.body.id }).expect(200, { ok: true });
      await call('delete', `/campaigns/${campaign}/webhooks?webhook_id=${second.body.id}`).expect(200, { ok: true });
      expect((await call('get', `/campaigns/${campaign}/webhooks`).expect(200)).body).toEqual([]);
      await call('delete', `/campaigns/${campaign}/webhooks`).send({ id: added.body.id }).expect(404);
    });

    it("when another campaign's webhook is named, then 404, and it is kept", async () => {
      const [mine, yours] = [await newCampaign(), await newCampaign()];
      const hook = await call('post', `/campaigns/${yours}/webhooks`)
        .send({ webhook_url: receiver.url('/yours'), event_types: ['EMAIL_SENT'] })
        .expect(200);

      await call('delete', `/campaigns/${mine}/webhooks`).send({ id: hook.body.id }).expect(404);
      await call('post', `/campaigns/${mine}/webhooks`).send({ id: hook.body.id, name: 'x' }).expect(404);
      expect((await call('get', `/campaigns/${yours}/webhooks`).expect(200)).body).toHaveLength(1);
    });
  });

  describe('delivery', () => {
    it("when the native API sends a test event to a webhook made here, then it arrives in Smartlead's shape", async () => {
      const hook = await call('post', '/webhooks')
        .send({ webhook_url: receiver.url('/sample'), event_types: ['EMAIL_REPLY'] })
        .expect(200);
      const uuid = await stack.services.smartleadAliases.resolve(organizationId, 'webhook', hook.body.id as number);

      await stack.api(apiKey).post(`/api/v1/webhooks/${uuid}/test`).expect(200);

      const [sample] = receiver.receivedOn('/sample');
      expect(JSON.parse(sample!.body)).toMatchObject({
        event_type: 'EMAIL_REPLY',
        webhook_id: hook.body.id,
        campaign_id: null,
        sequencer: { type: 'email.replied' },
      });
    });

    it("when a campaign's webhook made here sees its campaign start and its first email sent, then Smartlead's payloads arrive, signed", async () => {
      const lead = uniqueEmail('ada');
      const campaign = await readyCampaign(lead);
      const hook = await call('post', `/campaigns/${campaign}/webhooks`)
        .send({
          name: 'To the receiver',
          webhook_url: receiver.url('/delivered'),
          event_types: ['EMAIL_SENT', 'CAMPAIGN_STATUS_CHANGED'],
        })
        .expect(200);

      await call('patch', `/campaigns/${campaign}/status`).send({ status: 'START' }).expect(200);

      const received = await eventually(
        () => {
          const hits = receiver.receivedOn('/delivered');
          const types = hits.map((hit) => (JSON.parse(hit.body) as { event_type: string }).event_type);
          return Promise.resolve(
            types.includes('EMAIL_SENT') && types.includes('CAMPAIGN_STATUS_CHANGED') ? hits : null,
          );
        },
        { what: 'EMAIL_SENT and CAMPAIGN_STATUS_CHANGED at the receiver', timeoutMs: 90_000 },
      );
      const payloads = received.map((hit) => JSON.parse(hit.body) as Record<string, unknown>);
      const sent = payloads.find((payload) => payload.event_type === 'EMAIL_SENT')!;
      const status = payloads.find((payload) => payload.event_type === 'CAMPAIGN_STATUS_CHANGED')!;

      expect(sent).toMatchObject({
        webhook_id: hook.body.id,
        webhook_name: 'To the receiver',
        campaign_id: campaign,
        campaign_status: 'ACTIVE',
        to_email: lead,
        sl_lead_email: lead,
        subject: 'Hello Ada',
        sequence_number: 1,
        sequencer: { type: 'email.sent' },
      });
      expect(sent.sl_email_lead_id).toEqual(expect.any(Number));
      expect(sent.sl_email_lead_map_id).toEqual(expect.any(Number));
      expect(status).toMatchObject({ campaign_id: campaign, old_status: 'DRAFTED', new_status: 'ACTIVE' });
      for (const hit of received) {
        expect(hit.headers['webhook-id']).toMatch(/^evt_/);
        expect(hit.headers['webhook-signature']).toMatch(/^v1,/);
      }
    });
  });
});
