import { uniqueEmail } from '../helpers/factories';
import { smartleadCaller } from '../helpers/smartlead-api';
import { connectTestStack, eventually, messagesTo, rawMessage, type TestStack } from '../helpers/test-stack';

describe('the Smartlead campaign setup: schedule, settings, sequences, email accounts', () => {
  let stack: TestStack;
  let apiKey: string;
  let organizationId: string;

  beforeAll(async () => {
    stack = await connectTestStack();
    ({ apiKey, organizationId } = await stack.newOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Every answer must match what /smartlead/openapi.json documents for its operation and status. */
  const call = smartleadCaller(() => ({ app: stack.app, apiKey }));

  const createCampaign = async (key = apiKey): Promise<number> =>
    (await call('post', '/campaigns/create', key).send({ name: 'Setup' }).expect(200)).body.id as number;

  const campaign = async (id: number) => (await call('get', `/campaigns/${id}`).expect(200)).body;

  /** An email account on the test SMTP server, saved through the surface. */
  const saveAccount = async (key = apiKey): Promise<number> => {
    const email = uniqueEmail('sender');
    const saved = await call('post', '/email-accounts/save', key)
      .send({
        from_name: 'Setup Sender',
        from_email: email,
        username: email,
        password: 'secret-password',
        smtp_host: '127.0.0.1',
        smtp_port: stack.info.smtpPort,
        smtp_port_type: 'NONE',
        max_email_per_day: 100,
      })
      .expect(200);
    return saved.body.id as number;
  };

  describe('POST …/schedule', () => {
    it('when the seed example is posted, then the window, wait and daily cap are the campaign’s', async () => {
      const id = await createCampaign();

      await call('post', `/campaigns/${id}/schedule`)
        .send({
          timezone: 'America/New_York',
          days_of_the_week: [1, 2, 3, 4, 5],
          start_hour: '09:00',
          end_hour: '19:00',
          min_time_btw_emails: 24,
          max_leads_per_day: 100,
        })
        .expect(200, { ok: true });

      expect(await campaign(id)).toMatchObject({
        scheduler_cron_value: { tz: 'America/New_York', days: [1, 2, 3, 4, 5], startHour: '09:00', endHour: '19:00' },
        min_time_btwn_emails: 24,
        max_leads_per_day: 100,
      });
    });

    it('when max_new_leads_per_day, strings, minutes and a trailing slash are sent, then they are read', async () => {
      const id = await createCampaign();
      await call('post', `/campaigns/${id}/schedule/`)
        .send({
          timezone: 'Europe/Paris',
          days_of_the_week: ['1', 3, 3],
          start_hour: '8:30',
          end_hour: 17,
          min_time_btw_emails: '10',
          max_new_leads_per_day: '40',
          schedule_start_time: '2024-01-01T00:00:00Z',
          unknown_field: true,
        })
        .expect(200);

      expect(await campaign(id)).toMatchObject({
        scheduler_cron_value: { tz: 'Europe/Paris', days: [1, 3], startHour: '09:00', endHour: '17:00' },
        min_time_btwn_emails: 10,
        max_leads_per_day: 40,
        schedule_start_time: null,
      });

      await call('post', `/campaigns/${id}/schedule`).send({ max_leads_per_day: 0 }).expect(200);
      expect((await campaign(id)).max_leads_per_day).toBeNull();
    });

    it('when the window is impossible or the zone unknown, then 422 and nothing changes', async () => {
      const id = await createCampaign();
      const before = await campaign(id);

      const backwards = await call('post', `/campaigns/${id}/schedule`)
        .send({ timezone: 'UTC', days_of_the_week: [1], start_hour: '18:00', end_hour: '09:00', max_leads_per_day: 5 })
        .expect(422);
      await call('post', `/campaigns/${id}/schedule`)
        .send({ timezone: 'Mars/Olympus', days_of_the_week: [1], start_hour: '09:00', end_hour: '17:00' })
        .expect(422);
      const incomplete = await call('post', `/campaigns/${id}/schedule`).send({ start_hour: '09:00' }).expect(422);

      expect(backwards.body.errors[0]).toContain('end_hour');
      expect(incomplete.body.errors.join(' ')).toContain('timezone');
      const after = await campaign(id);
      expect(after.scheduler_cron_value).toBeNull();
      expect(after.max_leads_per_day).toBe(before.max_leads_per_day);
    });
  });

  describe('POST …/settings', () => {
    it('when the seed example is posted, then tracking, stop rule and texts are the campaign’s', async () => {
      const id = await createCampaign();

      await call('post', `/campaigns/${id}/settings`)
        .send({
          track_settings: [],
          stop_lead_settings: 'REPLY_TO_AN_EMAIL',
          unsubscribe_text: 'Click here to unsubscribe',
          send_as_plain_text: false,
          follow_up_percentage: 20,
          enable_ai_esp_matching: true,
          client_id: null,
        })
        .expect(200, { ok: true });

      expect(await campaign(id)).toMatchObject({
        track_settings: [],
        stop_lead_settings: 'REPLY_TO_AN_EMAIL',
        unsubscribe_text: 'Click here to unsubscribe',
        send_as_plain_text: false,
        // Not kept: Smartlead's neutral values.
        follow_up_percentage: 100,
        enable_ai_esp_matching: false,
        client_id: null,
      });
    });

    it('when the tracking variants and lenient values are sent, then each maps onto the native settings', async () => {
      const id = await createCampaign();
      await call('post', `/campaigns/${id}/settings`)
        .send({
          track_settings: ['DONT_TRACK_LINK_CLICK'],
          stop_lead_settings: 'opened_email',
          send_as_plain_text: 'True',
        })
        .expect(200);
      expect(await campaign(id)).toMatchObject({
        track_settings: ['DONT_LINK_CLICK'],
        stop_lead_settings: 'OPENED_EMAIL',
        send_as_plain_text: true,
      });

      await call('post', `/campaigns/${id}/settings`)
        .send({
          track_settings: ['DONT_EMAIL_OPEN', 'DONT_LINK_CLICK'],
          stop_lead_settings: 'NEVER',
          unsubscribe_text: '',
        })
        .expect(200);
      expect(await campaign(id)).toMatchObject({
        track_settings: ['DONT_EMAIL_OPEN', 'DONT_LINK_CLICK'],
        stop_lead_settings: 'NEVER',
        unsubscribe_text: '',
      });
    });

    it('when a value is not one Smartlead knows, then 422 naming it and nothing changes', async () => {
      const id = await createCampaign();
      const answer = await call('post', `/campaigns/${id}/settings`)
        .send({ track_settings: ['DONT_EMAIL_OPEN'], stop_lead_settings: 'SOMETIMES' })
        .expect(422);
      expect(answer.body.errors[0]).toContain('stop_lead_settings');
      expect((await campaign(id)).stop_lead_settings).toBe('REPLY_TO_AN_EMAIL');
    });
  });

  describe('GET/POST …/sequences', () => {
    it('when the seed example (one variant) is posted, then it is the first step, read back with its id', async () => {
      const id = await createCampaign();

      await call('post', `/campaigns/${id}/sequences`)
        .send([
          {
            seq_number: 1,
            seq_delay_details: { delay_in_days: 0 },
            variant_distribution_type: 'MANUALLY_EQUAL',
            variants: [
              {
                subject: 'Quick question, {{first_name}}',
                email_body: '<p>Hi {{first_name}},</p><p>Your email body here.</p>',
                variant_label: 'A',
              },
            ],
          },
        ])
        .expect(200);
      const read = (await call('get', `/campaigns/${id}/sequences`).expect(200)).body;

      expect(read).toEqual([
        {
          id: expect.any(Number),
          email_campaign_id: id,
          seq_number: 1,
          seq_delay_details: { delay_in_days: 0, delayInDays: 0 },
          subject: 'Quick question, {{first_name}}',
          email_body: '<p>Hi {{first_name}},</p><p>Your email body here.</p>',
          variant_distribution_type: 'MANUAL_EQUAL',
          sequence_variants: null,
        },
      ]);
    });

    it('when {"sequences": [...]} comes with seq_variants and delayInDays, then the A/B test and delays are kept', async () => {
      const id = await createCampaign();
      const answer = await call('post', `/campaigns/${id}/sequences/`)
        .send({
          sequences: [
            {
              id: 1,
              seq_number: '1',
              seq_delay_details: { delay_in_days: '0' },
              subject: 'Hello {{first_name}}',
              email_body: '<p>Hi</p>',
              variant_distribution_type: 'MANUAL_PERCENTAGE',
              seq_variants: [
                {
                  subject: 'A subject',
                  email_body: '<p>A</p>',
                  variant_label: 'A',
                  variant_distribution_percentage: 70,
                },
                {
                  subject: 'B subject',
                  email_body: '<p>B</p>',
                  variant_label: 'B',
                  variant_distribution_percentage: 30,
                },
              ],
            },
            { seq_number: 2, seq_delay_details: { delayInDays: 3 }, subject: '', email_body: '<p>Bump</p>' },
          ],
        })
        .expect(200);

      const read = (await call('get', `/campaigns/${id}/sequences`).expect(200)).body;
      expect(answer.body.data).toEqual(read);
      expect(read).toHaveLength(2);
      expect(read[0]).toMatchObject({
        seq_number: 1,
        variant_distribution_type: 'MANUAL_PERCENTAGE',
        sequence_variants: [
          { variant_label: 'A', subject: 'A subject', email_body: '<p>A</p>', variant_distribution_percentage: 70 },
          { variant_label: 'B', subject: 'B subject', email_body: '<p>B</p>', variant_distribution_percentage: 30 },
        ],
      });
      expect(read[1]).toMatchObject({ seq_number: 2, seq_delay_details: { delay_in_days: 3 }, subject: '' });
      expect(read[0].id).not.toBe(read[1].id);
      expect(JSON.stringify(read)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    });

    it('when the first step has no subject or a template is broken, then 422 in Smartlead’s names and the sequence stays', async () => {
      const id = await createCampaign();
      await call('post', `/campaigns/${id}/sequences`)
        .send([{ seq_number: 1, subject: 'Kept', email_body: '<p>Kept</p>' }])
        .expect(200);

      const noSubject = await call('post', `/campaigns/${id}/sequences`)
        .send([{ seq_number: 1, email_body: '<p>No subject</p>' }])
        .expect(422);
      const broken = await call('post', `/campaigns/${id}/sequences`)
        .send([{ seq_number: 1, subject: 'Hi', email_body: '{% include "x" %}' }])
        .expect(422);
      await call('post', `/campaigns/${id}/sequences`).send({ sequences: 'nope' }).expect(422);

      expect(noSubject.body.errors.join(' ')).toContain('sequences');
      expect(broken.body.errors.join(' ')).toContain('email_body');
      const read = (await call('get', `/campaigns/${id}/sequences`).expect(200)).body;
      expect(read).toMatchObject([{ subject: 'Kept', email_body: '<p>Kept</p>' }]);
    });
  });

  describe('GET/POST/DELETE …/email-accounts', () => {
    it('when accounts are attached by email_account_id and email_account_ids, then they are listed, and detached by body or query', async () => {
      const id = await createCampaign();
      const [first, second, third] = [await saveAccount(), await saveAccount(), await saveAccount()];

      const attached = await call('post', `/campaigns/${id}/email-accounts`)
        .send({ email_account_id: first })
        .expect(200);
      await call('post', `/campaigns/${id}/email-accounts/`)
        .send({ email_account_ids: [String(second), third, first] })
        .expect(200);

      expect(attached.body).toEqual({
        ok: true,
        result: [{ email_campaign_id: id, email_account_id: first, attached: true }],
      });
      const listed = (await call('get', `/campaigns/${id}/email-accounts`).expect(200)).body as Array<{ id: number }>;
      expect(listed.map((account) => account.id).sort()).toEqual([first, second, third].sort());
      expect(JSON.stringify(listed)).not.toContain('secret-password');

      await call('delete', `/campaigns/${id}/email-accounts`)
        .send({ email_account_id: first })
        .expect(200, { ok: true });
      await call('delete', `/campaigns/${id}/email-accounts?email_account_id=${second}`).expect(200);
      const left = (await call('get', `/campaigns/${id}/email-accounts`).expect(200)).body as Array<{ id: number }>;
      expect(left.map((account) => account.id)).toEqual([third]);

      // Not attached: 404, and the attached one stays.
      const notAttached = await call('delete', `/campaigns/${id}/email-accounts`)
        .send({ email_account_ids: [third, first] })
        .expect(404);
      expect(notAttached.body.message).toBe('Email account not attached to this campaign');
      expect((await call('get', `/campaigns/${id}/email-accounts`).expect(200)).body).toHaveLength(1);

      // The campaign's last account stays.
      const last = await call('delete', `/campaigns/${id}/email-accounts`)
        .send({ email_account_ids: [third] })
        .expect(422);
      expect(last.body.code).toBe('conflict');
    });

    it("when another organization's account is named, then 404 and nothing is attached", async () => {
      const id = await createCampaign();
      const mine = await saveAccount();
      const other = await stack.newOrganization();
      const theirs = await saveAccount(other.apiKey);

      const answer = await call('post', `/campaigns/${id}/email-accounts`)
        .send({ email_account_ids: [mine, theirs] })
        .expect(404);

      expect(answer.body).toMatchObject({ message: 'Email account not found', code: 'mailbox_not_found' });
      expect((await call('get', `/campaigns/${id}/email-accounts`).expect(200)).body).toEqual([]);
      await call('post', `/campaigns/${id}/email-accounts`).send({}).expect(422);
    });
  });

  describe('a campaign set up through this surface only', () => {
    it('when it is started, then its first step goes out from the attached account, as set up', async () => {
      const id = await createCampaign();
      const account = await saveAccount();
      await call('post', `/campaigns/${id}/sequences`)
        .send({
          sequences: [
            {
              seq_number: 1,
              seq_delay_details: { delay_in_days: 0 },
              subject: 'Hello {{first_name}}',
              email_body: '<p>Hi {{first_name}}</p>',
            },
            { seq_number: 2, seq_delay_details: { delay_in_days: 2 }, subject: '', email_body: '<p>Again</p>' },
          ],
        })
        .expect(200);
      await call('post', `/campaigns/${id}/schedule`)
        .send({ min_time_btw_emails: 0, max_leads_per_day: 10 })
        .expect(200);
      await call('post', `/campaigns/${id}/settings`)
        .send({ track_settings: ['DONT_EMAIL_OPEN', 'DONT_LINK_CLICK'], unsubscribe_text: 'Stop these' })
        .expect(200);
      await call('post', `/campaigns/${id}/email-accounts`).send({ email_account_id: account }).expect(200);
      // Leads come through the native API here (the Smartlead leads endpoints have a suite of their own).
      const uuid = await stack.services.smartleadAliases.resolve(organizationId, 'campaign', id);
      const lead = uniqueEmail('lead');
      await stack
        .api(apiKey)
        .post(`/api/v1/campaigns/${uuid}/enroll_contact`, { contact: { email: lead, first_name: 'Pat' } })
        .expect(201);

      await call('patch', `/campaigns/${id}/status`).send({ status: 'START' }).expect(200);

      const [sent] = await eventually(
        async () => {
          const messages = await messagesTo(stack.info, [lead]);
          return messages.length > 0 && messages;
        },
        { what: 'the first step at the SMTP server' },
      );
      const raw = await rawMessage(stack.info, sent!);
      expect(raw).toContain('Subject: Hello Pat');
      expect(raw).toContain('Stop these');
    });
  });

  describe('across organizations', () => {
    it("when another organization's campaign is named, then each endpoint answers 404 Campaign not found", async () => {
      const other = await stack.newOrganization();
      const theirs = await createCampaign(other.apiKey);
      const account = await saveAccount();

      const answers = [
        await call('post', `/campaigns/${theirs}/schedule`).send({ max_leads_per_day: 5 }),
        await call('post', `/campaigns/${theirs}/settings`).send({ track_settings: [] }),
        await call('get', `/campaigns/${theirs}/sequences`),
        await call('post', `/campaigns/${theirs}/sequences`).send([{ seq_number: 1, subject: 'x', email_body: 'y' }]),
        await call('get', `/campaigns/${theirs}/email-accounts`),
        await call('post', `/campaigns/${theirs}/email-accounts`).send({ email_account_id: account }),
        await call('delete', `/campaigns/${theirs}/email-accounts`).send({ email_account_id: account }),
      ];

      for (const answer of answers) expect(answer.body).toMatchObject({ statusCode: 404, code: 'campaign_not_found' });
      expect((await call('get', `/campaigns/${theirs}/sequences`, other.apiKey).expect(200)).body).toEqual([]);
    });
  });
});
