import { parseInboundMessage } from '../../src/mail/inbound-message';
import { eml, ourId } from '../helpers/inbound-fixtures';

/** What is read from any message's headers (ids, sender, date) and how its snippet is made. */
describe('parseInboundMessage', () => {
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
});
