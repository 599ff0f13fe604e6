import request from 'supertest';
import type { oas31 } from 'zod-openapi';
import { routeTable } from '../../src/app';
import { createSmartleadApp, SMARTLEAD_BASE, SMARTLEAD_OPERATIONS, withoutApiKey } from '../../src/http/smartlead';
import { PostgresRateLimitStore } from '../../src/rate-limit-store';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { smartleadCaller, smartleadConformance, smartleadDocument } from '../helpers/smartlead-api';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

const BASE = SMARTLEAD_BASE;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

describe('the Smartlead-compatible API', () => {
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

  /** Every answer must match what /smartlead/openapi.json documents (a route this suite probes may be unknown). */
  const documented = smartleadConformance({ allowRouteNotFound: true });
  /** A request to the surface with `?api_key=` (as Smartlead clients send it). */
  const call = smartleadCaller(() => ({ app: stack.app, apiKey }), documented);

  const createCampaign = async (key = apiKey, name?: string): Promise<number> => {
    const created = await call('post', '/campaigns/create', key)
      .send(name === undefined ? {} : { name })
      .expect(200);
    return created.body.id as number;
  };

  describe('authentication', () => {
    it('when the key is sent as ?api_key= or as X-API-KEY, then the request is served', async () => {
      await call('get', '/campaigns').expect(200);
      const byHeader = await request(stack.app).get(`${BASE}/campaigns`).set('X-API-KEY', apiKey).expect(200);
      expect(Array.isArray(byHeader.body)).toBe(true);
    });

    it('when the key is missing or unknown, then 401 in the Smartlead error shape', async () => {
      const missing = await request(stack.app).get(`${BASE}/campaigns`).expect(401).expect(documented);
      const unknown = await call('get', '/campaigns', 'not-a-real-key-0123456789').expect(401);

      for (const answer of [missing, unknown]) {
        expect(answer.body).toMatchObject({ statusCode: 401, code: 'unauthorized' });
        expect(answer.body.error).toBe(answer.body.message);
        expect(answer.body.message).toContain('api_key');
      }
    });

    it('when a route is unknown, then 404 in the same shape (never the native envelope)', async () => {
      const answer = await call('get', '/no-such-thing').expect(404);
      expect(answer.body).toMatchObject({ statusCode: 404, code: 'route_not_found' });
      expect(answer.body.status).toBeUndefined();
    });
  });

  describe('ids', () => {
    it("when another organization's campaign id is asked for, then 404 Campaign not found", async () => {
      const other = await stack.newOrganization();
      const theirs = await createCampaign(other.apiKey, 'Theirs');

      const answer = await call('get', `/campaigns/${theirs}`).expect(404);

      expect(answer.body).toMatchObject({ statusCode: 404, message: 'Campaign not found', code: 'campaign_not_found' });
      await call('get', `/campaigns/${theirs}`, other.apiKey).expect(200);
    });

    it('when an id is not a number or does not exist, then 404', async () => {
      await call('get', '/campaigns/abc').expect(404);
      await call('get', '/campaigns/99999999999999').expect(404);
      await call('get', '/campaigns/99999999999999999999999').expect(404);
    });

    it('when existing rows are aliased, then each campaign, contact and mailbox has a distinct integer alias', async () => {
      const rows: Array<{ kind: string; missing: string }> = await stack.db.dataSource.query(
        `SELECT 'campaigns' AS kind, count(*) FILTER (WHERE alias IS NULL)::text AS missing FROM campaigns
         UNION ALL SELECT 'contacts', count(*) FILTER (WHERE alias IS NULL)::text FROM contacts
         UNION ALL SELECT 'mailboxes', count(*) FILTER (WHERE alias IS NULL)::text FROM mailboxes
         UNION ALL SELECT 'organizations', count(*) FILTER (WHERE alias IS NULL)::text FROM organizations`,
      );
      expect(rows.every((row) => row.missing === '0')).toBe(true);
    });

    it('when uuids are mapped in bulk, then each gets its alias and resolving an alias gives the uuid back', async () => {
      const first = await createCampaign();
      const second = await createCampaign();
      const aliases = stack.services.smartleadAliases;
      const [firstId, secondId] = await Promise.all([
        aliases.resolve(organizationId, 'campaign', first),
        aliases.resolve(organizationId, 'campaign', String(second)),
      ]);

      const mapped = await aliases.aliasesOf(organizationId, 'campaign', [firstId!, secondId!]);

      expect(mapped).toEqual(
        new Map([
          [firstId, first],
          [secondId, second],
        ]),
      );
      expect(await aliases.resolve((await stack.newOrganization()).organizationId, 'campaign', first)).toBeNull();
    });
  });

  describe('aliases of every kind', () => {
    it("when a campaign's steps, mailbox, lead and enrollment are named by alias, then each resolves in its organization only", async () => {
      const alias = await createCampaign();
      await prepareForSending(alias);
      const campaignId = (await stack.services.smartleadAliases.resolve(organizationId, 'campaign', alias))!;
      const [step] = await stack.db.repos.campaigns.steps(campaignId);
      const [enrollment]: Array<{ id: string; alias: number; contact_id: string }> = await stack.db.dataSource.query(
        'SELECT id, alias::int AS alias, contact_id FROM enrollments WHERE campaign_id = $1',
        [campaignId],
      );
      const [mailbox]: Array<{ id: string; alias: number }> = await stack.db.dataSource.query(
        `SELECT mailbox.id, mailbox.alias::int AS alias FROM mailboxes mailbox
           JOIN campaign_mailboxes attached ON attached.mailbox_id = mailbox.id WHERE attached.campaign_id = $1`,
        [campaignId],
      );
      const rows = {
        sequence: step!,
        campaignLead: enrollment!,
        lead: (await stack.db.repos.contacts.findById(organizationId, enrollment!.contact_id))!,
        emailAccount: mailbox!,
      } as const;
      const stranger = (await stack.newOrganization()).organizationId;

      for (const [kind, row] of Object.entries(rows) as Array<[keyof typeof rows, { id: string; alias: number }]>) {
        expect(row.alias).toEqual(expect.any(Number));
        expect(await stack.services.smartleadAliases.resolve(organizationId, kind, row.alias)).toBe(row.id);
        expect(await stack.services.smartleadAliases.resolve(stranger, kind, row.alias)).toBeNull();
        expect(await stack.services.smartleadAliases.aliasesOf(organizationId, kind, [row.id])).toEqual(
          new Map([[row.id, row.alias]]),
        );
      }
    });
  });

  describe('leniency', () => {
    it('when a path has a trailing slash, then it is served as without one', async () => {
      const id = await createCampaign();
      await call('get', '/campaigns/').expect(200);
      const answer = await call('get', `/campaigns/${id}/`).expect(200);
      expect(answer.body.id).toBe(id);
      await call('post', '/campaigns/create/').send({ name: 'Slash' }).expect(200);
    });

    it('when ids, booleans and extra fields come as strings or unknown names, then they are accepted', async () => {
      const answer = await call('get', '/campaigns/?include_tags=True&client_id=42&unknown=1').expect(200);
      expect(answer.body.every((campaign: { tags?: unknown[] }) => Array.isArray(campaign.tags))).toBe(true);

      const created = await call('post', '/campaigns/create')
        .send({ name: 'Lenient', client_id: '17', something_new: { nested: true } })
        .expect(200);
      expect(created.body).toMatchObject({ ok: true, name: 'Lenient' });
    });

    it('when a field has the wrong type, then 422 naming it', async () => {
      const id = await createCampaign();
      const answer = await call('patch', `/campaigns/${id}/status`).send({ status: 'SIDEWAYS' }).expect(422);
      expect(answer.body).toMatchObject({ statusCode: 422, code: 'validation_failed' });
      expect(answer.body.errors[0]).toContain('status');
    });

    it('when the body is not JSON, then 400', async () => {
      const answer = await request(stack.app)
        .post(`${BASE}/campaigns/create?api_key=${apiKey}`)
        .set('Content-Type', 'application/json')
        .send('{"name": ')
        .expect(400)
        .expect(documented);
      expect(answer.body).toMatchObject({ statusCode: 400, code: 'malformed_json' });
    });
  });

  describe('rate limit', () => {
    it('when a key makes more than 10 requests in 2 s, then 429 with Retry-After, apart from the native limit', async () => {
      const app = stack.appWith({
        smartleadRateLimit: { requests: 10, windowMs: 2000, store: new PostgresRateLimitStore(stack.db) },
        rateLimit: { requests: 10, windowMs: 2000, store: new PostgresRateLimitStore(stack.db) },
      });
      const { apiKey: key } = await stack.newOrganization();
      for (let index = 0; index < 10; index += 1) {
        await request(app).get(`${BASE}/campaigns?api_key=${key}`).expect(200);
      }

      const refused = await request(app).get(`${BASE}/campaigns?api_key=${key}`).expect(429).expect(documented);

      expect(refused.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
      expect(refused.body.message).toContain('10 requests per 2 s');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(2);
      // The native API counts its own requests.
      await request(app).get('/api/v1/lists').set('X-API-KEY', key).expect(200);
    });
  });

  describe('on a port of its own (SMARTLEAD_PORT)', () => {
    it('when a client whose base URL is overridden to /api/v1 calls it, then it is served there, with its document', async () => {
      const app = createSmartleadApp(stack.deps);
      const id = await createCampaign();

      const answer = await request(app).get(`/api/v1/campaigns/${id}?api_key=${apiKey}`).expect(200);
      const served = (await request(app).get('/openapi.json').expect(200)).body as oas31.OpenAPIObject;

      expect(answer.body.id).toBe(id);
      expect(served.servers?.[0]?.url).toBe('/api/v1');
      await request(app).get('/api/v1/campaigns').expect(401);
    });

    it('when a request carries its key in the query string, then the logged URL does not', () => {
      expect(withoutApiKey(`/smartlead/api/v1/campaigns?include_tags=true&api_key=${apiKey}&x=1`)).toBe(
        '/smartlead/api/v1/campaigns?include_tags=true&api_key=[redacted]&x=1',
      );
    });
  });

  describe('the OpenAPI document', () => {
    it('when /smartlead/openapi.json is read, then it is OpenAPI 3.1 with the api_key query scheme and every operation', async () => {
      const answer = await request(stack.app).get('/smartlead/openapi.json').expect(200);
      const served = answer.body as oas31.OpenAPIObject;

      expect(served.openapi).toBe('3.1.0');
      expect(served.servers?.[0]?.url).toBe(BASE);
      expect(served.components?.securitySchemes?.apiKeyQuery).toMatchObject({
        type: 'apiKey',
        in: 'query',
        name: 'api_key',
      });
      const operations = Object.entries(served.paths ?? {}).flatMap(([path, item]) =>
        METHODS.filter((method) => (item as Record<string, unknown>)[method]).map(
          (method) => `${method.toUpperCase()} ${path}`,
        ),
      );
      expect(operations).toEqual(
        expect.arrayContaining([
          'GET /campaigns',
          'POST /campaigns/create',
          'GET /campaigns/{campaign_id}',
          'DELETE /campaigns/{campaign_id}',
          'PATCH /campaigns/{campaign_id}/status',
          'POST /campaigns/{campaign_id}/status',
        ]),
      );
      expect(served.paths?.['/campaigns/{campaign_id}']?.get?.responses?.['404']).toBeDefined();
    });

    it('when each operation is declared, then its body example parses and its answer example fits its schema', () => {
      for (const spec of SMARTLEAD_OPERATIONS) {
        const where = `${spec.method.toUpperCase()} ${spec.path}`;
        if (spec.body)
          expect({ where, parsed: spec.body.schema.safeParse(spec.body.example).success }).toEqual({
            where,
            parsed: true,
          });
        if ('schema' in spec.response) {
          const fits = spec.response.schema.safeParse(spec.response.example).success;
          expect({ where, fits }).toEqual({ where, fits: true });
        }
      }
    });

    it('when the routes are listed, then each one (with and without its trailing slash) is in the document', () => {
      const operations = routesOf(stack);
      const documentedRoutes = new Set(
        Object.entries(smartleadDocument().paths ?? {}).flatMap(([path, item]) =>
          METHODS.filter((method) => (item as Record<string, unknown>)[method]).map(
            (method) => `${method.toUpperCase()} ${path}`,
          ),
        ),
      );
      expect(operations.length).toBeGreaterThan(0);
      for (const route of operations) expect(documentedRoutes).toContain(route);
    });
  });

  describe('campaigns', () => {
    it('when a campaign is created without a name, then it is an Untitled Campaign, DRAFTED, listed first', async () => {
      const id = await createCampaign();

      const campaign = (await call('get', `/campaigns/${id}`).expect(200)).body;
      const listed = (await call('get', '/campaigns').expect(200)).body as Array<{ id: number }>;

      expect(campaign).toMatchObject({
        id,
        name: 'Untitled Campaign',
        status: 'DRAFTED',
        track_settings: ['DONT_EMAIL_OPEN', 'DONT_LINK_CLICK'],
        scheduler_cron_value: null,
        stop_lead_settings: 'REPLY_TO_AN_EMAIL',
        min_time_btwn_emails: 2,
        max_leads_per_day: null,
        schedule_start_time: null,
        enable_ai_esp_matching: false,
        send_as_plain_text: false,
        follow_up_percentage: 100,
        unsubscribe_text: '',
        parent_campaign_id: null,
        client_id: null,
      });
      expect(campaign.user_id).toEqual(expect.any(Number));
      expect(campaign.tags).toBeUndefined();
      expect(listed[0]!.id).toBe(id);
      expect(listed.map((item) => item.id)).toEqual([...listed.map((item) => item.id)].sort((a, b) => b - a));
    });

    it('when a campaign goes START → PAUSED → STOPPED → deleted, then each status is answered and it is gone', async () => {
      const id = await createCampaign(apiKey, 'Lifecycle');
      await prepareForSending(id);

      await call('patch', `/campaigns/${id}/status`).send({ status: 'START' }).expect(200, { ok: true });
      expect((await call('get', `/campaigns/${id}`).expect(200)).body.status).toBe('ACTIVE');

      await call('post', `/campaigns/${id}/status`).send({ status: 'PAUSED' }).expect(200, { ok: true });
      expect((await call('get', `/campaigns/${id}`).expect(200)).body.status).toBe('PAUSED');
      await call('post', `/campaigns/${id}/status/`).send({ status: 'paused' }).expect(200);

      await call('patch', `/campaigns/${id}/status`).send({ status: 'ACTIVE' }).expect(200);
      expect((await call('get', `/campaigns/${id}`).expect(200)).body.status).toBe('ACTIVE');

      await call('patch', `/campaigns/${id}/status`).send({ status: 'STOPPED' }).expect(200);
      expect((await call('get', `/campaigns/${id}`).expect(200)).body.status).toBe('STOPPED');

      await call('delete', `/campaigns/${id}`).expect(200, { ok: true });
      await call('get', `/campaigns/${id}`).expect(404);
      const listed = (await call('get', '/campaigns').expect(200)).body as Array<{ id: number }>;
      expect(listed.map((campaign) => campaign.id)).not.toContain(id);
    });

    it('when a DRAFTED campaign without a sequence is started, then 422 and it stays DRAFTED', async () => {
      const id = await createCampaign();
      const answer = await call('patch', `/campaigns/${id}/status`).send({ status: 'START' }).expect(422);
      expect(answer.body).toMatchObject({ statusCode: 422, code: 'campaign_not_dispatchable' });
      expect((await call('get', `/campaigns/${id}`).expect(200)).body.status).toBe('DRAFTED');
    });
  });

  /** A step, a mailbox and a pending lead, through the native API (the Smartlead endpoints for them come later). */
  async function prepareForSending(alias: number): Promise<void> {
    const uuid = await stack.services.smartleadAliases.resolve(organizationId, 'campaign', alias);
    const api = stack.api(apiKey);
    await api
      .put(`/api/v1/campaigns/${uuid}/steps`, {
        // A follow-up a day later keeps the lead (and so the campaign) running through the test.
        sequence_steps: [
          { position: 1, delay_minutes: 0, subject: 'Hello', body_html: '<p>Hi</p>' },
          { position: 2, delay_minutes: 1440, subject: 'Again', body_html: '<p>Hi again</p>' },
        ],
      })
      .expect(200);
    const credential = campaignBody(stack.info).campaign.smtp_credentials[0]!;
    const mailbox = await api.post('/api/v1/mailboxes', credential).expect(201);
    await api.post(`/api/v1/campaigns/${uuid}/mailboxes`, { mailbox_id: mailbox.body.data.id }).expect(201);
    await api
      .post(`/api/v1/campaigns/${uuid}/enroll_contact`, { contact: { email: uniqueEmail('lead'), first_name: 'Pat' } })
      .expect(201);
  }
});

/** Every route of the surface's router, as OpenAPI writes it (each registered with and without a trailing slash). */
function routesOf(stack: TestStack): string[] {
  const router = routeTable(stack.deps).smartlead.operations;
  const operations: string[] = [];
  for (const layer of router.stack) {
    const route = layer.route as { path: string | string[]; methods: Record<string, boolean> } | undefined;
    if (!route) continue;
    const paths = Array.isArray(route.path) ? route.path : [route.path];
    for (const path of paths) {
      const template = path.replace(/(.)\/$/, '$1').replace(/:(\w+)/g, '{$1}');
      for (const method of Object.keys(route.methods)) operations.push(`${method.toUpperCase()} ${template}`);
    }
  }
  return operations;
}
