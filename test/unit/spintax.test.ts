import crypto from 'node:crypto';
import { resolveSpintax } from '../../src/mail/spintax';

const seeds = (count: number) => Array.from({ length: count }, () => crypto.randomUUID());

describe('resolveSpintax', () => {
  describe('when the same seed is used again', () => {
    it('then the same alternatives are chosen', () => {
      const template = '{Hi|Hello|Hey} {there|friend}, {quick|short} {question|note}';

      for (const seed of seeds(50)) {
        expect(resolveSpintax(template, seed)).toBe(resolveSpintax(template, seed));
      }
    });
  });

  describe('when many seeds are used', () => {
    it('then each alternative is chosen about equally often', () => {
      const counts = new Map<string, number>();

      for (const seed of seeds(3000)) {
        const text = resolveSpintax('{Hi|Hello|Hey}', seed);
        counts.set(text, (counts.get(text) ?? 0) + 1);
      }

      expect([...counts.keys()].sort()).toEqual(['Hello', 'Hey', 'Hi']);
      for (const count of counts.values()) expect(Math.abs(count / 3000 - 1 / 3)).toBeLessThan(0.05);
    });

    it('then two groups choose independently of each other', () => {
      const combinations = new Set(seeds(200).map((seed) => resolveSpintax('{a|b}{a|b}', seed)));

      expect([...combinations].sort()).toEqual(['aa', 'ab', 'ba', 'bb']);
    });
  });

  describe('when groups are nested', () => {
    it('then the inner group is resolved inside the chosen alternative', () => {
      const outcomes = new Set(seeds(300).map((seed) => resolveSpintax('{Hi {there|friend}|Hello}!', seed)));

      expect([...outcomes].sort()).toEqual(['Hello!', 'Hi friend!', 'Hi there!']);
    });
  });

  describe('when the template uses Liquid', () => {
    it('then outputs, filters and tags are left exactly as written', () => {
      const template = '{% if company %}At {{ company | upcase }}{% endif %} {{first_name | default: "there"}}';

      expect(resolveSpintax(template, 'seed')).toBe(template);
    });

    it('then a Liquid filter inside a group does not split the group', () => {
      const outcomes = new Set(
        seeds(200).map((seed) => resolveSpintax('{Hi {{first_name | default: "there"}}|Hello}', seed)),
      );

      expect([...outcomes].sort()).toEqual(['Hello', 'Hi {{first_name | default: "there"}}']);
    });

    it('then a group may start with a Liquid output', () => {
      const outcomes = new Set(seeds(200).map((seed) => resolveSpintax('{{{first_name}}|there}', seed)));

      expect([...outcomes].sort()).toEqual(['there', '{{first_name}}']);
    });

    it('then the inside of a raw block is not spun', () => {
      const template = '{% raw %}{a|b}{% endraw %}';

      expect(resolveSpintax(template, 'seed')).toBe(template);
    });
  });

  describe('when braces are not spintax', () => {
    it.each([
      ['CSS rules', '<style>p { margin: 0 } a{color:red}</style> a|b'],
      ['a single alternative', 'Use {braces} here'],
      ['an unclosed brace', 'Hi {a|b and more'],
      ['a stray closing brace', 'a } b | c'],
      ['a JSON snippet', '{"a": 1, "b": [1, 2]}'],
    ])('then the text with %s is left as written', (_case, template) => {
      expect(resolveSpintax(template, 'seed')).toBe(template);
    });

    it('then a group after an unclosed brace is still resolved', () => {
      expect(['Hi {a|b and c', 'Hi {a|b and d']).toContain(resolveSpintax('Hi {a|b and {c|d}', 'seed'));
    });

    it('then a text with many unmatched braces still resolves quickly', () => {
      const started = Date.now();

      const text = resolveSpintax('{a|'.repeat(50_000), 'seed');

      expect(text).toBe('{a|'.repeat(50_000));
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });
});
