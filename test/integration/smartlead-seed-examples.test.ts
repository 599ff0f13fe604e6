import request from 'supertest';
import { SMARTLEAD_BASE } from '../../src/http/smartlead';
import { uniqueEmail } from '../helpers/factories';
import { smartleadCaller, smartleadConformance, type SmartleadMethod } from '../helpers/smartlead-api';
import {
  countByKind,
  OBFUSCATED_EMAIL,
  parseSeedExamples,
  readSmartleadSeed,
  SEED_001_EXAMPLE_FLOORS,
  smartleadSeedPath,
  type SeedExample,
  type SeedExampleKind,
} from '../helpers/smartlead-seed-examples';
import { connectTestStack, eventually, type TestStack } from '../helpers/test-stack';

const BASE = SMARTLEAD_BASE;

/** How the examples write the key: curl and Python, PHP, JavaScript. */
const KEY_PLACEHOLDERS = new Set(['YOUR_API_KEY', '$api_key', '${YOUR_API_KEY}']);

/** The resources an example names by id, as the path segment before the id and the body fields name them. */
type Resource = 'campaign' | 'lead' | 'emailAccount' | 'webhook';
const PATH_RESOURCES: Record<string, Resource> = {
  campaigns: 'campaign',
  leads: 'lead',
  'email-accounts': 'emailAccount',
  webhooks: 'webhook',
};
const PATH_PLACEHOLDERS: Record<string, Resource> = {
  campaign_id: 'campaign',
  lead_id: 'lead',
  email_account_id: 'emailAccount',
  webhook_id: 'webhook',
};
const BODY_IDS: Record<string, Resource> = {
  campaign_id: 'campaign',
  email_campaign_id: 'campaign',
  lead_id: 'lead',
  email_account_id: 'emailAccount',
};

/** Every example of seed 001, read from the seed itself when the suite is collected. */
const examples = parseSeedExamples(readSmartleadSeed());
const found = countByKind(examples);
const describeCounts = (counts: Record<SeedExampleKind, number>) =>
  Object.entries(counts)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');

const label = (example: SeedExample) =>
  `${example.kind} (line ${example.line}): ${example.method} ${example.path}${example.body === undefined ? '' : ' + body'}`;

/**
 * Seed 001's example requests (curl, Python, JavaScript, PHP and the request lines with their bodies), each sent to
 * the Smartlead-compatible API with the seed's base, key and ids replaced by the test's, each answer 2xx and as
 * /smartlead/openapi.json documents it. Every example gets resources of its own, so a DELETE cannot starve the next.
 */
