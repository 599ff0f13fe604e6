import crypto from 'node:crypto';
import { parseInboundMessage } from '../../src/mail/inbound-message';
import { REPLY_LINE_MAX } from '../../src/mail/reply-line';
import { eml, MAILBOX, ourId } from '../helpers/inbound-fixtures';

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

/** Delivery-status reports and other bounces, and feedback reports (complaints): who they name, how hard. */
describe('parseInboundMessage', () => {
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
});
