import crypto from 'node:crypto';
import { parseInboundMessage } from '../../src/mail/inbound-message';
import { REPLY_LINE_MAX } from '../../src/mail/reply-line';
import { INBOUND_FIXTURES, inboundFixture } from '../helpers/inbound-fixtures';

const ourId = () => `<${crypto.randomBytes(24).toString('base64url')}@sender.example>`;
const contactEmail = () => `Dana.${crypto.randomBytes(4).toString('hex')}@Whitfield.example`;
const MAILBOX = 'sam@sender.example';

/** A raw message from header lines and a body. */
const eml = (headers: string[], body = 'Hello there.') => [...headers, '', body].join('\r\n');

/** A multipart/report delivery-status message around the given report body. */
function dsn(deliveryStatus: string, options: { returned?: string; contentType?: string; partType?: string } = {}) {
  const boundary = `b-${crypto.randomBytes(6).toString('hex')}`;
  return eml(
    [
      'From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)',
      `To: ${MAILBOX}`,
      'Subject: Delivery Status Notification',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      `Content-Type: ${options.contentType ?? 'multipart/report; report-type=delivery-status'}; boundary="${boundary}"`,
    ],
    [
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      `--${boundary}`,
      `Content-Type: ${options.partType ?? 'message/delivery-status'}`,
      '',
      deliveryStatus,
      ...(options.returned ? [`--${boundary}`, 'Content-Type: text/rfc822-headers', '', options.returned] : []),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

describe('parseInboundMessage', () => {
  describe('when given the fixtures', () => {
    it("then a person's threaded reply is a message referencing our ids, In-Reply-To first", async () => {
      const [first, second, contact] = [ourId(), ourId(), contactEmail()];
      const messageId = `<${crypto.randomUUID()}@mail.example>`;
      const date = new Date('2024-06-11T09:30:00Z');

      const parsed = await parseInboundMessage(
        inboundFixture('threaded-reply', {
          contactEmail: contact,
          mailboxEmail: MAILBOX,
          originalMessageId: second,
          threadIds: [first, second],
          messageId,
          date,
        }),
      );

      expect(parsed).toEqual({
        messageId,
        from: contact.toLowerCase(),
        subject: 'Re: Quick question about your onboarding',
        date,
        referencedIds: [second, first],
        snippet: expect.stringMatching(/^Hi Sam, Thanks for reaching out — the timing is actually good\./),
        classification: { kind: 'message' },
      });
      expect(parsed.snippet).not.toMatch(/\s{2}|\n/);
    });

    it('then a reply whose threading headers were stripped is a message without referenced ids', async () => {
      const contact = contactEmail();

      const parsed = await parseInboundMessage(
        inboundFixture('reply-stripped-references', { contactEmail: contact, mailboxEmail: MAILBOX }),
      );

      expect(parsed).toMatchObject({
        from: contact.toLowerCase(),
        subject: 'Re: Quick question about your onboarding',
        referencedIds: [],
        snippet: expect.stringMatching(/^Not right now, thanks\./),
        classification: { kind: 'message' },
      });
    });

    it('then an Exchange out-of-office is an auto-reply that still references our message', async () => {
      const [original, contact] = [ourId(), contactEmail()];

      const parsed = await parseInboundMessage(
        inboundFixture('out-of-office', { contactEmail: contact, mailboxEmail: MAILBOX, originalMessageId: original }),
      );

      expect(parsed).toMatchObject({
        from: contact.toLowerCase(),
        referencedIds: [original],
        classification: { kind: 'auto_reply', reason: 'Auto-Submitted: auto-replied' },
      });
    });

    it('then a Postfix 5.1.1 report is a hard bounce with the recipient and our Message-ID', async () => {
      const [original, contact] = [ourId(), contactEmail()];

      const parsed = await parseInboundMessage(
        inboundFixture('dsn-hard-5.1.1', { contactEmail: contact, mailboxEmail: MAILBOX, originalMessageId: original }),
      );

      expect(parsed.from).toBe('mailer-daemon@mx.sender.example');
      expect(parsed.referencedIds).toEqual([]);
      expect(parsed.classification).toEqual({
        kind: 'bounce',
        severity: 'hard',
        recipient: contact.toLowerCase(),
        status: '5.1.1',
        action: 'failed',
        diagnostic: `550 5.1.1 <${contact}>: Recipient address rejected: User unknown in virtual mailbox table`,
        originalMessageId: original,
      });
    });

    it('then a Sendmail delay warning is a soft bounce, the Message-ID read from the returned message', async () => {
      const [original, contact] = [ourId(), contactEmail()];

      const parsed = await parseInboundMessage(
        inboundFixture('dsn-delayed', { contactEmail: contact, mailboxEmail: MAILBOX, originalMessageId: original }),
      );

      expect(parsed.classification).toEqual({
        kind: 'bounce',
        severity: 'soft',
        recipient: contact.toLowerCase(),
        status: '4.4.1',
        action: 'delayed',
        diagnostic: null,
        originalMessageId: original,
      });
    });

    it('then an ARF abuse report is a complaint naming the recipient and our Message-ID', async () => {
      const [original, contact] = [ourId(), contactEmail()];

      const parsed = await parseInboundMessage(
        inboundFixture('arf-complaint', { contactEmail: contact, mailboxEmail: MAILBOX, originalMessageId: original }),
      );

      expect(parsed.from).toBe('staff@hotmail.com');
      expect(parsed.classification).toEqual({
        kind: 'complaint',
        recipient: contact.toLowerCase(),
        feedbackType: 'abuse',
        originalMessageId: original,
      });
    });

    it('then a bulk newsletter is a plain message (correlation will find it unrelated)', async () => {
      const parsed = await parseInboundMessage(
        inboundFixture('newsletter', { contactEmail: contactEmail(), mailboxEmail: MAILBOX }),
      );

      expect(parsed).toMatchObject({
        from: 'news@news.tooling.example',
        subject: 'This week: 5 workflow tips 🚀',
        referencedIds: [],
        classification: { kind: 'message' },
      });
    });

    it.each(INBOUND_FIXTURES)('then %s keeps its own Message-ID and date', async (name) => {
      const messageId = ourId();
      const date = new Date('2024-06-11T09:30:00Z');

      const parsed = await parseInboundMessage(
        inboundFixture(name, {
          contactEmail: contactEmail(),
          mailboxEmail: MAILBOX,
          originalMessageId: ourId(),
          messageId,
          date,
        }),
      );

      expect(parsed.messageId).toBe(messageId);
      expect(parsed.date).toEqual(date);
    });

    it('then a fixture missing a value it needs throws instead of leaving a placeholder', () => {
      expect(() => inboundFixture('threaded-reply', { contactEmail: contactEmail(), mailboxEmail: MAILBOX })).toThrow(
        /ORIGINAL_MESSAGE_ID/,
      );
    });
  });

  describe('when a message carries auto-reply headers', () => {
    it.each([
      ['Auto-Submitted: auto-replied', 'Auto-Submitted: auto-replied'],
      ['Auto-Submitted: auto-generated (warning-timeout)', 'Auto-Submitted: auto-generated (warning-timeout)'],
      ['auto-submitted: Auto-Replied', 'Auto-Submitted: Auto-Replied'],
      ['Precedence: auto_reply', 'Precedence: auto_reply'],
      ['X-Autoreply: yes', 'X-Autoreply: yes'],
      ['X-Autorespond: Vacation message', 'X-Autorespond: Vacation message'],
      ['X-Auto-Response-Suppress: All', 'X-Auto-Response-Suppress: All'],
      ['X-Auto-Response-Suppress: OOF', 'X-Auto-Response-Suppress: OOF'],
      ['X-Auto-Response-Suppress: DR, OOF, AutoReply', 'X-Auto-Response-Suppress: DR, OOF, AutoReply'],
      ['X-Autogenerated: Reply', 'X-Autogenerated: Reply'],
    ])('then "%s" makes it an auto-reply', async (header, reason) => {
      const parsed = await parseInboundMessage(
        eml(['From: dana@whitfield.example', 'Subject: Re: Quick question', header]),
      );

      expect(parsed.classification).toEqual({ kind: 'auto_reply', reason });
    });

    it.each([
      'Auto-Submitted: no',
      'Auto-Submitted: No (sent by a person)',
      'Precedence: bulk',
      'Precedence: list',
      'Precedence: junk',
      'X-Auto-Response-Suppress: RN, NRN',
      'X-Autoreply: no',
      'X-Autogenerated: Forward',
    ])('then "%s" alone does not', async (header) => {
      const parsed = await parseInboundMessage(
        eml(['From: dana@whitfield.example', 'Subject: Re: Quick question', header]),
      );

      expect(parsed.classification).toEqual({ kind: 'message' });
    });
  });

  describe('when only the subject says so', () => {
    it.each([
      ['Automatic reply: Quick question', 'automatic reply'],
      ['Auto-Reply: Quick question', 'auto-reply'],
      ['AutoReply: Quick question', 'autoreply'],
      ['Out of Office: Quick question', 'out of office'],
      ['Out of the office until 14 June', 'out of the office'],
      ['Re: Quick question [Out of Office]', 'out of office'],
      ['Abwesenheitsnotiz: Kurze Frage', 'abwesenheitsnotiz'],
      ['Réponse automatique : Petite question', 'reponse automatique'],
      ['Respuesta automática: Pregunta rápida', 'respuesta automatica'],
    ])('then "%s" is an auto-reply', async (subject, matched) => {
      const parsed = await parseInboundMessage(eml(['From: dana@whitfield.example', `Subject: ${subject}`]));

      expect(parsed.classification).toEqual({ kind: 'auto_reply', reason: `Subject: ${matched}` });
    });

    it.each(['Re: how do you auto reply to leads?', 'Re: out of office coverage next week', 'Re: Quick question'])(
      'then a person writing "%s" is a message',
      async (subject) => {
        const parsed = await parseInboundMessage(eml(['From: dana@whitfield.example', `Subject: ${subject}`]));

        expect(parsed.classification).toEqual({ kind: 'message' });
      },
    );
  });

  describe('when a delivery-status report arrives', () => {
    it('then folded, odd-case fields in a CRLF base64 part are still read', async () => {
      const report = [
        'reporting-mta: dns; mx.sender.example',
        '',
        'FINAL-RECIPIENT: RFC822;<Dana@Whitfield.Example>',
        'action: Failed',
        'STATUS: 5.2.2 (mailbox full)',
        'Diagnostic-Code: SMTP; 552-5.2.2 The email account that you tried to reach is',
        '\tover quota.',
        '',
      ].join('\r\n');
      const boundary = 'odd-boundary';
      const raw = eml(
        [
          'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
          'Subject: Delivery Status Notification (Failure)',
          `Content-Type: Multipart/Report; Report-Type="Delivery-Status"; boundary=${boundary}`,
        ],
        [
          `--${boundary}`,
          'Content-Type: text/plain',
          '',
          'Your message was not delivered.',
          `--${boundary}`,
          'Content-Type: Message/Delivery-Status',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from(report).toString('base64'),
          `--${boundary}--`,
        ].join('\r\n'),
      );

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toEqual({
        kind: 'bounce',
        severity: 'hard',
        recipient: 'dana@whitfield.example',
        status: '5.2.2',
        action: 'failed',
        diagnostic: '552-5.2.2 The email account that you tried to reach is over quota.',
        originalMessageId: null,
      });
    });

    it('then a report of only delivered or relayed recipients is a delivery notification, never a reply', async () => {
      const raw = dsn(
        [
          'Reporting-MTA: dns; mx.sender.example',
          '',
          'Final-Recipient: rfc822; dana@whitfield.example',
          'Action: delivered',
          'Status: 2.0.0',
          '',
          'Final-Recipient: rfc822; lee@whitfield.example',
          'Action: relayed',
          'Status: 2.0.0',
        ].join('\n'),
      );

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toEqual({ kind: 'auto_reply', reason: 'delivery notification' });
    });

    it('then the first failed recipient is the one reported, after a delivered one', async () => {
      const original = ourId();
      const raw = dsn(
        [
          'Reporting-MTA: dns; mx.sender.example',
          '',
          'Final-Recipient: rfc822; lee@whitfield.example',
          'Action: delivered',
          'Status: 2.0.0',
          '',
          'Final-Recipient: rfc822; dana@whitfield.example',
          'Action: failed',
          'Status: 5.7.1',
        ].join('\n'),
        { returned: `From: ${MAILBOX}\nMessage-Id: ${original}\nSubject: Hi\n` },
      );

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toMatchObject({
        kind: 'bounce',
        severity: 'hard',
        recipient: 'dana@whitfield.example',
        status: '5.7.1',
        diagnostic: null,
        originalMessageId: original,
      });
    });

    it('then a failure with a 4.x.x status is soft', async () => {
      const raw = dsn('Final-Recipient: rfc822; dana@whitfield.example\nAction: failed\nStatus: 4.2.2\n');

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toMatchObject({ kind: 'bounce', severity: 'soft', status: '4.2.2' });
    });

    it('then an RFC 6533 global delivery-status part is read too', async () => {
      const raw = dsn('Final-Recipient: rfc822; dana@whitfield.example\nAction: failed\nStatus: 5.1.1\n', {
        partType: 'message/global-delivery-status',
      });

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toMatchObject({
        kind: 'bounce',
        severity: 'hard',
        recipient: 'dana@whitfield.example',
      });
    });

    it('then a hostile Diagnostic-Code is kept as one short printable line, as an SMTP reply is', async () => {
      const diagnostic = `smtp; 550 5.1.1 \u001b[2J\u001b]0;owned\u0007user\u202e unknown ${'x'.repeat(5000)}`;
      const raw = dsn(
        `Final-Recipient: rfc822; dana@whitfield.example\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: ${diagnostic}\n`,
      );

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toMatchObject({ kind: 'bounce', status: '5.1.1' });
      const stored = (parsed.classification as { diagnostic: string }).diagnostic;
      expect(stored.startsWith('550 5.1.1 user unknown xxx')).toBe(true);
      expect(Array.from(stored)).toHaveLength(REPLY_LINE_MAX);
    });
  });

  describe('when a bounce does not follow RFC 3464', () => {
    it('then a qmail failure notice from MAILER-DAEMON is a hard bounce, ids read from the quoted message', async () => {
      const original = ourId();
      const raw = eml(
        [
          'From: MAILER-DAEMON@mx.whitfield.example',
          `To: ${MAILBOX}`,
          'Subject: failure notice',
          'X-Failed-Recipients: Dana@Whitfield.example',
        ],
        [
          "Hi. This is the qmail-send program at mx.whitfield.example. I'm afraid I wasn't able to deliver your message.",
          '',
          '<dana@whitfield.example>:',
          'Sorry, no mailbox here by that name. (#5.1.1)',
          '',
          '--- Below this line is a copy of the message.',
          '',
          `Message-ID: ${original}`,
          'Subject: Quick question',
        ].join('\n'),
      );

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toEqual({
        kind: 'bounce',
        severity: 'hard',
        recipient: 'dana@whitfield.example',
        status: null,
        action: null,
        diagnostic: null,
        originalMessageId: original,
      });
    });

    it('then a delay notice without a report is a soft bounce', async () => {
      const raw = eml([
        'From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
        'Subject: Delivery Status Notification (Delay)',
      ]);

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toMatchObject({ kind: 'bounce', severity: 'soft', originalMessageId: null });
    });

    it('then a person saying their email was undelivered stays a message', async () => {
      const raw = eml(
        ['From: Dana <dana@whitfield.example>', 'Subject: Undelivered Mail Returned to Sender', 'In-Reply-To: <x@y>'],
        'Hi Sam, my email was undelivered yesterday, did you get my reply? Delivery failure again.',
      );

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toEqual({ kind: 'message' });
    });

    it('then any other message from MAILER-DAEMON is an auto-reply, never a person', async () => {
      const raw = eml(['From: MAILER-DAEMON (Mail Delivery System)', 'Subject: Postmaster notify: see transcript']);

      expect((await parseInboundMessage(raw)).classification).toEqual({
        kind: 'auto_reply',
        reason: 'From: mailer-daemon',
      });
    });

    it('then a reply from a person reading the postmaster mailbox stays a message', async () => {
      const raw = eml(['From: postmaster@whitfield.example', 'Subject: Re: Quick question']);

      expect((await parseInboundMessage(raw)).classification).toEqual({ kind: 'message' });
    });
  });

  describe('when a feedback report lacks the recipient field', () => {
    it("then the recipient comes from the attached original's To", async () => {
      const original = ourId();
      const raw = eml(
        [
          'From: feedback@arf.mail.yahoo.com',
          'Subject: FW: Quick question',
          'Content-Type: multipart/report; report-type=feedback-report; boundary=arf',
        ],
        [
          '--arf',
          'Content-Type: text/plain',
          '',
          'This is an email abuse report.',
          '--arf',
          'Content-Type: message/feedback-report',
          '',
          'Feedback-Type: abuse',
          'User-Agent: Yahoo!-Mail-Feedback/2.0',
          'Version: 0.1',
          '',
          '--arf',
          'Content-Type: text/rfc822-headers',
          '',
          `From: ${MAILBOX}`,
          'To: "Dana" <Dana@Whitfield.example>',
          `Message-ID: ${original}`,
          '--arf--',
        ].join('\n'),
      );

      const parsed = await parseInboundMessage(raw);

      expect(parsed.classification).toEqual({
        kind: 'complaint',
        recipient: 'dana@whitfield.example',
        feedbackType: 'abuse',
        originalMessageId: original,
      });
    });
  });

  describe('when reading the headers', () => {
    it('then a missing Message-ID, From and Date are null', async () => {
      const parsed = await parseInboundMessage(eml(['Subject: Hello']));

      expect(parsed).toMatchObject({ messageId: null, from: null, date: null, referencedIds: [] });
    });

    it('then an unparseable Date is null rather than the time of parsing', async () => {
      const parsed = await parseInboundMessage(eml(['From: dana@whitfield.example', 'Date: sometime last week']));

      expect(parsed.date).toBeNull();
    });

    it('then In-Reply-To alone is the referenced id, its case kept and comments ignored', async () => {
      const original = '<Xy12_-AbCdEfGhIjKlMnOpQrStUvWxYz0123@sender.example>';

      const parsed = await parseInboundMessage(
        eml([
          'From: "Whitfield, Dana" <Dana@Whitfield.EXAMPLE>',
          `In-Reply-To: Your message of Tue ${original} (sent)`,
        ]),
      );

      expect(parsed.referencedIds).toEqual([original]);
      expect(parsed.from).toBe('dana@whitfield.example');
    });

    it('then folded References are deduplicated against In-Reply-To, in header order', async () => {
      const [a, b, c] = [ourId(), ourId(), ourId()];

      const parsed = await parseInboundMessage(
        eml([`In-Reply-To: ${c}`, `References: ${a}`, `\t${b}  ${c}`, `Message-ID:   ${a.replace('@', '-self@')}  `]),
      );

      expect(parsed.referencedIds).toEqual([c, a, b]);
      expect(parsed.messageId).toBe(a.replace('@', '-self@'));
    });

    it('then a Message-ID without brackets gets them', async () => {
      const parsed = await parseInboundMessage(eml(['Message-ID: bare-id@mail.example']));

      expect(parsed.messageId).toBe('<bare-id@mail.example>');
    });
  });

  describe('when building the snippet', () => {
    it('then an HTML-only body is converted to text', async () => {
      const parsed = await parseInboundMessage(
        eml(['Content-Type: text/html; charset=utf-8'], '<p>Sounds <b>good</b>,</p>\n\n<p>let us talk.</p>'),
      );

      expect(parsed.snippet).toBe('Sounds good, let us talk.');
    });

    it('then a long body is cut at 500 characters', async () => {
      const parsed = await parseInboundMessage(eml([], 'word '.repeat(300)));

      expect(parsed.snippet).toHaveLength(500);
    });
  });

  describe('when another kind of report arrives', () => {
    it('then a read receipt is an auto-reply', async () => {
      const raw = eml(
        [
          'From: dana@whitfield.example',
          'Subject: Read: Quick question',
          'Content-Type: multipart/report; report-type=disposition-notification; boundary=mdn',
        ],
        '--mdn\nContent-Type: text/plain\n\nYour message was read.\n--mdn--\n',
      );

      expect((await parseInboundMessage(raw)).classification).toEqual({
        kind: 'auto_reply',
        reason: 'Content-Type: multipart/report; report-type=disposition-notification',
      });
    });
  });
});