describe("seed 001's example requests, replayed on the Smartlead-compatible API", () => {
  let stack: TestStack;
  let apiKey: string;
  let webhook: number;

  beforeAll(async () => {
    stack = await connectTestStack();
    ({ apiKey } = await stack.newOrganization());
    webhook = (
      await call('post', '/webhooks')
        .send({
          name: 'Seed examples',
          webhook_url: 'https://hooks.example.com/sequencer',
          event_types: ['EMAIL_SENT'],
        })
        .expect(200)
    ).body.id as number;
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Every answer must match what /smartlead/openapi.json documents for its operation and status. */
  const documented = smartleadConformance({ includeBody: true });
  const call = smartleadCaller(() => ({ app: stack.app, apiKey }), documented);

  /** What an example's ids stand for: a campaign with two steps, two attached accounts and a lead, all fresh. */
  interface World {
    ids: Record<Resource, number>;
    leadEmail: string;
  }

  const saveAccount = async (): Promise<number> => {
    const email = uniqueEmail('seed-sender');
    return (
      await call('post', '/email-accounts/save')
        .send({
          from_name: 'Seed Sender',
          from_email: email,
          username: email,
          password: 'secret-password',
          smtp_host: '127.0.0.1',
          smtp_port: stack.info.smtpPort,
          smtp_port_type: 'NONE',
          max_email_per_day: 100,
        })
        .expect(200)
    ).body.id as number;
  };

  async function newWorld(): Promise<World> {
    const campaign = (await call('post', '/campaigns/create').send({ name: 'Seed examples' }).expect(200)).body
      .id as number;
    await call('post', `/campaigns/${campaign}/sequences`)
      .send({
        sequences: [
          {
            seq_number: 1,
            seq_delay_details: { delay_in_days: 0 },
            subject: 'Hello {{first_name}}',
            email_body: '<p>Hi</p>',
          },
          // A follow-up a day later keeps the lead in progress while the example runs.
          { seq_number: 2, seq_delay_details: { delay_in_days: 1 }, subject: '', email_body: '<p>Again</p>' },
        ],
      })
      .expect(200);
    const [account, spare] = [await saveAccount(), await saveAccount()];
    // Two accounts: detaching the example's one leaves the campaign one to send from.
    await call('post', `/campaigns/${campaign}/email-accounts`)
      .send({ email_account_ids: [account, spare] })
      .expect(200);
    const leadEmail = uniqueEmail('seed-lead');
    await call('post', `/campaigns/${campaign}/leads`)
      .send({ lead_list: [{ email: leadEmail, first_name: 'John' }] })
      .expect(200);
    const lead = (await call('get', `/leads/?email=${encodeURIComponent(leadEmail)}`).expect(200)).body.id as number;
    return { ids: { campaign, lead, emailAccount: account, webhook }, leadEmail };
  }

  /** The example's path with the world's ids: `{campaign_id}` and the seed's numbers after a resource's name. */
  function pathOf(example: SeedExample, world: World): string {
    const segments = example.path.split('/');
    return segments
      .map((segment, index) => {
        const placeholder = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (placeholder) {
          const resource = PATH_PLACEHOLDERS[placeholder];
          if (!resource) throw new Error(`No resource for {${placeholder}} in ${example.path}`);
          return String(world.ids[resource]);
        }
        const resource = PATH_RESOURCES[segments[index - 1] ?? ''];
        return /^\d+$/.test(segment) && resource ? String(world.ids[resource]) : segment;
      })
      .join('/');
  }

  function queryOf(example: SeedExample, world: World): string {
    return example.query
      .map(([name, value]) => {
        if (name === 'api_key' && KEY_PLACEHOLDERS.has(value)) return `api_key=${encodeURIComponent(apiKey)}`;
        const real = value === OBFUSCATED_EMAIL ? world.leadEmail : value;
        return `${encodeURIComponent(name)}=${encodeURIComponent(real)}`;
      })
      .join('&');
  }

  /** The body with the world's ids and fresh addresses (one per body: `from_email` and `username` agree). */
  function bodyOf(example: SeedExample, world: World, messageId: string | undefined): unknown {
    const address = uniqueEmail('seed-example');
    const walk = (value: unknown, key?: string): unknown => {
      if (Array.isArray(value)) return value.map((item) => walk(item, key));
      if (value !== null && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, walk(item, name)]));
      }
      const resource = key === undefined ? undefined : BODY_IDS[key];
      if (resource && typeof value === 'number') return world.ids[resource];
      if (value === OBFUSCATED_EMAIL) return address;
      if (key === 'reply_message_id' && messageId) return messageId;
      return value;
    };
    return walk(example.body);
  }

  /** Starts the world's campaign and answers the Message-ID of the lead's first email, once sent. */
  async function firstMessageId(world: World): Promise<string> {
    await call('post', `/campaigns/${world.ids.campaign}/status`).send({ status: 'START' }).expect(200);
    const path = `/campaigns/${world.ids.campaign}/leads/${world.ids.lead}/message-history`;
    return eventually(
      async () => {
        const history = (await call('get', path).expect(200)).body.history as Array<{
          type: string;
          message_id: string;
        }>;
        return history.find((entry) => entry.type === 'SENT')?.message_id;
      },
      { what: 'the lead’s first email' },
    );
  }

  /**
   * Whether the example acts on a lead that is being emailed (pausing, resuming, replying to it): its campaign is
   * started first, and the lead's first email sent.
   */
  const presumesSending = (example: SeedExample): boolean =>
    /\/leads\/[^/]+\/(pause|resume)$/.test(example.path) ||
    (example.body !== null && typeof example.body === 'object' && 'reply_message_id' in example.body);

  // The counts are in the test's name, so every run lists them.
  it(`when seed 001 (${smartleadSeedPath()}) is parsed, then it shows ${describeCounts(found)}: at least the floor of each kind`, () => {
    for (const kind of Object.keys(SEED_001_EXAMPLE_FLOORS) as SeedExampleKind[]) {
      expect({ kind, atLeastTheFloor: found[kind] >= SEED_001_EXAMPLE_FLOORS[kind] }).toEqual({
        kind,
        atLeastTheFloor: true,
      });
    }
  });

  it.each(examples.map((example) => [label(example), example] as const))(
    'when %s is replayed, then it is answered 2xx as documented',
    async (_, example) => {
      const world = await newWorld();
      const messageId = presumesSending(example) ? await firstMessageId(world) : undefined;
      // A lead is resumed after it was paused.
      if (/\/leads\/[^/]+\/resume$/.test(example.path)) {
        await call('post', `/campaigns/${world.ids.campaign}/leads/${world.ids.lead}/pause`).expect(200);
      }
      const query = queryOf(example, world);
      const url = `${BASE}${pathOf(example, world)}${query ? `?${query}` : ''}`;
      const method = example.method.toLowerCase() as SmartleadMethod;

      // An example showing no body is sent as a JSON client sends one with no fields ("include only the fields you
      // want to update").
      const body = example.body === undefined ? {} : bodyOf(example, world, messageId);
      const pending = request(stack.app)[method](url);
      const answer = await (method === 'get' ? pending : pending.send(body as object));

      documented(answer);
      const success = answer.status >= 200 && answer.status < 300;
      const seen = { url: url.replace(apiKey, 'KEY'), status: answer.status, body: answer.body as unknown, success };
      expect(seen).toEqual({ ...seen, success: true });
    },
  );
});
