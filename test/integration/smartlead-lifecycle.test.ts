import crypto from 'node:crypto';
import { LEADS_EXPORT_COLUMNS } from '../../src/http/smartlead/lead-messages';
import { deliverToImap } from '../helpers/dovecot';
import { uniqueEmail } from '../helpers/factories';
import { inboundFixture } from '../helpers/inbound-fixtures';
import { smartleadCaller, smartleadConformance } from '../helpers/smartlead-api';
import { connectTestStack, eventually, messagesTo, rawMessage, type TestStack } from '../helpers/test-stack';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

interface LeadRow {
  status: string;
  lead: { id: number; email: string; first_name: string | null };
}
interface HistoryEntry {
  type: 'SENT' | 'REPLY';
  message_id: string;
  subject: string;
  time: string;
}

/**
 * One campaign's whole life through the Smartlead-compatible API only, as a migrating user's script drives it:
 * no native call, no SQL. Set up (sequence, schedule, settings, an account on the test SMTP server and Dovecot),
 * leads added and started, a lead paused and resumed, a reply read over IMAP, the counts and the export.
 */
describe('a campaign’s life through the Smartlead-compatible API', () => {
  let stack: TestStack;
  let apiKey: string;

  beforeAll(async () => {
    stack = await connectTestStack();
    ({ apiKey } = await stack.newOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  /** A request as a Smartlead client sends it (`?api_key=` on the URL), its answer as the document says. */
  const call = smartleadCaller(() => ({ app: stack.app, apiKey }), smartleadConformance({ includeBody: true }));

  it('when a campaign is set up, started, its leads emailed, paused, resumed and replied to, then each step shows', async () => {
    const id = crypto.randomBytes(4).toString('hex');
    const leads = [
      { email: uniqueEmail('ada'), first_name: 'Ada', last_name: 'Lovelace', company_name: 'Engines' },
      { email: uniqueEmail('grace'), first_name: 'Grace', last_name: 'Hopper', company_name: 'Compilers' },
      // Without the last name step 1 uses: START is refused until the lead is updated.
      { email: uniqueEmail('alan'), first_name: 'Alan', company_name: 'Machines' },
    ];
    const [ada, grace, alan] = leads as [(typeof leads)[0], (typeof leads)[0], (typeof leads)[0]];

    // Set up: campaign, sequence, schedule, settings.
    const created = await call('post', '/campaigns/create').send({ name: 'Lifecycle', client_id: null }).expect(200);
    expect(created.body).toMatchObject({ ok: true, name: 'Lifecycle' });
    const campaign = created.body.id as number;
    await call('post', `/campaigns/${campaign}/sequences`)
      .send({
        sequences: [
          {
            seq_number: 1,
            seq_delay_details: { delay_in_days: 0 },
            subject: 'Quick question, {{first_name}}',
            email_body: '<p>Hi {{first_name}} {{last_name}},</p><p>Is {{company_name}} hiring?</p>',
          },
          // Smartlead's delays are in days: step 2 stays scheduled through the test (a day after step 1).
          {
            seq_number: 2,
            seq_delay_details: { delay_in_days: 1 },
            subject: '',
            email_body: '<p>Following up, {{first_name}}.</p>',
          },
        ],
      })
      .expect(200);
    await call('post', `/campaigns/${campaign}/schedule`)
      .send({
        timezone: 'UTC',
        days_of_the_week: [0, 1, 2, 3, 4, 5, 6],
        start_hour: '00:00',
        end_hour: '23:59',
        min_time_btw_emails: 0,
        max_leads_per_day: 100,
      })
      .expect(200, { ok: true });
    await call('post', `/campaigns/${campaign}/settings`)
      .send({
        track_settings: ['DONT_EMAIL_OPEN', 'DONT_LINK_CLICK'],
        stop_lead_settings: 'REPLY_TO_AN_EMAIL',
        unsubscribe_text: '',
        send_as_plain_text: false,
      })
      .expect(200, { ok: true });
    const sequences = (await call('get', `/campaigns/${campaign}/sequences`).expect(200)).body as Array<{
      seq_number: number;
      seq_delay_details: { delay_in_days: number };
      email_body: string;
    }>;
    expect(sequences.map((step) => [step.seq_number, step.seq_delay_details.delay_in_days])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    // Smartlead's merge tags read back as posted.
    expect(sequences[0]!.email_body).toContain('{{company_name}}');
    expect((await call('get', `/campaigns/${campaign}`).expect(200)).body).toMatchObject({
      scheduler_cron_value: { tz: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], startHour: '00:00' },
      min_time_btwn_emails: 0,
      stop_lead_settings: 'REPLY_TO_AN_EMAIL',
    });

    // One sending account per lead (a mailbox rests a few minutes after a send; step 1 takes one that may send
    // now): each on the test SMTP server, its replies in a Dovecot mailbox of its own.
    const accounts: Array<{ id: number; sender: string; imapUser: string }> = [];
    for (const index of leads.keys()) {
      const sender = `sender-${id}-${index}@sender.test`;
      const imapUser = `mb-${id}-${index}@imap.test`;
      const saved = await call('post', '/email-accounts/save')
        .send({
          from_name: 'Sam Sender',
          from_email: sender,
          username: sender,
          password: 'secret-password',
          smtp_host: '127.0.0.1',
          smtp_port: stack.info.smtpPort,
          smtp_port_type: 'NONE',
          imap_host: stack.info.imap.host,
          imap_port: stack.info.imap.port,
          imap_port_type: 'NONE',
          imap_user_name: imapUser,
          imap_password: stack.info.imap.password,
          max_email_per_day: 100,
        })
        .expect(200);
      accounts.push({ id: saved.body.id as number, sender, imapUser });
    }
    await call('post', `/campaigns/${campaign}/email-accounts`)
      .send({ email_account_ids: accounts.map((account) => account.id) })
      .expect(200);
    const attached = (await call('get', `/campaigns/${campaign}/email-accounts`).expect(200)).body as Array<{
      id: number;
    }>;
    expect(attached.map((item) => item.id).sort()).toEqual(accounts.map((account) => account.id).sort());

    // Leads, then START.
    const added = await call('post', `/campaigns/${campaign}/leads`)
      .send({ lead_list: leads, settings: { ignore_global_block_list: false } })
      .expect(200);
    expect(added.body).toMatchObject({ ok: true, upload_count: 3, total_leads: 3 });
    const refused = await call('post', `/campaigns/${campaign}/status`).send({ status: 'START' }).expect(422);
    expect(refused.body).toMatchObject({ statusCode: 422, code: 'missing_merge_field' });
    expect(refused.body.errors).toEqual([expect.stringContaining(`contact ${alan.email}: step 1 needs "last_name"`)]);
    expect(JSON.stringify(refused.body)).not.toMatch(UUID);
    expect((await call('get', `/campaigns/${campaign}`).expect(200)).body.status).toBe('DRAFTED');
    const alanId = ((await call('get', `/campaigns/${campaign}/leads`).expect(200)).body.data as LeadRow[]).find(
      (row) => row.lead.email === alan.email,
    )!.lead.id;
    await call('post', `/campaigns/${campaign}/leads/${alanId}`).send({ last_name: 'Turing' }).expect(200);

    await call('post', `/campaigns/${campaign}/status`).send({ status: 'START' }).expect(200, { ok: true });
    expect((await call('get', `/campaigns/${campaign}`).expect(200)).body.status).toBe('ACTIVE');

    // Step 1 reaches each lead, its subject rendered, from the account.
    const received = await eventually(
      async () => {
        const messages = await Promise.all(leads.map((lead) => messagesTo(stack.info, [lead.email])));
        return messages.every((list) => list.length > 0) && messages;
      },
      { what: 'step 1 at each lead' },
    );
    for (const [index, lead] of leads.entries()) {
      expect(received[index]).toHaveLength(1);
      expect(received[index]![0]).toMatchObject({ subject: `Quick question, ${lead.first_name}` });
      const raw = await rawMessage(stack.info, received[index]![0]!);
      expect(raw).toContain(`Hi ${lead.first_name} ${lead.last_name ?? 'Turing'},`);
      expect(raw).toContain(`Is ${lead.company_name} hiring?`);
    }
    // Each from an account of the campaign.
    const senders = received.map((messages) => messages[0]!.envelopeFrom).sort();
    expect(senders).toEqual(accounts.map((account) => account.sender).sort());
    const leadRows = async () =>
      (await call('get', `/campaigns/${campaign}/leads?offset=0&limit=100`).expect(200)).body.data as LeadRow[];
    const rowOf = async (email: string) => (await leadRows()).find((row) => row.lead.email === email)!;
    await eventually(async () => (await leadRows()).every((row) => row.status === 'INPROGRESS'), {
      what: 'every lead INPROGRESS',
    });
    const adaId = (await rowOf(ada.email)).lead.id;
    const graceId = (await rowOf(grace.email)).lead.id;

    // Pause and resume a lead.
    await call('post', `/campaigns/${campaign}/leads/${graceId}/pause`).expect(200);
    expect((await rowOf(grace.email)).status).toBe('PAUSED');
    await call('post', `/campaigns/${campaign}/leads/${graceId}/resume`).send({}).expect(200);
    expect((await rowOf(grace.email)).status).toBe('INPROGRESS');

    // A reply arrives over IMAP, in the thread of Ada's first email.
    const history = async (): Promise<HistoryEntry[]> =>
      (await call('get', `/campaigns/${campaign}/leads/${adaId}/message-history`).expect(200)).body.history;
    const [sent] = await history();
    expect(sent).toMatchObject({ type: 'SENT', subject: 'Quick question, Ada' });
    const adaAccount = accounts.find((account) => account.sender === received[0]![0]!.envelopeFrom)!;
    await eventually(
      async () => (await call('get', `/email-accounts/${adaAccount.id}`).expect(200)).body.is_imap_success === true,
      { what: 'the account’s IMAP connection' },
    );
    await deliverToImap(
      stack.info.imap,
      adaAccount.imapUser,
      inboundFixture('threaded-reply', {
        contactEmail: ada.email,
        mailboxEmail: adaAccount.sender,
        originalMessageId: sent!.message_id,
      }),
    );
    const replied = await eventually(
      async () => {
        const entries = await history();
        return entries.some((entry) => entry.type === 'REPLY') && entries;
      },
      { what: 'the reply in the message history' },
    );
    expect(replied.map((entry) => entry.type)).toEqual(['SENT', 'REPLY']);
    // REPLY_TO_AN_EMAIL: the lead stops at its reply; the others go on.
    const adaAfter = await eventually(
      async () => {
        const row = await rowOf(ada.email);
        return row.status !== 'INPROGRESS' && row;
      },
      { what: 'the lead’s status after its reply' },
    );
    expect(adaAfter.status).toBe('COMPLETED');
    expect((await rowOf(grace.email)).status).toBe('INPROGRESS');

    // The counts.
    const statistics = (await call('get', `/campaigns/${campaign}/statistics?offset=0&limit=100`).expect(200)).body;
    expect(statistics.total_stats).toBe('3');
    const adaStats = (statistics.data as Array<{ lead_email: string; reply_time: string | null }>).find(
      (row) => row.lead_email === ada.email,
    );
    expect(adaStats!.reply_time).toEqual(expect.any(String));
    const analytics = (await call('get', `/campaigns/${campaign}/analytics`).expect(200)).body;
    expect(analytics).toMatchObject({ id: campaign, status: 'ACTIVE', sent_count: '3', reply_count: '1' });

    // The export has every lead.
    const exported = await call('get', `/campaigns/${campaign}/leads-export`)
      .expect(200)
      .expect('content-type', /text\/csv/);
    const lines = exported.text.trim().split('\n');
    expect(lines[0]).toBe(LEADS_EXPORT_COLUMNS.join(','));
    expect(lines).toHaveLength(4);
    for (const lead of leads) expect(lines.some((line) => line.includes(lead.email))).toBe(true);

    // Nothing more was sent: step 2 waits a day.
    for (const lead of leads) expect(await messagesTo(stack.info, [lead.email])).toHaveLength(1);
  });
});
