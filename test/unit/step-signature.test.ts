import crypto from 'node:crypto';
import { renderStep, StepTemplateError, type StepTemplate } from '../../src/domain/campaigns/step-content';
import { forecastSends } from '../../src/domain/campaigns/send-forecast';
import { limitOnRampDay, warmupColumns, warmupState } from '../../src/domain/mailboxes/mailbox-warmup';

const step = (overrides: Partial<StepTemplate> = {}): StepTemplate => ({
  position: 1,
  subject: 'Hello {{first_name}}',
  bodyHtml: '<p>Hi {{first_name}}</p>',
  bodyText: null,
  winnerLabel: null,
  ...overrides,
});
const contact = { id: crypto.randomUUID(), email: 'ann@example.test', fields: { first_name: 'Ann & Co' } };
const render = (template: StepTemplate, signature: string | null) =>
  renderStep({ step: template, variants: [], seedId: 'e', merge: { contact }, signature });

describe("a mailbox's signature in its steps", () => {
  it('when a step does not place it, then it is appended to the HTML (before </body>) and to its own text', () => {
    const rendered = render(
      step({ bodyHtml: '<html><body><p>Hi</p></body></html>', bodyText: 'Hi' }),
      '<p>Grace, for {{ first_name }}</p>',
    );

    expect(rendered.html).toBe(
      '<html><body><p>Hi</p><div class="signature"><p>Grace, for Ann &#38; Co</p></div></body></html>',
    );
    expect(rendered.text).toBe('Hi\n\nGrace, for Ann & Co\n');
  });

  it('when a step places {{ sender.signature }}, then it is there once, unescaped, and not appended', () => {
    const rendered = render(
      step({ bodyHtml: '<p>Hi</p>{{ sender.signature }}<p>P.S.</p>', bodyText: 'Hi\n{{ sender.signature }}\nP.S.' }),
      '<b>Grace</b>',
    );

    expect(rendered.html).toBe('<p>Hi</p><b>Grace</b><p>P.S.</p>');
    expect(rendered.text).toBe('Hi\nGrace\nP.S.');
  });

  it('when a step filters {{ sender.signature }}, then the signature is still placed there as written', () => {
    const rendered = render(step({ bodyHtml: '<p>Hi</p>{{ sender.signature | upcase }}' }), '<b>Grace</b>');

    expect(rendered.html).toBe('<p>Hi</p><b>Grace</b>');
  });

  it('when the mailbox has none, then {{ sender.signature }} renders empty and nothing is appended', () => {
    expect(render(step({ bodyHtml: '<p>Hi</p>{{ sender.signature }}' }), null).html).toBe('<p>Hi</p>');
    expect(render(step(), null).html).toBe('<p>Hi Ann &#38; Co</p>');
  });

  it('when the signature reads files, then the render fails as a template error of the signature', () => {
    expect(() => render(step(), '{% include "/etc/passwd" %}')).toThrow(StepTemplateError);
  });
});

describe('the warm-up ramp', () => {
  const now = new Date('2026-12-07T10:00:00Z');

  it('when enabled without a start, then it starts now; left-out fields keep their values; null forgets it', () => {
    const on = warmupColumns(null, { startLimit: 2, dailyIncrement: 5 }, now);
    expect(on).toEqual({
      warmupEnabled: true,
      warmupStartLimit: 2,
      warmupDailyIncrement: 5,
      warmupTargetLimit: null,
      warmupStartedAt: now,
    });
    const later = new Date(now.getTime() + 86_400_000);
    expect(warmupColumns(on, { targetLimit: 20 }, later)).toMatchObject({
      warmupStartedAt: now,
      warmupTargetLimit: 20,
    });
    expect(warmupColumns(on, null, later).warmupEnabled).toBe(false);
    expect(() => warmupColumns(null, {}, now)).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: { errors: [expect.stringMatching(/^warmup.start_limit: /), expect.stringMatching(/^warmup.daily/)] },
      }),
    );
  });

  it('when the ramp reaches its target or the daily limit, then it is complete', () => {
    const columns = warmupColumns(null, { startLimit: 2, dailyIncrement: 5, targetLimit: 20 }, now);
    expect(warmupState({ ...columns, dailyLimit: 50 }, 3)).toMatchObject({ day: 3, complete: false });
    expect(warmupState({ ...columns, dailyLimit: 50 }, 4)).toMatchObject({ day: 4, complete: true });
    expect(warmupState({ ...columns, dailyLimit: 10 }, 2)).toMatchObject({ complete: true });
  });

  it('when the forecast reads a ramp, then each day starts at most that day’s limit', () => {
    const columns = warmupColumns(null, { startLimit: 2, dailyIncrement: 3 }, now);
    const mailbox = { ...columns, dailyLimit: 50 };
    expect([0, 1, 2, 30].map((day) => limitOnRampDay(mailbox, day))).toEqual([2, 5, 8, 50]);

    const { days } = forecastSends({
      now,
      zone: 'UTC',
      days: 3,
      steps: [{ position: 1, delayMs: 0 }],
      enrollments: Array.from({ length: 10 }, () => ({ nextPosition: 1, dueAt: now, mailboxId: null })),
      mailboxes: [
        { id: 'm', status: 'active', dailyLimit: 50, sentToday: 0, limitOn: (index) => limitOnRampDay(mailbox, index) },
      ],
    });

    expect(days.map((day) => day.total)).toEqual([2, 5, 3]);
  });
});
