import { uniqueEmail } from '../helpers/factories';
import { smartleadCaller } from '../helpers/smartlead-api';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

describe('the Smartlead email accounts', () => {
  let stack: TestStack;
  let apiKey: string;

  beforeAll(async () => {
    stack = await connectTestStack();
    ({ apiKey } = await stack.newOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Every answer must match what /smartlead/openapi.json documents for its operation and status. */
  const call = smartleadCaller(() => ({ app: stack.app, apiKey }));

  /** Seed 001's save example, with an address of its own. */
  const seedAccount = (email = uniqueEmail('john')) => ({
    from_name: 'John Smith',
    from_email: email,
    username: email,
    password: 'your_app_password',
    smtp_host: 'smtp.gmail.com',
    smtp_port: 587,
    smtp_port_type: 'TLS',
    imap_host: 'imap.gmail.com',
    imap_port: 993,
    max_email_per_day: 50,
    custom_tracking_url: null,
    bcc: null,
    signature: null,
  });

  const accountCount = async (key = apiKey): Promise<number> =>
    ((await call('get', '/email-accounts', key).expect(200)).body as unknown[]).length;

  describe('POST /email-accounts/save', () => {
    it('when the seed example is saved, then it is an SMTP account with its settings, and never its password', async () => {
      const body = seedAccount();

      const saved = await call('post', '/email-accounts/save').send(body).expect(200);
      const account = (await call('get', `/email-accounts/${saved.body.id}/`).expect(200)).body;

      expect(saved.body).toMatchObject({ ok: true, id: expect.any(Number), emailAccountId: saved.body.id });
      expect(account).toMatchObject({
        id: saved.body.id,
        from_name: 'John Smith',
        from_email: body.from_email,
        username: body.from_email,
        smtp_host: 'smtp.gmail.com',
        smtp_port: 587,
        smtp_port_type: 'TLS',
        imap_host: 'imap.gmail.com',
        imap_port: 993,
        type: 'SMTP',
        message_per_day: 50,
        daily_sent_count: 0,
        custom_tracking_domain: null,
        bcc_email: null,
        client_id: null,
        warmup_details: { status: 'INACTIVE' },
      });
      expect(JSON.stringify(account)).not.toContain('your_app_password');
      expect(account).not.toHaveProperty('password');
    });

    it('when the same from_email is saved again (with user_name, SSL), then the account is updated, not doubled', async () => {
      const body = seedAccount();
      const first = await call('post', '/email-accounts/save').send(body).expect(200);
      const count = await accountCount();

      const { username: _username, ...rest } = body;
      const again = await call('post', '/email-accounts/save/')
        .send({ ...rest, user_name: body.from_email, smtp_port: '465', smtp_port_type: 'ssl', max_email_per_day: '80' })
        .expect(200);

      expect(again.body.id).toBe(first.body.id);
      expect(await accountCount()).toBe(count);
      const account = (await call('get', `/email-accounts/${first.body.id}`).expect(200)).body;
      expect(account).toMatchObject({ smtp_port: 465, smtp_port_type: 'SSL', message_per_day: 80 });
    });

    it('when a metadata SMTP host or a bad port type is sent, then 422 and no account is made', async () => {
      const count = await accountCount();

      const metadata = await call('post', '/email-accounts/save')
        .send({ ...seedAccount(), smtp_host: '169.254.169.254' })
        .expect(422);
      await call('post', '/email-accounts/save')
        .send({ ...seedAccount(), smtp_port_type: 'CARRIER_PIGEON' })
        .expect(422);
      const noPassword = await call('post', '/email-accounts/save')
        .send({ ...seedAccount(), password: undefined })
        .expect(422);

      expect(metadata.body.errors.join(' ')).toContain('smtp_host');
      expect(noPassword.body.errors.join(' ')).toContain('password');
      expect(await accountCount()).toBe(count);
    });
  });

  describe('GET /email-accounts', () => {
    it('when offset and limit are given (as strings), then that page is answered; limit is at most 100', async () => {
      const { apiKey: key } = await stack.newOrganization();
      const ids: number[] = [];
      for (let index = 0; index < 3; index += 1) {
        ids.push((await call('post', '/email-accounts/save', key).send(seedAccount()).expect(200)).body.id as number);
      }

      const all = (await call('get', '/email-accounts/', key).expect(200)).body as Array<{ id: number }>;
      const page = (await call('get', '/email-accounts/?offset=1&limit=1', key).expect(200)).body as Array<{
        id: number;
      }>;
      const capped = await call('get', '/email-accounts?limit=500', key).expect(200);
      const seedQuery = await call('get', '/email-accounts/?offset=0&limit=10', key).expect(200);
      expect(seedQuery.body).toHaveLength(3);

      expect(all.map((account) => account.id)).toEqual(ids);
      expect(page.map((account) => account.id)).toEqual([ids[1]]);
      expect(capped.body).toHaveLength(3);
      await call('get', '/email-accounts?offset=-1', key).expect(422);
    });
  });

  describe('POST /email-accounts/{id}', () => {
    it('when fields are posted, then only they change', async () => {
      const saved = await call('post', '/email-accounts/save').send(seedAccount()).expect(200);

      await call('post', `/email-accounts/${saved.body.id}`)
        .send({ max_email_per_day: 40, signature: '<p>John</p>', from_name: 'J. Smith', bcc: 'x@example.com' })
        .expect(200);

      const account = (await call('get', `/email-accounts/${saved.body.id}`).expect(200)).body;
      expect(account).toMatchObject({
        message_per_day: 40,
        signature: '<p>John</p>',
        from_name: 'J. Smith',
        smtp_host: 'smtp.gmail.com',
        bcc_email: null,
      });
      await call('post', `/email-accounts/${saved.body.id}`).send({ smtp_host: '169.254.169.254' }).expect(422);
      const other = await call('post', '/email-accounts/save').send(seedAccount()).expect(200);
      const taken = await call('post', `/email-accounts/${saved.body.id}`)
        .send({ username: (await call('get', `/email-accounts/${other.body.id}`).expect(200)).body.username })
        .expect(422);
      expect(taken.body).toMatchObject({ code: 'conflict', email_account_id: other.body.id });
      expect(JSON.stringify(taken.body)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      expect((await call('get', `/email-accounts/${saved.body.id}`).expect(200)).body.smtp_host).toBe('smtp.gmail.com');
    });
  });

  describe('warm-up', () => {
    it('when the seed warmup example is posted, then the ramp is on, and warmup-stats answers 7 days without placement', async () => {
      const saved = await call('post', '/email-accounts/save').send(seedAccount()).expect(200);
      const id = saved.body.id as number;

      const configured = await call('post', `/email-accounts/${id}/warmup`)
        .send({ warmup_enabled: true, total_warmup_per_day: 20, daily_rampup: 2, reply_rate_percentage: 30 })
        .expect(200);
      const stats = (await call('get', `/email-accounts/${id}/warmup-stats`).expect(200)).body;

      expect(configured.body.warmup_details).toMatchObject({
        status: 'ACTIVE',
        total_warmup_per_day: 20,
        daily_rampup: 2,
        start_limit: 2,
        warmup_day: 0,
        limit_today: 2,
        reply_rate_percentage: null,
      });
      expect(stats).toMatchObject({
        id,
        sent_count: 0,
        spam_count: null,
        inbox_count: null,
        placement_measured: false,
        warmup_details: { status: 'ACTIVE', limit_today: 2 },
      });
      expect(stats.note).toContain('no peer warm-up network');
      expect(stats.stats_by_date).toHaveLength(7);

      await call('post', `/email-accounts/${id}/warmup/`).send({ warmup_enabled: 'false' }).expect(200);
      const account = (await call('get', `/email-accounts/${id}`).expect(200)).body;
      expect(account.warmup_details).toMatchObject({ status: 'INACTIVE', daily_rampup: 2, limit_today: 50 });
    });

    it('when warmup_enabled is missing or not a boolean, then 422 and the ramp stays off', async () => {
      const saved = await call('post', '/email-accounts/save').send(seedAccount()).expect(200);
      await call('post', `/email-accounts/${saved.body.id}/warmup`).send({ daily_rampup: 2 }).expect(422);
      await call('post', `/email-accounts/${saved.body.id}/warmup`).send({ warmup_enabled: 'maybe' }).expect(422);
      const noRampup = await call('post', `/email-accounts/${saved.body.id}/warmup`)
        .send({ warmup_enabled: true })
        .expect(422);
      expect(noRampup.body.errors[0]).toContain('daily_rampup');
      const account = (await call('get', `/email-accounts/${saved.body.id}`).expect(200)).body;
      expect(account.warmup_details.status).toBe('INACTIVE');
    });
  });

  describe('DELETE /email-accounts/{id}', () => {
    it('when an account that never sent is deleted, then it is gone (and detached from its campaigns)', async () => {
      const saved = await call('post', '/email-accounts/save').send(seedAccount()).expect(200);
      const campaign = (await call('post', '/campaigns/create').send({ name: 'Uses it' }).expect(200)).body.id;
      await call('post', `/campaigns/${campaign}/email-accounts`).send({ email_account_id: saved.body.id }).expect(200);

      await call('delete', `/email-accounts/${saved.body.id}`).expect(200, { ok: true });

      await call('get', `/email-accounts/${saved.body.id}`).expect(404);
      expect((await call('get', `/campaigns/${campaign}/email-accounts`).expect(200)).body).toEqual([]);
    });
  });

  describe('across organizations', () => {
    it("when another organization's account is named, then every endpoint answers 404 and it is unchanged", async () => {
      const other = await stack.newOrganization();
      const theirs = (await call('post', '/email-accounts/save', other.apiKey).send(seedAccount()).expect(200)).body
        .id as number;

      const answers = [
        await call('get', `/email-accounts/${theirs}`),
        await call('post', `/email-accounts/${theirs}`).send({ max_email_per_day: 1 }),
        await call('post', `/email-accounts/${theirs}/warmup`).send({ warmup_enabled: true, daily_rampup: 1 }),
        await call('get', `/email-accounts/${theirs}/warmup-stats`),
        await call('delete', `/email-accounts/${theirs}`),
        await call('post', '/email-accounts/save').send({ ...seedAccount(), id: theirs }),
      ];

      for (const answer of answers) {
        expect(answer.body).toMatchObject({ statusCode: 404, message: 'Email account not found' });
      }
      const account = (await call('get', `/email-accounts/${theirs}`, other.apiKey).expect(200)).body;
      expect(account).toMatchObject({ message_per_day: 50, warmup_details: { status: 'INACTIVE' } });
    });
  });
});
