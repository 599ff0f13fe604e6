import crypto from 'node:crypto';
import { type AddressObject, simpleParser } from 'mailparser';
import {
  composeMessage,
  MAX_MESSAGE_BYTES,
  messageIdFor,
  type OutgoingMessage,
  UnsendableMessageError,
} from '../../src/mail/compose';

const SENDER = 'sender@outreach.example';
const UNSUBSCRIBE_URL = 'https://links.example/u/unsubscribe-token';
const PIXEL_URL = 'https://links.example/t/o/pixel-token';
const MAILTO = `mailto:${SENDER}?subject=unsubscribe`;

function outgoing(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    from: { email: SENDER, name: 'Sam Sender' },
    to: 'ann@example.com',
    subject: 'Hello Ann',
    html: '<p>Hi <b>Ann</b>,</p><p>Quick question &amp; a link: <a href="https://example.com/x">here</a></p>',
    text: null,
    plainTextOnly: false,
    messageId: messageIdFor(crypto.randomUUID(), 1, SENDER),
    thread: [],
    unsubscribe: { url: UNSUBSCRIBE_URL, mailto: MAILTO, footer: null },
    tracking: { pixelUrl: null, wrapLink: null },
    ...overrides,
  };
}

/** Composes the message and reads it back as a receiver would. */
async function compose(overrides: Partial<OutgoingMessage> = {}) {
  const composed = await composeMessage(outgoing(overrides));
  return { ...composed, mail: await simpleParser(composed.raw) };
}

/**
 * The values of one top-level header field, unfolded (RFC 5322 §2.2.3: CRLF before a space or tab is removed), read
 * from the raw bytes so nothing a parser normalises hides what was sent.
 */
function rawHeader(raw: Buffer, name: string): string[] {
  const text = raw.toString('utf8');
  const section = text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n(?=[ \t])/g, '');
  return section
    .split('\r\n')
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim());
}

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  [field ?? []].flat().flatMap((group) => group.value.map(({ address, name }) => ({ address, name })));

const trackingLink = (url: string) => `https://links.example/t/c/${encodeURIComponent(url)}`;

