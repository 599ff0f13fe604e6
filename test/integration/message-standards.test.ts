import crypto from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import request from 'supertest';
import { campaignBody, dkimKeys, uniqueEmail } from '../helpers/factories';
import { spamAssassinScore } from '../helpers/spamassassin';
import {
  stackWithOrganization,
  eventually,
  messagesTo,
  pathOf,
  rawMessage,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

function listUnsubscribe(mail: ParsedMail): { url: string; mailto: string } {
  // The raw line: mailparser turns List-* headers into its own structure.
  const header = mail.headerLines.find((line) => line.key === 'list-unsubscribe')?.line ?? '';
  const links = [...header.matchAll(/<([^>]+)>/g)].map((match) => match[1]!);
  return {
    url: links.find((link) => link.startsWith('http'))!,
    mailto: links.find((link) => link.startsWith('mailto:'))!,
  };
}

describe('the messages a sequence sends', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Creates a campaign from the factory body with `settings` and `steps`, enrolls `contacts` and dispatches. */
  async function run(
    settings: Record<string, unknown>,
    steps: { subject?: string; body_html: string; body_text?: string; delay_minutes: number }[],
    contacts: Record<string, string>[],
    credential: Record<string, unknown> = {},
  ) {
    const body = campaignBody(stack.info);
    const campaign = {
      ...body.campaign,
      ...settings,
      smtp_credentials: [{ ...body.campaign.smtp_credentials[0], ...credential }],
      sequence_steps: steps.map((step, index) => ({ position: index + 1, ...step })),
    };
    const campaignId: string = (await api.post('/api/v1/campaigns', { campaign }).expect(201)).body.data.id;
    const enrollmentIds: string[] = [];
    for (const contact of contacts) {
      const enrolled = await api.post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact }).expect(201);
      enrollmentIds.push(enrolled.body.data.id);
    }
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);
    return { campaignId, enrollmentIds, fromEmail: campaign.smtp_credentials[0]!.smtp_username as string };
  }

  /** The first `count` messages to `email`, parsed, with their raw text. */
  async function received(email: string, count: number) {
    const captured = await eventually(
      async () => {
        const messages = await messagesTo(stack.info, [email]);
        return messages.length >= count ? messages.slice(0, count) : null;
      },
      { what: `${count} message(s) to ${email}` },
    );
    return Promise.all(
      captured.map(async (message) => {
        const raw = await rawMessage(stack.info, message);
        return { raw, mail: await simpleParser(raw) };
      }),
    );
  }

  describe('when the sample campaign (3 steps, DKIM, unsubscribe footer) reaches a contact', () => {
    const keys = dkimKeys();
    const email = uniqueEmail('ada');
    let messages: { raw: string; mail: ParsedMail }[];
    let fromEmail: string;

    beforeAll(async () => {
      ({ fromEmail } = await run(
        { unsubscribe_text: 'Unsubscribe from these emails' },
        [
          {
            subject: 'Hi {{first_name}}',
            body_html:
              '<p>Hello {{first_name}}, how are things at {{company}}? We help teams send outreach they own, ' +
              'from their own servers. Would a short call next week be useful?</p><p>Best,<br>Sam</p>',
            delay_minutes: 0,
          },
          {
            body_html: '<p>Just bumping this up, {{first_name}}. Happy to share a short demo if it helps.</p>',
            delay_minutes: 1 / 60,
          },
          {
            subject: 'Last note',
            body_html: '<p>Closing the loop, {{first_name}}. Have a great week!</p><p>Sam</p>',
            delay_minutes: 1 / 60,
          },
        ],
        [{ email, first_name: 'Ada', company: 'Analytical Engines' }],
        { dkim_domain: 'sender.test', dkim_selector: 'seq2026', dkim_private_key: keys.pem },
      ));
      messages = await received(email, 3);
    });

    it('then each has a Message-ID on the mailbox domain, a Date and the From display name', () => {
      for (const { mail } of messages) {
        expect(mail.messageId).toMatch(/^<[A-Za-z0-9_-]+@sender\.test>$/);
        expect(mail.headers.has('date')).toBe(true);
        expect(Math.abs(mail.date!.getTime() - Date.now())).toBeLessThan(10 * 60_000);
        expect(mail.from?.value).toEqual([{ address: fromEmail, name: 'Sequencer Tests' }]);
        expect(mail.to).toMatchObject({ value: [{ address: email }] });
      }
      expect(new Set(messages.map(({ mail }) => mail.messageId)).size).toBe(3);
    });

    it('then each follow-up threads under the steps before it, answering under step 1 unless it has a subject', () => {
      const [first, second, third] = messages.map(({ mail }) => mail);
      expect(first!.subject).toBe('Hi Ada');
      expect(first!.inReplyTo).toBeUndefined();
      expect(first!.references).toBeUndefined();
      expect(second!.subject).toBe('Re: Hi Ada');
      expect(second!.inReplyTo).toBe(first!.messageId);
      expect([second!.references].flat()).toEqual([first!.messageId]);
      expect(third!.subject).toBe('Last note');
      expect(third!.inReplyTo).toBe(second!.messageId);
      expect(third!.references).toEqual([first!.messageId, second!.messageId]);
    });

    it('then each is multipart/alternative with a plain-text part from the HTML, the footer in both parts', () => {
      for (const { raw, mail } of messages) {
        expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
        expect(mail.text).toContain('Ada');
        expect(mail.text).not.toMatch(/<[a-z/]/i);
        const { url } = listUnsubscribe(mail);
        expect(mail.text).toContain(`Unsubscribe from these emails: ${url}`);
        expect(mail.html).toContain(`<a href="${url}">Unsubscribe from these emails</a>`);
      }
      expect(messages[0]!.mail.text).toContain('how are things at Analytical Engines?');
      // Tracking is off by default: no pixel, no redirected links.
      expect(messages.map(({ mail }) => String(mail.html)).join('')).not.toMatch(/\/t\/[oc]\//);
    });

    it('then List-Unsubscribe carries a signed https link and a mailto, with one-click List-Unsubscribe-Post', () => {
      const tokens = new Set<string>();
      for (const { mail } of messages) {
        const { url, mailto } = listUnsubscribe(mail);
        expect(url).toMatch(new RegExp(`^${stack.info.publicBaseUrl}/u/[A-Za-z0-9_-]{40,}$`));
        expect(mailto).toBe(`mailto:${fromEmail}?subject=unsubscribe`);
        const post = mail.headerLines.filter((line) => line.key === 'list-unsubscribe-post');
        expect(post.map((line) => line.line)).toEqual(['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);
        tokens.add(url);
      }
      expect(tokens.size).toBe(1); // one per enrollment
    });

    it('then the DKIM signature verifies and covers From, To, Subject, Date, Message-ID and both List-Unsubscribe headers', async () => {
      const resolver = keys.resolverAt('seq2026', 'sender.test');
      for (const { raw } of messages) {
        const { results } = await dkimVerify(Buffer.from(raw), { resolver });
        expect(results).toHaveLength(1);
        expect(results[0]!.status.result).toBe('pass');
        expect(results[0]!.signingDomain).toBe('sender.test');
        // mailauth's typings leave out the list of signed headers it returns.
        const { signingHeaders } = results[0] as unknown as { signingHeaders: { keys: string } };
        const signed = signingHeaders.keys.toLowerCase().split(': ');
        for (const header of [
          'from',
          'to',
          'subject',
          'date',
          'message-id',
          'list-unsubscribe',
          'list-unsubscribe-post',
        ]) {
          expect(signed).toContain(header);
        }
      }
    });

    it('then SpamAssassin scores each below 2.0, without MISSING_DATE, MISSING_MID or MIME_HTML_ONLY', async () => {
      for (const { raw } of messages) {
        const { score, rules } = await spamAssassinScore(raw);
        expect(score).toBeLessThan(2.0);
        expect(rules).not.toEqual(expect.arrayContaining(['MISSING_DATE']));
        expect(rules).not.toEqual(expect.arrayContaining(['MISSING_MID']));
        expect(rules).not.toEqual(expect.arrayContaining(['MIME_HTML_ONLY']));
      }
    });
  });

  describe('when the contact uses the unsubscribe link', () => {
    const email = uniqueEmail('una');
    let url: string;
    let enrollments: { campaignId: string; enrollmentId: string }[];

    beforeAll(async () => {
      // Enrolled in two campaigns: one-click must end both.
      const steps = [
        { subject: 'Hello {{first_name}}', body_html: '<p>Hi {{first_name}}</p>', delay_minutes: 0 },
        { body_html: '<p>Following up</p>', delay_minutes: 1 },
      ];
      const first = await run({}, steps, [{ email, first_name: 'Una' }]);
      const second = await run({}, steps, [{ email, first_name: 'Una' }]);
      enrollments = [first, second].map((run) => ({ campaignId: run.campaignId, enrollmentId: run.enrollmentIds[0]! }));
      const [message] = await received(email, 1);
      url = listUnsubscribe(message!.mail).url;
    });

    const contactStatus = async () => (await stack.db.repos.contacts.findByEmail(organizationId, email))!.status;
    const enrollmentStatuses = async () =>
      Promise.all(
        enrollments.map(
          async ({ campaignId, enrollmentId }) =>
            (await api.get(`/api/v1/campaigns/${campaignId}/enrollments/${enrollmentId}`).expect(200)).body.data
              .status as string,
        ),
      );

    it('then opening the link shows a confirmation page with a button and unsubscribes no one', async () => {
      const page = await request(stack.app).get(pathOf(url)).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain(email);
      expect(page.text).toContain('<form method="post">');
      expect(await contactStatus()).toBe('active');
    });

    it("then a test send's link explains that it unsubscribes no one", async () => {
      for (const answer of [
        await request(stack.app).get('/u/test').expect(200),
        await request(stack.app).post('/u/test').type('form').send('List-Unsubscribe=One-Click').expect(200),
      ]) {
        expect(answer.text).toContain('test message');
      }
      expect(await contactStatus()).toBe('active');
    });

    it('then a tampered or forged token gets 404 and changes nothing', async () => {
      const token = pathOf(url).split('/').pop()!;
      const flipped = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
      for (const forged of [flipped, token.slice(0, -2), `${token}AA`, crypto.randomBytes(33).toString('base64url')]) {
        await request(stack.app).get(`/u/${forged}`).expect(404);
        await request(stack.app).post(`/u/${forged}`).type('form').send('List-Unsubscribe=One-Click').expect(404);
      }
      expect(await contactStatus()).toBe('active');
      expect(await enrollmentStatuses()).toEqual(['active', 'active']);
    });

    it('then the one-click POST unsubscribes the contact and ends every running enrollment at once', async () => {
      const answer = await request(stack.app)
        .post(pathOf(url))
        .type('form')
        .send('List-Unsubscribe=One-Click')
        .expect(200);
      expect(answer.text).toContain('is unsubscribed');
      expect(await contactStatus()).toBe('unsubscribed');
      expect(await enrollmentStatuses()).toEqual(['unsubscribed', 'unsubscribed']);
      const stamped = await stack.db.repos.messages.findByStep(enrollments[0]!.enrollmentId, 1);
      expect(stamped?.unsubscribedAt).toBeInstanceOf(Date);
      const totals = (await api.get(`/api/v1/campaigns/${enrollments[0]!.campaignId}`).expect(200)).body.data.totals;
      expect(totals.unsubscribed).toBe(1);
      // Asked twice (clients retry): still fine, nothing more changes.
      await request(stack.app).post(pathOf(url)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    });
  });

  describe('when the campaign tracks opens and clicks and stops on a click', () => {
    const email = uniqueEmail('tia');
    let html: string;
    let text: string;
    let campaignId: string;
    let enrollmentId: string;

    beforeAll(async () => {
      const started = await run(
        { track_opens: true, track_clicks: true, stop_on: 'click' },
        [
          {
            subject: 'Pricing',
            body_html:
              '<p>Hi {{first_name}}, see <a href="https://example.com/pricing?a=1&amp;b=2">our pricing</a> or ' +
              '<a href="mailto:sales@example.com">write to us</a>.</p>',
            delay_minutes: 0,
          },
          { body_html: '<p>Any thoughts?</p>', delay_minutes: 1 },
        ],
        [{ email, first_name: 'Tia' }],
      );
      ({ campaignId } = started);
      enrollmentId = started.enrollmentIds[0]!;
      const [message] = await received(email, 1);
      html = String(message!.mail.html);
      text = String(message!.mail.text);
    });

    const messageRow = async () => (await stack.db.repos.messages.findByStep(enrollmentId, 1))!;

    it('then the HTML has a pixel and tracked http links; mailto links and the text part are untouched', () => {
      expect(html).toMatch(/<img src="http[^"]+\/t\/o\/[A-Za-z0-9_-]+" width="1" height="1" alt="">/);
      expect(html).toMatch(/<a href="http[^"]+\/t\/c\/[A-Za-z0-9_-]+">our pricing<\/a>/);
      expect(html).toContain('<a href="mailto:sales@example.com">');
      expect(text).toContain('https://example.com/pricing?a=1&b=2');
      expect(text).not.toContain('/t/c/');
    });

    it('then the pixel records one open however often it loads', async () => {
      const pixel = pathOf(/<img src="([^"]+)"/.exec(html)![1]!);
      const answer = await request(stack.app).get(pixel).expect(200);
      expect(answer.headers['content-type']).toBe('image/gif');
      const { openedAt: first } = await messageRow();
      expect(first).toBeInstanceOf(Date);
      await request(stack.app).get(pixel).expect(200);
      expect((await messageRow()).openedAt).toEqual(first);
      expect((await api.get(`/api/v1/campaigns/${campaignId}`).expect(200)).body.data.totals.opened).toBe(1);
    });

    it('then a click redirects to the link, is recorded once, and stops the sequence', async () => {
      const link = pathOf(/<a href="([^"]+\/t\/c\/[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&'));
      const answer = await request(stack.app).get(link).expect(302);
      expect(answer.headers.location).toBe('https://example.com/pricing?a=1&b=2');
      const { clickedAt: first } = await messageRow();
      expect(first).toBeInstanceOf(Date);
      await request(stack.app).get(link).expect(302);
      expect((await messageRow()).clickedAt).toEqual(first);
      const enrollment = (await api.get(`/api/v1/campaigns/${campaignId}/enrollments/${enrollmentId}`).expect(200)).body
        .data;
      expect(enrollment.status).toBe('stopped');
      await request(stack.app)
        .get(`${link.slice(0, -3)}xyz`)
        .expect(404);
    });
  });

  describe('when the campaign stops on an open', () => {
    it('then loading the pixel ends the sequence before its next step', async () => {
      const email = uniqueEmail('ora');
      const { campaignId, enrollmentIds } = await run(
        { track_opens: true, stop_on: 'open' },
        [
          { subject: 'Hello', body_html: '<p>Hi {{first_name}}</p>', delay_minutes: 0 },
          { body_html: '<p>Any thoughts?</p>', delay_minutes: 1 },
        ],
        [{ email, first_name: 'Ora' }],
      );
      const [message] = await received(email, 1);
      const pixel = pathOf(/<img src="([^"]+)"/.exec(String(message!.mail.html))![1]!);

      await request(stack.app).get(pixel).expect(200);

      const enrollment = (await api.get(`/api/v1/campaigns/${campaignId}/enrollments/${enrollmentIds[0]}`).expect(200))
        .body.data;
      expect(enrollment.status).toBe('stopped');
    });
  });

  describe('when the campaign sends plain text only', () => {
    it('then the message has one text/plain part, with the footer and no HTML', async () => {
      const email = uniqueEmail('pia');
      await run(
        { send_as_plain_text: true, unsubscribe_text: 'Unsubscribe', track_opens: true, track_clicks: true },
        [
          {
            subject: 'Plain',
            body_html: '<p>Hi {{first_name}}, <a href="https://example.com">a link</a>.</p>',
            delay_minutes: 0,
          },
        ],
        [{ email, first_name: 'Pia' }],
      );
      const [{ raw, mail }] = (await received(email, 1)) as [{ raw: string; mail: ParsedMail }];
      expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8/m);
      expect(raw).not.toMatch(/text\/html/);
      expect(mail.html).toBe(false);
      expect(mail.text).toContain('Hi Pia, a link [https://example.com]');
      expect(mail.text).toMatch(/Unsubscribe: http\S+\/u\/[A-Za-z0-9_-]+/);
    });

    it("then a step's own text is sent instead of the generated one", async () => {
      const email = uniqueEmail('tex');
      await run(
        {},
        [
          {
            subject: 'Own text',
            body_html: '<p>HTML for {{first_name}}</p>',
            body_text: 'Text for {{first_name}}',
            delay_minutes: 0,
          },
        ],
        [{ email, first_name: 'Tex' }],
      );
      const [{ mail }] = (await received(email, 1)) as [{ raw: string; mail: ParsedMail }];
      expect(mail.text?.trim()).toBe('Text for Tex');
      expect(mail.html).toContain('HTML for Tex');
    });
  });

  describe('when a contact field used by a step holds a line break', () => {
    it('then dispatch refuses it naming the contact and the field, and nothing is sent', async () => {
      const email = uniqueEmail('eve');
      const body = campaignBody(stack.info, { steps: [{ subject: 'For {{company}}', delaySeconds: 0 }] });
      const campaignId: string = (await api.post('/api/v1/campaigns', body).expect(201)).body.data.id;
      await api
        .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, {
          contact: { email, first_name: 'Eve', company: 'Acme\r\nBcc: victim@example.test' },
        })
        .expect(201);
      const refused = await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(422);
      expect(refused.body.code).toBe('invalid_merge_field');
      expect(refused.body.errors.join('\n')).toContain(`${email}`);
      expect(refused.body.errors.join('\n')).toContain('"company"');
      expect(await messagesTo(stack.info, [email, 'victim@example.test'])).toEqual([]);
    });
  });
});
