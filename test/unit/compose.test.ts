import crypto from 'node:crypto';
import { composeMessage, messageIdFor, type OutgoingMessage } from '../../src/mail/compose';

function outgoing(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    from: { email: 'sender@outreach.example', name: 'Sam Sender' },
    to: 'ann@example.com',
    subject: 'Hello Ann',
    html: '<p>Hi <b>Ann</b>,</p><p>Quick question &amp; a link: <a href="https://example.com/x">here</a></p>',
    messageId: messageIdFor(crypto.randomUUID(), 1, 'sender@outreach.example'),
    thread: [],
    ...overrides,
  };
}

describe('messageIdFor', () => {
  describe('when called twice for the same enrollment and step', () => {
    it('then it returns the same Message-ID (a retried send reuses it)', () => {
      const enrollmentId = crypto.randomUUID();

      expect(messageIdFor(enrollmentId, 2, 'a@x.example')).toBe(messageIdFor(enrollmentId, 2, 'a@x.example'));
    });
  });

  describe('when the step or the enrollment differs', () => {
    it('then the Message-ID differs', () => {
      const enrollmentId = crypto.randomUUID();

      const ids = new Set([
        messageIdFor(enrollmentId, 1, 'a@x.example'),
        messageIdFor(enrollmentId, 2, 'a@x.example'),
        messageIdFor(crypto.randomUUID(), 1, 'a@x.example'),
      ]);

      expect(ids.size).toBe(3);
    });
  });

  describe('when formatted', () => {
    it("then it is wrapped in <> and ends with the sending mailbox's domain", () => {
      const id = messageIdFor(crypto.randomUUID(), 1, 'sender@outreach.example');

      expect(id).toMatch(/^<[A-Za-z0-9_-]{32}@outreach\.example>$/);
    });

    it('then it reveals nothing of the enrollment id', () => {
      const enrollmentId = crypto.randomUUID();

      expect(messageIdFor(enrollmentId, 1, 'a@x.example')).not.toContain(enrollmentId.slice(0, 8));
    });

    it('then an address without a domain falls back to localhost', () => {
      expect(messageIdFor(crypto.randomUUID(), 1, 'no-domain')).toMatch(/@localhost>$/);
    });
  });
});

describe('composeMessage', () => {
  describe('when composing the first step', () => {
    it('then sender, recipient, subject, HTML and Message-ID are set', () => {
      const message = outgoing();

      const mail = composeMessage(message);

      expect(mail).toMatchObject({
        from: { address: 'sender@outreach.example', name: 'Sam Sender' },
        to: 'ann@example.com',
        subject: 'Hello Ann',
        html: message.html,
        messageId: message.messageId,
      });
    });

    it('then there are no threading headers', () => {
      const mail = composeMessage(outgoing({ thread: [] }));

      expect(mail).not.toHaveProperty('inReplyTo');
      expect(mail).not.toHaveProperty('references');
    });

    it('then a sender without a name gets an empty display name', () => {
      const mail = composeMessage(outgoing({ from: { email: 'sender@outreach.example', name: null } }));

      expect(mail.from).toEqual({ address: 'sender@outreach.example', name: '' });
    });
  });

  describe('when composing a follow-up', () => {
    it('then In-Reply-To is the last message of the thread and References the whole thread, oldest first', () => {
      const enrollmentId = crypto.randomUUID();
      const thread = [1, 2].map((position) => messageIdFor(enrollmentId, position, 'sender@outreach.example'));

      const mail = composeMessage(
        outgoing({ thread, messageId: messageIdFor(enrollmentId, 3, 'sender@outreach.example') }),
      );

      expect(mail.inReplyTo).toBe(thread[1]);
      expect(mail.references).toEqual(thread);
    });
  });

  describe('when generating the plain-text part', () => {
    it('then it is the HTML converted to text, with tags removed and entities decoded', () => {
      const mail = composeMessage(outgoing());

      expect(typeof mail.text).toBe('string');
      const text = mail.text as string;
      expect(text).toContain('Hi Ann,');
      expect(text).toContain('Quick question & a link');
      expect(text).toContain('https://example.com/x');
      expect(text).not.toMatch(/<[a-z/]/i);
    });
  });
});
