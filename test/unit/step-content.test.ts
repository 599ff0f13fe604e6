import crypto from 'node:crypto';
import {
  chooseVariant,
  renderStep,
  StepMergeFieldError,
  type StepTemplate,
  type VariantTemplate,
} from '../../src/domain/campaigns/step-content';

const step = (overrides: Partial<StepTemplate> = {}): StepTemplate => ({
  position: 1,
  subject: 'Hello {{first_name}}',
  bodyHtml: '<p>Hi {{first_name}}</p>',
  bodyText: null,
  winnerLabel: null,
  ...overrides,
});
const variant = (label: string, weight = 1): VariantTemplate => ({
  label,
  subject: `Subject ${label} for {{first_name}}`,
  bodyHtml: `<p>Body ${label}</p>`,
  bodyText: null,
  weight,
});
const contact = { id: crypto.randomUUID(), email: 'ann@example.test', fields: { first_name: 'Ann' } };
const enrollmentIds = (count: number) => Array.from({ length: count }, () => crypto.randomUUID());

function shares(labels: (string | undefined)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const label of labels) counts[label ?? 'none'] = (counts[label ?? 'none'] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).map(([label, count]) => [label, count / labels.length]));
}

describe('chooseVariant', () => {
  describe('when the step has no variants', () => {
    it("then none is chosen and the step's own content is used", () => {
      expect(chooseVariant(step(), [], crypto.randomUUID())).toBeNull();
      expect(renderStep({ step: step(), variants: [], seedId: 'e', merge: { contact } })).toEqual({
        subject: 'Hello Ann',
        html: '<p>Hi Ann</p>',
        text: null,
        variantLabel: null,
      });
    });
  });

  describe('when variants are weighted 1:3', () => {
    it('then over 1000 random enrollments each gets its weight ±5 %', () => {
      const variants = [variant('A', 1), variant('B', 3)];

      const labels = enrollmentIds(1000).map((id) => chooseVariant(step(), variants, id)?.label);

      const share = shares(labels);
      expect(Math.abs(share.A! - 0.25)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(share.B! - 0.75)).toBeLessThanOrEqual(0.05);
    });
  });

  describe('when variants are weighted 1:1:2', () => {
    it('then over 1000 random enrollments each gets its weight ±5 %', () => {
      const variants = [variant('A', 1), variant('B', 1), variant('C', 2)];

      const share = shares(enrollmentIds(1000).map((id) => chooseVariant(step(), variants, id)?.label));

      expect(Math.abs(share.A! - 0.25)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(share.B! - 0.25)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(share.C! - 0.5)).toBeLessThanOrEqual(0.05);
    });
  });

  describe('when the same enrollment is asked again', () => {
    it('then it always gets the same variant, whatever order the variants come in', () => {
      const variants = [variant('A'), variant('B'), variant('C')];

      for (const id of enrollmentIds(100)) {
        const first = chooseVariant(step(), variants, id)?.label;
        expect(chooseVariant(step(), [...variants].reverse(), id)?.label).toBe(first);
      }
    });

    it('then each step position is chosen independently', () => {
      const variants = [variant('A'), variant('B')];

      const disagreements = enrollmentIds(200).filter(
        (id) =>
          chooseVariant(step({ position: 1 }), variants, id)?.label !==
          chooseVariant(step({ position: 2 }), variants, id)?.label,
      );

      expect(disagreements.length).toBeGreaterThan(50);
      expect(disagreements.length).toBeLessThan(150);
    });
  });

  describe('when the step has a decided winner', () => {
    it('then every enrollment gets the winner', () => {
      const variants = [variant('A', 5), variant('B', 1)];

      const labels = enrollmentIds(1000).map((id) => chooseVariant(step({ winnerLabel: 'B' }), variants, id)?.label);

      expect(new Set(labels)).toEqual(new Set(['B']));
    });

    it('then a winner that no longer exists falls back to the weighted choice', () => {
      const variants = [variant('A'), variant('B')];

      const labels = enrollmentIds(200).map((id) => chooseVariant(step({ winnerLabel: 'Z' }), variants, id)?.label);

      expect(new Set(labels)).toEqual(new Set(['A', 'B']));
    });
  });
});

describe('renderStep', () => {
  describe('when the step has variants', () => {
    it("then the chosen variant's subject and body are rendered with its label", () => {
      const variants = [variant('A'), variant('B')];
      const seedId = crypto.randomUUID();
      const label = chooseVariant(step(), variants, seedId)!.label;

      const rendered = renderStep({ step: step(), variants, seedId, merge: { contact } });

      expect(rendered).toEqual({
        subject: `Subject ${label} for Ann`,
        html: `<p>Body ${label}</p>`,
        text: null,
        variantLabel: label,
      });
    });
  });

  describe('when the content has spintax and merge fields', () => {
    const spun = step({
      subject: '{Hi|Hello} {{first_name}}',
      bodyHtml: '<p>{Quick|Short} note for {{company | default: "your team"}}</p>',
    });

    it('then the same seed renders the same text every time (preview = send = retry)', () => {
      for (const seedId of enrollmentIds(50)) {
        const first = renderStep({ step: spun, variants: [], seedId, merge: { contact } });
        expect(renderStep({ step: spun, variants: [], seedId, merge: { contact } })).toEqual(first);
      }
    });

    it('then the spintax is resolved and the fields merged', () => {
      const outcomes = new Set(
        enrollmentIds(200).map((seedId) => {
          const rendered = renderStep({ step: spun, variants: [], seedId, merge: { contact } });
          return `${rendered.subject} / ${rendered.html}`;
        }),
      );

      expect([...outcomes].sort()).toEqual([
        'Hello Ann / <p>Quick note for your team</p>',
        'Hello Ann / <p>Short note for your team</p>',
        'Hi Ann / <p>Quick note for your team</p>',
        'Hi Ann / <p>Short note for your team</p>',
      ]);
    });

    it("then the contact's own data is never spun, and is escaped in the body", () => {
      const curly = { ...contact, fields: { first_name: '{Al|Bo} <b>' } };

      const rendered = renderStep({ step: step(), variants: [], seedId: 'e', merge: { contact: curly } });

      expect(rendered.subject).toBe('Hello {Al|Bo} <b>');
      expect(rendered.html).toBe('<p>Hi {Al|Bo} &#60;b&#62;</p>');
    });
  });

  describe('when a merge field is missing without a fallback', () => {
    it('then it fails naming the contact (email and id), the step and the field', () => {
      const nameless = { ...contact, fields: {} };

      const render = () =>
        renderStep({ step: step({ position: 3 }), variants: [], seedId: 'e', merge: { contact: nameless } });

      expect(render).toThrow(StepMergeFieldError);
      expect(render).toThrow(
        `Contact ann@example.test (${contact.id}) has no value for "first_name" used by step 3; ` +
          'add the field to the contact or give it a fallback such as {{ first_name | default: "…" }}.',
      );
    });
  });

  describe('when rendered with placeholders instead of a contact', () => {
    it('then fields without a fallback show as [field] and fallbacks still apply', () => {
      const rendered = renderStep({
        step: step({
          subject: 'Hi {{first_name}} at {{company | default: "your team"}}',
          bodyHtml: '<p>{{first_name}} {{ last_name | upcase }} {{email}}</p>',
        }),
        variants: [],
        seedId: 'campaign',
        merge: 'placeholders',
      });

      expect(rendered.subject).toBe('Hi [first_name] at your team');
      expect(rendered.html).toBe('<p>[first_name] [LAST_NAME] [email]</p>');
    });
  });
});
