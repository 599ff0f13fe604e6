import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { EVENT_TYPES, type EventType } from '../../src/domain/webhooks/webhook.service';
import { WEBHOOK_EVENTS } from '../../src/http/webhook-events';
import { EXAMPLE_BODY, EXAMPLE_HEADERS, EXAMPLE_SECRET, exampleMessage } from '../../src/http/webhook-messages';
import { expectError, expectValidationFailure } from '../helpers/api-errors';
import { campaignBody } from '../helpers/factories';
import { stackWithOrganization, type ApiClient, type TestStack } from '../helpers/test-stack';

const WEBHOOKS = '/api/v1/webhooks';

/** A receiver on 127.0.0.1 that answers `status` and keeps every request it got, body as received. */
async function receiver(status = 204) {
  const received: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/sequencer?token=abc`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('the webhook API: endpoints, their secrets, deliveries and test sends', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  const create = async (fields: Record<string, unknown> = {}) =>
    (
      await api
        .post(WEBHOOKS, { url: 'https://crm.example.com/hooks', event_types: ['email.sent'], ...fields })
        .expect(201)
    ).body.data as { id: string; secret: string } & Record<string, unknown>;

  /**
   * Records events of the organization, in one transaction that then disables every endpoint of the organization:
   * the trigger queued their deliveries in the insert's statement, and disabled at commit, their delivery jobs send
   * nothing, so what a test reads is what the API and the trigger wrote.
   */
  const record = async (events: Array<EventType | { type: EventType; campaignId: string }>) => {
    await stack.db.transaction(async (repos) => {
      await repos.events.record(
        events.map((event) => ({
          organizationId,
          ...(typeof event === 'string' ? { type: event } : event),
          data: { marker: crypto.randomUUID() },
        })),
      );
      for (const webhook of await repos.webhooks.list(organizationId)) {
        if (webhook.enabled) await repos.webhooks.update(webhook, { enabled: false });
      }
    });
  };

  describe('creating, reading, changing and deleting', () => {
    it('when an endpoint is created, then the answer has its whsec_ secret, which no later read shows', async () => {
      const created = await api
        .post(WEBHOOKS, {
          url: 'https://crm.example.com/hooks/sequencer',
          event_types: ['email.replied', 'email.bounced', 'email.replied'],
          description: '  Replies to the CRM  ',
        })
        .expect(201);

      const webhook = created.body.data;
      expect(webhook).toEqual({
        id: expect.any(String),
        url: 'https://crm.example.com/hooks/sequencer',
        event_types: ['email.replied', 'email.bounced'],
        campaign_id: null,
        enabled: true,
        format: 'standard',
        disabled_reason: null,
        description: 'Replies to the CRM',
        created_at: expect.any(String),
        updated_at: expect.any(String),
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
      });
      const read = await api.get(`${WEBHOOKS}/${webhook.id}`).expect(200);
      const listed = await api.get(WEBHOOKS).expect(200);
      expect(read.body.data).not.toHaveProperty('secret');
      expect(listed.body.data).toContainEqual(read.body.data);
      expect(JSON.stringify(listed.body)).not.toContain(webhook.secret);
      const [row] = await stack.db.dataSource.query<{ secret_sealed: string }[]>(
        'SELECT secret_sealed FROM webhooks WHERE id = $1',
        [webhook.id],
      );
      expect(row!.secret_sealed).not.toContain(webhook.secret.slice(6));
    });

    it('when an endpoint is changed, then each field given changes and the others stay', async () => {
      const campaign = (await api.post('/api/v1/campaigns', campaignBody(stack.info)).expect(201)).body.data.id;
      const webhook = await create({ description: 'first' });

      const changed = await api
        .patch(`${WEBHOOKS}/${webhook.id}`, {
          url: 'http://hooks.example.org:8080/in',
          event_types: ['lead.unsubscribed', 'campaign.completed'],
          campaign_id: campaign,
          enabled: false,
        })
        .expect(200);

      expect(changed.body.data).toMatchObject({
        url: 'http://hooks.example.org:8080/in',
        event_types: ['lead.unsubscribed', 'campaign.completed'],
        campaign_id: campaign,
        enabled: false,
        description: 'first',
      });
      const cleared = await api
        .patch(`${WEBHOOKS}/${webhook.id}`, { campaign_id: null, description: null })
        .expect(200);
      expect(cleared.body.data).toMatchObject({ campaign_id: null, description: null, enabled: false });
    });

    it('when an endpoint the server disabled (a 410) is re-enabled, then disabled_reason is cleared', async () => {
      const webhook = await create({ enabled: false });
      await stack.db.dataSource.query(
        `UPDATE webhooks SET disabled_reason = 'the endpoint answered 410' WHERE id = $1`,
        [webhook.id],
      );
      expect((await api.get(`${WEBHOOKS}/${webhook.id}`).expect(200)).body.data.disabled_reason).toBe(
        'the endpoint answered 410',
      );

      const enabled = await api.patch(`${WEBHOOKS}/${webhook.id}`, { enabled: true }).expect(200);

      expect(enabled.body.data).toMatchObject({ enabled: true, disabled_reason: null });
    });

    it('when an endpoint is deleted, then it is gone with its deliveries', async () => {
      const webhook = await create();
      await record(['email.sent']);

      await api.delete(`${WEBHOOKS}/${webhook.id}`).expect(200);

      await api.get(`${WEBHOOKS}/${webhook.id}`).expect(404);
      await api.delete(`${WEBHOOKS}/${webhook.id}`).expect(404);
      const [row] = await stack.db.dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM webhook_deliveries WHERE webhook_id = $1',
        [webhook.id],
      );
      expect(row!.count).toBe(0);
    });

    it('when the secret is rotated, then the answer shows a new one, once', async () => {
      const webhook = await create();

      const rotated = await api.post(`${WEBHOOKS}/${webhook.id}/secret/rotate`).expect(200);

      expect(rotated.body.data.secret).toMatch(/^whsec_/);
      expect(rotated.body.data.secret).not.toBe(webhook.secret);
      expect((await api.get(`${WEBHOOKS}/${webhook.id}`).expect(200)).body.data).not.toHaveProperty('secret');
    });
  });

  describe('another organization', () => {
    it("when it names this organization's endpoint or delivery, then every route answers 404 and nothing changes", async () => {
      const webhook = await create();
      await record(['email.sent']);
      const delivery = (await api.get(`${WEBHOOKS}/${webhook.id}/deliveries`).expect(200)).body.data.deliveries[0].id;
      const other = stack.api((await stack.newOrganization()).apiKey);
      const path = `${WEBHOOKS}/${webhook.id}`;

      const answers = [
        await other.get(path),
        await other.patch(path, { enabled: true, url: 'https://other.example.com/' }),
        await other.delete(path),
        await other.post(`${path}/secret/rotate`),
        await other.post(`${path}/test`),
        await other.get(`${path}/deliveries`),
        await other.get(`${path}/deliveries/${delivery}`),
        await other.post(`${path}/deliveries/${delivery}/retry`),
      ];

      for (const answer of answers) expectError(answer, 404, 'webhook_not_found');
      expect((await other.get(WEBHOOKS).expect(200)).body.data).toEqual([]);
      expect((await api.get(path).expect(200)).body.data).toMatchObject({ enabled: false, url: webhook.url });
    });

    it("when an endpoint names another organization's campaign, then it is a 404 campaign_not_found", async () => {
      const other = stack.api((await stack.newOrganization()).apiKey);
      const foreign = (await other.post('/api/v1/campaigns', campaignBody(stack.info)).expect(201)).body.data.id;

      const answer = await api.post(WEBHOOKS, {
        url: 'https://crm.example.com/hooks',
        event_types: ['email.sent'],
        campaign_id: foreign,
      });

      expectError(answer, 404, 'campaign_not_found');
    });
  });

  describe('validation', () => {
    it.each([
      ['not http(s)', 'ftp://files.example.com/in'],
      ['with credentials', 'https://user:pass@crm.example.com/hooks'],
      ['not a URL', 'not a url'],
      ['over 2,048 characters', `https://crm.example.com/${'a'.repeat(2100)}`],
    ])('when the url is %s, then it is a 422 naming url', async (_what, url) => {
      const answer = await api.post(WEBHOOKS, { url, event_types: ['email.sent'] });

      expectValidationFailure(answer, 'url');
    });

    it('when an event type is unknown or none is given, then the 422 names the field and lists the known types', async () => {
      const unknown = await api.post(WEBHOOKS, { url: 'https://crm.example.com/h', event_types: ['email.sent', 'x'] });
      const none = await api.post(WEBHOOKS, { url: 'https://crm.example.com/h', event_types: [] });

      expectValidationFailure(unknown, 'event_types.1');
      expect(unknown.body.errors.join('\n')).toContain('lead.category_changed');
      expectValidationFailure(none, 'event_types');
    });

    it.each([
      ['http://169.254.169.254/latest/meta-data', 'cloud metadata'],
      ['http://[fe80::1]/hook', 'link-local'],
      ['https://metadata.google.internal/hook', 'metadata host name'],
    ])(
      'when the url is %s, then it is a 422 saying why and how to allow it, and nothing is saved',
      async (url, why) => {
        const before = (await api.get(WEBHOOKS).expect(200)).body.data.length;

        const answer = await api.post(WEBHOOKS, { url, event_types: ['email.sent'] });

        expectValidationFailure(answer, 'url');
        const [message] = answer.body.errors as string[];
        expect(message).toContain(why);
        expect(message).toContain('webhooks are never sent there');
        expect(message).toContain('OUTBOUND_ALLOW=');
        expect((await api.get(WEBHOOKS).expect(200)).body.data.length).toBe(before);
      },
    );

    it('when an endpoint is changed to a metadata host, then it is a 422 and the url stays', async () => {
      const webhook = await create();

      const answer = await api.patch(`${WEBHOOKS}/${webhook.id}`, { url: 'http://169.254.169.254/' });

      expectValidationFailure(answer, 'url');
      expect((await api.get(`${WEBHOOKS}/${webhook.id}`).expect(200)).body.data.url).toBe(webhook.url);
    });

    it('when a change gives no field, then it is a 422', async () => {
      const webhook = await create();

      expectError(await api.patch(`${WEBHOOKS}/${webhook.id}`, {}), 422, 'validation_failed');
    });
  });

  describe('deliveries', () => {
    it('when events are recorded, then the trigger queued one delivery per subscribed event, listed newest first', async () => {
      const webhook = await create({ event_types: ['email.sent', 'email.opened'] });

      await record(['email.sent', 'email.clicked', 'email.opened', 'email.sent']);

      const page = await api.get(`${WEBHOOKS}/${webhook.id}/deliveries`).expect(200);
      const deliveries = page.body.data.deliveries as Array<Record<string, unknown>>;
      expect(deliveries.map((delivery) => delivery.event_type)).toEqual(['email.sent', 'email.opened', 'email.sent']);
      const eventIds = deliveries.map((delivery) => Number(delivery.event_id));
      expect(eventIds).toEqual([...eventIds].sort((a, b) => b - a));
      expect(deliveries[0]).toEqual({
        id: expect.any(String),
        webhook_id: webhook.id,
        event_id: expect.stringMatching(/^\d+$/),
        event_type: 'email.sent',
        message_id: `evt_${deliveries[0]!.event_id as string}`,
        status: 'pending',
        attempts: 0,
        next_attempt_at: expect.any(String),
        last_attempt_at: null,
        last_status_code: null,
        last_latency_ms: null,
        last_error: null,
        delivered_at: null,
        created_at: expect.any(String),
      });
      expect(page.body.data.pagination).toEqual({ current_page: 1, per_page: 100, total_pages: 1, total: 3 });
      const second = await api.get(`${WEBHOOKS}/${webhook.id}/deliveries?per_page=2&page=2`).expect(200);
      expect(second.body.data.deliveries).toEqual([deliveries[2]]);
      const one = await api.get(`${WEBHOOKS}/${webhook.id}/deliveries/${deliveries[1]!.id as string}`).expect(200);
      expect(one.body.data).toEqual(deliveries[1]);
    });

    it('when a failed delivery is retried, then it is pending again, due now, its attempts kept; a delivered one is refused', async () => {
      const webhook = await create();
      await record(['email.sent', 'email.sent']);
      const [older, newer] = (
        (await api.get(`${WEBHOOKS}/${webhook.id}/deliveries`).expect(200)).body.data.deliveries as Array<{
          id: string;
        }>
      ).reverse();
      await stack.db.dataSource.query(
        `UPDATE webhook_deliveries
            SET status = 'failed', attempts = 7, last_status_code = 503, last_error = 'the endpoint answered 503',
                last_attempt_at = now() - interval '1 hour', next_attempt_at = now() + interval '1 day'
          WHERE id = $1`,
        [older!.id],
      );
      await stack.db.dataSource.query(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = 1, delivered_at = now() WHERE id = $1`,
        [newer!.id],
      );
      const failed = await api.get(`${WEBHOOKS}/${webhook.id}/deliveries?status=failed`).expect(200);
      expect(failed.body.data.deliveries).toEqual([
        expect.objectContaining({ id: older!.id, status: 'failed', next_attempt_at: null }),
      ]);

      const before = Date.now();
      const retried = await api.post(`${WEBHOOKS}/${webhook.id}/deliveries/${older!.id}/retry`).expect(200);

      expect(retried.body.data).toMatchObject({
        id: older!.id,
        status: 'pending',
        attempts: 7,
        last_status_code: 503,
        last_error: 'the endpoint answered 503',
      });
      expect(Date.parse(retried.body.data.next_attempt_at as string)).toBeLessThan(before + 5_000);
      expect(retried.body.message).toContain('disabled');
      const refused = await api.post(`${WEBHOOKS}/${webhook.id}/deliveries/${newer!.id}/retry`);
      expectError(refused, 422, 'webhook_delivery_not_retryable');
      expect(refused.body.current_state).toBe('delivered');
      await api.post(`${WEBHOOKS}/${webhook.id}/deliveries/${crypto.randomUUID()}/retry`).expect(404);
      await api.get(`${WEBHOOKS}/${webhook.id}/deliveries/not-a-uuid`).expect(404);
    });

    it('when an endpoint filters on a campaign, then only that campaign’s events are queued for it', async () => {
      const campaign = (await api.post('/api/v1/campaigns', campaignBody(stack.info)).expect(201)).body.data.id;
      const webhook = await create({ campaign_id: campaign });

      await record([
        { type: 'email.sent', campaignId: campaign },
        { type: 'email.sent', campaignId: crypto.randomUUID() },
        'email.sent',
      ]);

      const page = await api.get(`${WEBHOOKS}/${webhook.id}/deliveries`).expect(200);
      expect(page.body.data.pagination.total).toBe(1);
    });
  });

  describe('POST /webhooks/{id}/test', () => {
    it('when a receiver answers, then it got a sample signed as Standard Webhooks verify, and the answer says so', async () => {
      const target = await receiver(204);
      try {
        const webhook = await create({ url: target.url, event_types: ['email.replied', 'email.sent'] });

        const answer = await api.post(`${WEBHOOKS}/${webhook.id}/test`).expect(200);

        expect(answer.body.data).toMatchObject({
          webhook_id: webhook.id,
          event_type: 'email.replied',
          message_id: expect.stringMatching(/^evt_test_/),
          ok: true,
          status_code: 204,
          error: null,
        });
        expect(target.received).toHaveLength(1);
        const [{ headers, body }] = target.received as [(typeof target.received)[number]];
        expect(headers['webhook-id']).toBe(answer.body.data.message_id);
        const verified = new Webhook(webhook.secret).verify(body, headers as Record<string, string>);
        expect(verified).toMatchObject({ type: 'email.replied', data: WEBHOOK_EVENTS['email.replied'].example });
        // The same signature, computed here from the specification: HMAC-SHA256 over id.timestamp.body.
        const key = Buffer.from(webhook.secret.slice('whsec_'.length), 'base64');
        const mac = crypto
          .createHmac('sha256', key)
          .update(`${headers['webhook-id'] as string}.${headers['webhook-timestamp'] as string}.${body}`)
          .digest('base64');
        expect(headers['webhook-signature']).toBe(`v1,${mac}`);
        const [row] = await stack.db.dataSource.query<{ count: number }[]>(
          'SELECT count(*)::int AS count FROM events WHERE organization_id = $1 AND data @> $2::jsonb',
          [organizationId, JSON.stringify({ text: WEBHOOK_EVENTS['email.replied'].example.text })],
        );
        expect(row!.count).toBe(0);
      } finally {
        await target.close();
      }
    });

    it('when the type is given and the receiver fails, then that type is sent and the status is reported', async () => {
      const target = await receiver(500);
      try {
        const webhook = await create({ url: target.url });

        const answer = await api.post(`${WEBHOOKS}/${webhook.id}/test`, { event_type: 'mailbox.error' }).expect(200);

        expect(answer.body.data).toMatchObject({ event_type: 'mailbox.error', ok: false, status_code: 500 });
        expect(JSON.parse(target.received[0]!.body)).toMatchObject({ type: 'mailbox.error' });
      } finally {
        await target.close();
      }
    });

    it('when the type given is not an event type, then it is a 422', async () => {
      const webhook = await create();

      expectValidationFailure(await api.post(`${WEBHOOKS}/${webhook.id}/test`, { event_type: 'nope' }), 'event_type');
    });
  });

  describe('the events catalogue', () => {
    it('then it documents every event type, and each example is valid for its own data schema', () => {
      expect(Object.keys(WEBHOOK_EVENTS)).toEqual([...EVENT_TYPES]);
      for (const type of EVENT_TYPES) {
        expect(() => WEBHOOK_EVENTS[type].data.parse(exampleMessage(type).data)).not.toThrow();
      }
    });

    it("then the documented example delivery verifies with the example secret (Standard Webhooks' library)", () => {
      const headers = { ...EXAMPLE_HEADERS };
      // The library refuses a timestamp 5 minutes away from now: now is when the example was signed.
      const now = jest.spyOn(Date, 'now').mockReturnValue(Number(EXAMPLE_HEADERS['webhook-timestamp']) * 1000);
      try {
        expect(new Webhook(EXAMPLE_SECRET).verify(EXAMPLE_BODY, headers)).toMatchObject({ type: 'email.replied' });
      } finally {
        now.mockRestore();
      }
    });
  });
});
