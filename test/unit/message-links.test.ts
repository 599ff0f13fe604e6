import crypto from 'node:crypto';
import {
  renderStep,
  type MergeContact,
  type StepTemplate,
  type VariantTemplate,
} from '../../src/domain/campaigns/step-content';
import { stepLinks } from '../../src/domain/engagement/message-links';
import { composeMessage, messageIdFor } from '../../src/mail/compose';

const SENDER = 'sam@outreach.example';

const step = (bodyHtml: string, overrides: Partial<StepTemplate> = {}): StepTemplate => ({
  position: 1,
  subject: 'Hello',
  bodyHtml,
  bodyText: null,
  winnerLabel: null,
  ...overrides,
});

const variant = (label: string, bodyHtml: string): VariantTemplate => ({
  label,
  subject: null,
  bodyHtml,
  bodyText: null,
  weight: 1,
});

const contact = (fields: Record<string, string> = {}): MergeContact => ({
  id: crypto.randomUUID(),
  email: 'tia@whitfield.example',
  fields: { first_name: 'Tia', ...fields },
});

/** The URLs composeMessage hands to click tracking when it sends this rendered step: what a token may name. */
async function wrappedByCompose(html: string): Promise<Set<string>> {
  const wrapped = new Set<string>();
  await composeMessage({
    from: { email: SENDER, name: null },
    to: 'tia@whitfield.example',
    subject: 'Hello',
    html,
    text: null,
    plainTextOnly: false,
    messageId: messageIdFor(crypto.randomUUID(), 1, SENDER),
    thread: [],
    unsubscribe: { url: 'https://links.example/u/token', mailto: `mailto:${SENDER}`, footer: 'Unsubscribe' },
    tracking: {
      pixelUrl: 'https://links.example/t/o/token',
      wrapLink: (url) => {
        wrapped.add(url);
        return `https://links.example/t/c/${encodeURIComponent(url)}`;
      },
    },
  });
  return wrapped;
}

describe('stepLinks: the targets a click link of a sent step may redirect to', () => {
  it('when a step has tracked, untracked and oddly written links, then the targets are exactly what compose wrapped', async () => {
    const template = step(
      '<p>Hi {{first_name}}, see <a href="https://example.com/pricing?a=1&amp;b=2">pricing</a>, ' +
        '<A HREF = " https://example.com/Case ">this</A>, <a title="href=https://evil.example" href="http://example.com/x">x</a>, ' +
        '<a href="https://example.com/for/{{ first_name }}">yours</a>, {a|b} ' +
        '<a href="mailto:sales@example.com">mail</a> <a href="/relative">rel</a> <a>none</a></p>',
    );
    const seedId = crypto.randomUUID();
    const recipient = contact();
    const sent = renderStep({ step: template, variants: [], seedId, merge: { contact: recipient } });

    const targets = stepLinks({ step: template, variants: [], variantLabel: null, seedId, contact: recipient });

    expect(targets).toEqual(await wrappedByCompose(sent.html));
    expect([...targets].sort()).toEqual([
      'http://example.com/x',
      'https://example.com/Case',
      'https://example.com/for/Tia',
      'https://example.com/pricing?a=1&b=2',
    ]);
  });

  it('when the step was sent in variant B, then only B’s links are targets, even after A was decided the winner', () => {
    const template = step('<a href="https://example.com/own">own</a>', { winnerLabel: 'A' });
    const variants = [
      variant('A', '<a href="https://example.com/a">a</a>'),
      variant('B', '<a href="https://example.com/b">b</a>'),
    ];

    const targets = stepLinks({
      step: template,
      variants,
      variantLabel: 'B',
      seedId: crypto.randomUUID(),
      contact: contact(),
    });

    expect([...targets]).toEqual(['https://example.com/b']);
  });

  it('when the step was sent without a variant, then its own links are the targets, not those of variants added since', () => {
    const template = step('<a href="https://example.com/own">own</a>');
    const variants = [variant('A', '<a href="https://example.com/a">a</a>')];

    const targets = stepLinks({
      step: template,
      variants,
      variantLabel: null,
      seedId: crypto.randomUUID(),
      contact: contact(),
    });

    expect([...targets]).toEqual(['https://example.com/own']);
  });

  it('when spintax picks a link, then the target is the one this enrollment was sent', async () => {
    const template = step('{<a href="https://example.com/one">one</a>|<a href="https://example.com/two">two</a>}');
    const recipient = contact();

    for (const seedId of Array.from({ length: 8 }, () => crypto.randomUUID())) {
      const sent = renderStep({ step: template, variants: [], seedId, merge: { contact: recipient } });
      const targets = stepLinks({ step: template, variants: [], variantLabel: null, seedId, contact: recipient });

      expect(targets).toEqual(await wrappedByCompose(sent.html));
      expect(targets.size).toBe(1);
    }
  });

  it('when the step no longer renders for the contact (a field it uses is gone), then nothing is a target', () => {
    const template = step('<a href="https://example.com/{{ company }}">x</a>');

    const targets = stepLinks({
      step: template,
      variants: [],
      variantLabel: null,
      seedId: crypto.randomUUID(),
      contact: contact(),
    });

    expect(targets.size).toBe(0);
  });
});