/** The error a rejected promise carried; fails when the promise resolved. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
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
    it('then From has the display name and address, To the recipient, and Subject and Message-ID are set', async () => {
      const message = outgoing();

      const { raw } = await composeMessage(message);

      const mail = await simpleParser(raw);
      expect(rawHeader(raw, 'From')).toEqual([`Sam Sender <${SENDER}>`]);
      expect(addresses(mail.from)).toEqual([{ address: SENDER, name: 'Sam Sender' }]);
      expect(addresses(mail.to)).toEqual([{ address: 'ann@example.com', name: '' }]);
      expect(mail.subject).toBe('Hello Ann');
      expect(mail.messageId).toBe(message.messageId);
      expect(rawHeader(raw, 'Message-ID')).toEqual([message.messageId]);
    });

    it('then Date is set once, to the time of composing', async () => {
      const before = Date.now();

      const { raw, mail } = await compose();

      expect(rawHeader(raw, 'Date')).toHaveLength(1);
      // The header has whole seconds.
      expect(mail.date!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(mail.date!.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('then there are no In-Reply-To or References headers', async () => {
      const { raw, mail } = await compose({ thread: [] });

      expect(rawHeader(raw, 'In-Reply-To')).toEqual([]);
      expect(rawHeader(raw, 'References')).toEqual([]);
      expect(mail.inReplyTo).toBeUndefined();
      expect(mail.references).toBeUndefined();
    });

    it('then a sender without a name is shown by address alone', async () => {
      const { raw, mail } = await compose({ from: { email: SENDER, name: null } });

      expect(rawHeader(raw, 'From')).toEqual([SENDER]);
      expect(addresses(mail.from)).toEqual([{ address: SENDER, name: '' }]);
    });

    it('then the envelope is from the sending mailbox to the recipient alone', async () => {
      const { envelope } = await compose();

      expect(envelope).toEqual({ from: SENDER, to: ['ann@example.com'] });
    });

    it('then a unicode subject and sender name come back unchanged', async () => {
      const { mail } = await compose({
        subject: 'Grüße, Zoë — 日本語 😀 "quoted": yes',
        from: { email: SENDER, name: 'Zoë Müller, Sales' },
      });

      expect(mail.subject).toBe('Grüße, Zoë — 日本語 😀 "quoted": yes');
      expect(addresses(mail.from)).toEqual([{ address: SENDER, name: 'Zoë Müller, Sales' }]);
    });
  });

  describe('when the subject holds text that reads as an RFC 2047 encoded word', () => {
    // Contact data merged into the subject can look like one; a receiver decodes any that goes out unencoded.
    it('then the receiver sees it as written, not decoded', async () => {
      const { mail } = await compose({ subject: 'Hi =?utf-8?B?SGk=?= from =?UTF-8?Q?=41=42?= Co' });

      expect(mail.subject).toBe('Hi =?utf-8?B?SGk=?= from =?UTF-8?Q?=41=42?= Co');
    });

    it('then it cannot smuggle a line break into the subject the receiver sees', async () => {
      const { mail } = await compose({ subject: 'Hi =?utf-8?Q?=0D=0ABcc:_x@evil.test?=' });

      expect(mail.subject).not.toMatch(/[\r\n]/);
    });
  });

  describe('when composing a follow-up', () => {
    it('then In-Reply-To is the last message of the thread and References the whole thread, oldest first', async () => {
      const enrollmentId = crypto.randomUUID();
      const thread = [1, 2].map((position) => messageIdFor(enrollmentId, position, SENDER));

      const { raw, mail } = await compose({ thread, messageId: messageIdFor(enrollmentId, 3, SENDER) });

      expect(rawHeader(raw, 'In-Reply-To')).toEqual([thread[1]]);
      expect(rawHeader(raw, 'References')).toEqual([thread.join(' ')]);
      expect(mail.inReplyTo).toBe(thread[1]);
      expect(mail.references).toEqual(thread);
    });
  });

  describe('when the message has HTML', () => {
    it('then it is multipart/alternative: the plain text first, then the HTML', async () => {
      const { raw, mail } = await compose();

      expect(rawHeader(raw, 'Content-Type')).toEqual([expect.stringMatching(/^multipart\/alternative;\s*boundary=/)]);
      const body = raw.toString('utf8');
      const textPart = body.indexOf('Content-Type: text/plain; charset=utf-8');
      const htmlPart = body.indexOf('Content-Type: text/html; charset=utf-8');
      expect(textPart).toBeGreaterThan(0);
      expect(htmlPart).toBeGreaterThan(textPart);
      expect(mail.html).toBe(outgoing().html);
      expect(typeof mail.text).toBe('string');
    });

    it('then, with no text of its own, the text part is the HTML converted: tags removed, entities decoded', async () => {
      const { mail } = await compose({ text: null });

      expect(mail.text).toContain('Hi Ann,');
      expect(mail.text).toContain('Quick question & a link');
      expect(mail.text).toContain('https://example.com/x');
      expect(mail.text).not.toMatch(/<[a-z/]/i);
    });

    it("then the step's own text is the text part, as written", async () => {
      const text = 'Hi Ann,\n\nMy own words, not the HTML\'s: <b> stays as typed & so does "this".';

      const { mail } = await compose({ text });

      expect(mail.text).toBe(text);
    });
  });

  describe('when the message is kept for its conversation', () => {
    it('then the bodies kept are the parts sent, footer included, without the pixel and with links as written', async () => {
      const unsubscribe = { url: UNSUBSCRIBE_URL, mailto: MAILTO, footer: 'Unsubscribe' };

      const { body, mail } = await compose({ unsubscribe, tracking: { pixelUrl: PIXEL_URL, wrapLink: trackingLink } });

      expect(mail.html).toContain(PIXEL_URL);
      expect(mail.html).toContain(trackingLink('https://example.com/x'));
      expect(body.text).toBe(mail.text);
      expect(body.html).toContain('<a href="https://example.com/x">here</a>');
      expect(body.html).toContain(`<a href="${UNSUBSCRIBE_URL}">Unsubscribe</a>`);
      expect(body.html).not.toContain('/t/');
    });

    it('then a text-only message keeps no HTML', async () => {
      const { body } = await compose({ plainTextOnly: true, text: 'Hi Ann' });

      expect(body).toEqual({ text: 'Hi Ann', html: null });
    });
  });

  describe('when the campaign sends plain text only', () => {
    it('then the message is one text/plain part: no HTML, no pixel and no tracked link', async () => {
      const wrapLink = jest.fn(trackingLink);

      const { raw, mail } = await compose({
        plainTextOnly: true,
        text: 'Hi Ann, see https://example.com/x',
        tracking: { pixelUrl: PIXEL_URL, wrapLink },
      });

      expect(rawHeader(raw, 'Content-Type')).toEqual(['text/plain; charset=utf-8']);
      expect(mail.html).toBe(false);
      expect(mail.text?.trimEnd()).toBe('Hi Ann, see https://example.com/x');
      expect(raw.toString('utf8')).not.toContain(PIXEL_URL);
      expect(wrapLink).not.toHaveBeenCalled();
    });

    it('then it still has the unsubscribe footer when the campaign sets one', async () => {
      const { mail } = await compose({
        plainTextOnly: true,
        text: 'Hi Ann',
        unsubscribe: { url: UNSUBSCRIBE_URL, mailto: MAILTO, footer: 'Unsubscribe' },
      });

      expect(mail.text).toBe(`Hi Ann\n\nUnsubscribe: ${UNSUBSCRIBE_URL}\n`);
    });
  });

  describe('when the campaign has an unsubscribe footer', () => {
    const unsubscribe = { url: UNSUBSCRIBE_URL, mailto: MAILTO, footer: 'Unsubscribe' };

    it('then the text part ends with its text and link', async () => {
      const { mail } = await compose({ text: 'Hi Ann,\n\nBye.\n\n\n', unsubscribe });

      expect(mail.text).toBe(`Hi Ann,\n\nBye.\n\nUnsubscribe: ${UNSUBSCRIBE_URL}\n`);
    });

    it('then the HTML part has it as a link, before </body> when there is one', async () => {
      const { mail } = await compose({ html: '<html><body><p>Hi Ann</p></body></html>', unsubscribe });

      expect(mail.html).toBe(
        '<html><body><p>Hi Ann</p><p style="font-size:12px;color:#6b7280">' +
          `<a href="${UNSUBSCRIBE_URL}">Unsubscribe</a></p></body></html>`,
      );
    });

    it('then an HTML part without <body> gets it at the end', async () => {
      const { mail } = await compose({ html: '<p>Hi Ann</p>', unsubscribe });

      expect(mail.html).toMatch(new RegExp(`<a href="${UNSUBSCRIBE_URL}">Unsubscribe</a></p>$`));
    });

    it('then its text and link are escaped in the HTML and kept as they are in the text', async () => {
      const url = 'https://links.example/u/token?a=1&b=2';

      const { mail } = await compose({ unsubscribe: { url, mailto: MAILTO, footer: 'Stop <these> & "more"' } });

      expect(mail.html).toContain(
        '<a href="https://links.example/u/token?a=1&#38;b=2">Stop &#60;these&#62; &#38; &#34;more&#34;</a>',
      );
      expect(mail.text).toMatch(/Stop <these> & "more": https:\/\/links\.example\/u\/token\?a=1&b=2\n$/);
    });
  });

  describe('when the campaign has no unsubscribe footer', () => {
    it('then neither part shows the unsubscribe link (only the headers carry it)', async () => {
      const { raw, mail } = await compose({ unsubscribe: { url: UNSUBSCRIBE_URL, mailto: MAILTO, footer: null } });

      expect(mail.text).not.toContain(UNSUBSCRIBE_URL);
      expect(mail.html).not.toContain(UNSUBSCRIBE_URL);
      expect(rawHeader(raw, 'List-Unsubscribe')).toEqual([`<${UNSUBSCRIBE_URL}>, <${MAILTO}>`]);
    });
  });

  describe('when composing any message', () => {
    it.each([
      ['HTML and text', false],
      ['plain text only', true],
    ])('then a %s message has the RFC 8058 one-click List-Unsubscribe headers, once each', async (_, plainTextOnly) => {
      const { raw } = await compose({ plainTextOnly });

      expect(rawHeader(raw, 'List-Unsubscribe')).toEqual([`<${UNSUBSCRIBE_URL}>, <${MAILTO}>`]);
      expect(rawHeader(raw, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
    });
  });

  describe('when open tracking is on', () => {
    it('then the HTML has the pixel once, before </body>', async () => {
      const { mail } = await compose({
        html: '<html><body><p>Hi</p></body></html>',
        tracking: { pixelUrl: PIXEL_URL, wrapLink: null },
      });

      expect(mail.html).toBe(`<html><body><p>Hi</p><img src="${PIXEL_URL}" width="1" height="1" alt=""></body></html>`);
    });

    it('then the pixel comes after the footer and its URL is escaped', async () => {
      const { mail } = await compose({
        html: '<p>Hi</p>',
        unsubscribe: { url: UNSUBSCRIBE_URL, mailto: MAILTO, footer: 'Unsubscribe' },
        tracking: { pixelUrl: `${PIXEL_URL}?a=1&b=2`, wrapLink: null },
      });

      expect(mail.html).toMatch(
        /Unsubscribe<\/a><\/p><img src="https:\/\/links\.example\/t\/o\/pixel-token\?a=1&#38;b=2" [^>]*>$/,
      );
    });
  });

  describe('when open tracking is off', () => {
    it('then the HTML has no pixel', async () => {
      const { mail } = await compose({ tracking: { pixelUrl: null, wrapLink: null } });

      expect(mail.html).not.toContain('<img');
      expect(mail.html).toBe(outgoing().html);
    });
  });

  describe('when click tracking is on', () => {
    const html =
      '<p><a href="https://example.com/x">x</a> <a href="http://example.org/y?a=1&amp;b=2">y</a> ' +
      '<a href="mailto:ann@example.com">mail</a></p>';

    it('then every http(s) link of the HTML is replaced by its tracking link, and nothing else', async () => {
      const wrapLink = jest.fn(trackingLink);

      const { mail } = await compose({ html, tracking: { pixelUrl: null, wrapLink } });

      expect(wrapLink.mock.calls).toEqual([['https://example.com/x'], ['http://example.org/y?a=1&b=2']]);
      expect(mail.html).toBe(
        `<p><a href="${trackingLink('https://example.com/x')}">x</a> ` +
          `<a href="${trackingLink('http://example.org/y?a=1&b=2')}">y</a> <a href="mailto:ann@example.com">mail</a></p>`,
      );
    });

    it("then the footer's unsubscribe link is not tracked", async () => {
      const wrapLink = jest.fn(trackingLink);

      const { mail } = await compose({
        html,
        unsubscribe: { url: UNSUBSCRIBE_URL, mailto: MAILTO, footer: 'Unsubscribe' },
        tracking: { pixelUrl: null, wrapLink },
      });

      expect(wrapLink).not.toHaveBeenCalledWith(UNSUBSCRIBE_URL);
      expect(mail.html).toContain(`<a href="${UNSUBSCRIBE_URL}">Unsubscribe</a>`);
      expect(mail.html).not.toContain(trackingLink(UNSUBSCRIBE_URL));
    });

    it('then the text part keeps the original links (tracking is in the HTML only)', async () => {
      const { mail } = await compose({ html, text: null, tracking: { pixelUrl: null, wrapLink: trackingLink } });

      expect(mail.text).toContain('https://example.com/x');
      expect(mail.text).not.toContain('links.example/t/c/');
    });
  });

  describe('when click tracking is off', () => {
    it('then the links are left as they are', async () => {
      const { mail } = await compose({ tracking: { pixelUrl: null, wrapLink: null } });

      expect(mail.html).toContain('<a href="https://example.com/x">here</a>');
    });
  });

  describe('when a header value holds a line break or NUL', () => {
    const injections = { CR: '\r', LF: '\n', CRLF: '\r\n', NUL: '\0' };
    // [what the test calls it, what the error calls it, the message with it]
    const fields: [string, string, (bad: string) => Partial<OutgoingMessage>][] = [
      ['from address', 'from address', (bad) => ({ from: { email: `sender${bad}@outreach.example`, name: 'Sam' } })],
      ['from name', 'from name', (bad) => ({ from: { email: SENDER, name: `Sam${bad}Bcc: x@evil.test` } })],
      ['to address', 'to address', (bad) => ({ to: `ann@example.com${bad}Bcc: x@evil.test` })],
      ['subject', 'subject', (bad) => ({ subject: `Hello${bad}Bcc: x@evil.test` })],
      ['Message-ID', 'Message-ID', (bad) => ({ messageId: `<a${bad}b@outreach.example>` })],
      [
        'thread Message-ID',
        'thread',
        (bad) => ({ thread: ['<one@outreach.example>', `<two${bad}@outreach.example>`] }),
      ],
      [
        'unsubscribe URL',
        'unsubscribe link',
        (bad) => ({ unsubscribe: { url: `${UNSUBSCRIBE_URL}${bad}x`, mailto: MAILTO, footer: null } }),
      ],
      [
        'unsubscribe mailto',
        'unsubscribe link',
        (bad) => ({ unsubscribe: { url: UNSUBSCRIBE_URL, mailto: `${MAILTO}${bad}x`, footer: null } }),
      ],
    ];
    const cases = fields.flatMap(([label, name, build]) =>
      Object.entries(injections).map(([kind, bad]) => [label, kind, name, build(bad)] as const),
    );

    it.each(cases)(
      'then a %s with %s is refused as unsafe_header, naming it',
      async (_label, _kind, name, overrides) => {
        const error = await rejectionOf(composeMessage(outgoing(overrides)));

        expect(error).toBeInstanceOf(UnsendableMessageError);
        expect(error).toMatchObject({ reason: 'unsafe_header' });
        expect((error as Error).message).toContain(`The ${name} contains a line break or NUL character`);
      },
    );
  });

  describe('when the message is over 10 MB', () => {
    it('then it is refused as too_large, with its size', async () => {
      const html = `<p>${'x'.repeat(MAX_MESSAGE_BYTES)}</p>`;

      const error = await rejectionOf(composeMessage(outgoing({ html, text: 'short' })));

      expect(error).toBeInstanceOf(UnsendableMessageError);
      expect(error).toMatchObject({ reason: 'too_large' });
      expect((error as Error).message).toMatch(/^The message is 10\.\d MB; the limit is 10 MB\./);
    });
  });

  describe('when the message is just under 10 MB', () => {
    it('then it is composed', async () => {
      const html = `<p>${'x'.repeat(MAX_MESSAGE_BYTES - 1024 * 1024)}</p>`;

      const { raw } = await composeMessage(outgoing({ html, text: 'short' }));

      expect(raw.length).toBeGreaterThan(MAX_MESSAGE_BYTES - 1024 * 1024);
      expect(raw.length).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    });
  });
});
