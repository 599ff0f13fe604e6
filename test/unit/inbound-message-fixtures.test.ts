import crypto from 'node:crypto';
import { parseInboundMessage } from '../../src/mail/inbound-message';
import { contactEmail, INBOUND_FIXTURES, inboundFixture, MAILBOX, ourId } from '../helpers/inbound-fixtures';

/** The recorded replies, auto-replies, bounces and complaints of test/fixtures/inbound, as parsed. */
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
        text: expect.stringMatching(/^Hi Sam,\n\nThanks for reaching out[^]*\n> Sam\n$/),
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
});
