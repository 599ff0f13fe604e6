import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MAX_TEMPLATE_LENGTH,
  RenderBudget,
  renderTemplate,
  TEMPLATE_LIMITS,
  TemplateError,
  templateProblem,
  UnsafeMergeValueError,
} from '../../src/mail/render';
import { everySpintaxAlternative } from '../../src/mail/spintax';
import { renderStep, stepTemplateProblem, StepTemplateError } from '../../src/domain/campaigns/step-content';

/** The TemplateError `render` throws; fails the test when it renders or throws anything else. */
function templateErrorOf(render: () => unknown): TemplateError {
  try {
    render();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('templates and the file system', () => {
  // Created while the tests are collected: the cases below name the file.
  const marker = `marker-${crypto.randomBytes(8).toString('hex')}`;
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'template-sandbox-'));
  const secret = path.join(directory, 'secret.key');
  fs.writeFileSync(secret, marker);

  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  const fileTags: [string, string][] = [
    ['an include of an absolute path', `{% include '${secret}' %}`],
    ['an include of a path with ..', `{% include '${path.relative(process.cwd(), secret)}' %}`],
    ['an include of a file in the working directory', "{% include 'package.json' %}"],
    ['an include with a variable as the name', `{% assign f = '${secret}' %}{% include f %}`],
    ['a render', `{% render '${secret}' %}`],
    ['a layout', `{% layout '${secret}' %}{% block x %}{% endblock %}`],
    ['an include in a {% liquid %} tag', `{% liquid\n  include '${secret}'\n%}`],
    ['an include in a branch not taken', `{% if false %}{% include '${secret}' %}{% endif %}`],
  ];

  describe('when a template reads a file that exists', () => {
    it.each(fileTags)('then %s is refused, naming the tag, in both modes', (_case, template) => {
      for (const mode of ['text', 'html'] as const) {
        const error = templateErrorOf(() => renderTemplate(template, {}, mode));

        expect(error.problem).toBe('forbidden_tag');
        expect(error.message).toMatch(
          /^the \{% (include|render|layout) %\} tag is not allowed: templates cannot read files$/,
        );
        expect(error.message).not.toContain(marker);
      }
    });

    it.each(fileTags)('then saving %s is refused with the same message', (_case, template) => {
      expect(templateProblem(template)?.message).toMatch(/tag is not allowed: templates cannot read files/);
    });
  });

  describe('when a template does not parse', () => {
    it('then the problem is a syntax error saying what is wrong', () => {
      const problem = templateProblem('<p>Hi {{ first_name </p>');

      expect(problem?.problem).toBe('syntax');
      expect(problem?.message).toMatch(/^the template cannot be parsed: output .* not closed/);
    });

    it('then rendering it throws the same TemplateError instead of an internal error', () => {
      expect(templateErrorOf(() => renderTemplate('{% if %}', {}, 'html')).problem).toBe('syntax');
    });

    it('then a valid template has no problem', () => {
      expect(
        templateProblem('<p>Hi {{ first_name | default: "there" }}{% if company %} at {{ company }}{% endif %}</p>'),
      ).toBeNull();
    });
  });
});

describe('template limits', () => {
  const doubling = (body: string) => `{% for i in (1..40) %}${body}{% endfor %}`;
  it.each([
    { name: 'a range of 100 000 000 numbers', limit: 'memory', template: '{% for i in (1..100000000) %}{% endfor %}' },
    {
      name: 'an append loop doubling a string',
      limit: 'memory',
      template: `{% assign s = "x" %}${doubling('{% assign s = s | append: s %}')}`,
    },
    {
      name: 'a capture loop doubling a string',
      limit: 'memory',
      template: `{% capture s %}x{% endcapture %}${doubling('{% capture s %}{{ s }}{{ s }}{% endcapture %}')}`,
    },
    {
      name: 'a capture loop doubling a string through raw',
      limit: 'memory',
      template: `{% capture s %}x{% endcapture %}${doubling('{% capture s %}{{ s | raw }}{{ s | raw }}{% endcapture %}')}`,
    },
    {
      name: 'a concat loop doubling an array',
      limit: 'memory',
      template: `{% assign a = "x,y" | split: "," %}${doubling('{% assign a = a | concat: a %}')}`,
    },
    {
      name: 'nested loops of a million rounds',
      limit: 'step',
      template: '{% for i in (1..1000) %}{% for j in (1..1000) %}{% endfor %}{% endfor %}',
    },
    {
      name: 'a loop capturing 900 MB',
      limit: 'step',
      template: `{% capture s %}{% for i in (1..9000) %}${'x'.repeat(99_000)}{% endfor %}{% endcapture %}`,
    },
    {
      name: 'a loop printing 5 MB',
      limit: 'output',
      template: `{% for i in (1..50) %}${'x'.repeat(99_000)}{% endfor %}`,
    },
    { name: 'more tags than allowed', limit: 'tag', template: '{{ a }}'.repeat(TEMPLATE_LIMITS.tags + 1) },
    {
      name: 'a {% liquid %} tag of more lines than allowed',
      limit: 'tag',
      template: `{% liquid\n${'echo "x"\n'.repeat(TEMPLATE_LIMITS.tags + 1)}%}`,
    },
    {
      name: 'more characters than any template ever saved',
      limit: 'length',
      template: 'x'.repeat(TEMPLATE_LIMITS.parseLength + 1),
    },
  ])('when a template has $name, then it fails with the $limit limit', ({ template, limit }) => {
    // Time enough for a busy machine: these limits count, they do not time.
    const error = templateErrorOf(() => renderTemplate(template, { a: 'x' }, 'html', new RenderBudget(60_000)));

    expect(error.problem).toBe('limit');
    expect(error.message).toMatch(new RegExp(`^the template exceeds the ${limit} limit \\(`));
  });

  it('when a template is within every limit, then it renders (a loop of 1000 rounds, 2000 outputs)', () => {
    const budget = new RenderBudget(60_000);

    expect(renderTemplate('{% for i in (1..1000) %}{{ i }},{% endfor %}', {}, 'text', budget)).toHaveLength(3893);
    expect(renderTemplate('{{ a }}'.repeat(TEMPLATE_LIMITS.tags), { a: 'x' }, 'html', budget)).toBe('x'.repeat(2000));
  });

  it('when the tag limit is counted, then tags inside one {% liquid %} line count once', () => {
    const template = `{% liquid\n${'assign x = "{{ y }}"\n'.repeat(10)}%}{{ x }}`;

    expect(renderTemplate(template, {}, 'text')).toBe('{{ y }}');
  });

  it("when a render budget's time is spent, then every later render sharing it fails with the time limit", () => {
    const budget = new RenderBudget(0);

    const error = templateErrorOf(() => renderTemplate('Hi {{ first_name }}', { first_name: 'Ann' }, 'text', budget));

    expect(error.message).toMatch(/^the template exceeds the time limit/);
  });

  it('when templates are saved, then the longest allowed is 100 000 characters', () => {
    expect(MAX_TEMPLATE_LENGTH).toBe(100_000);
  });
});

describe('merge fields read lazily', () => {
  it('when a field is named like an Object method, then it is a field like any other', () => {
    expect(renderTemplate('{{ constructor }} {{ toString }}', { constructor: 'a', toString: 'b' }, 'text')).toBe('a b');
    expect(() => renderTemplate('{{ constructor }}', {}, 'text')).toThrow('missing merge field "constructor"');
  });

  it('when a field with a line break is read by a dynamic name, then it is refused', () => {
    expect(() => renderTemplate('{% assign k = "notes" %}{{ [k] }}', { notes: 'a\nBcc: x@evil.test' }, 'text')).toThrow(
      UnsafeMergeValueError,
    );
  });

  it('when a field with a line break is used after a missing one, then the unsafe value is reported, as before', () => {
    expect(() => renderTemplate('{{ company }} {{ notes }}', { notes: 'a\nb' }, 'text')).toThrow(
      expect.objectContaining({ name: 'UnsafeMergeValueError', field: 'notes' }),
    );
  });

  it('when a field with a line break is not used, then the template renders', () => {
    expect(renderTemplate('Hi {{ first_name }}', { first_name: 'Ann', notes: 'a\nb' }, 'text')).toBe('Hi Ann');
  });
});

describe('step templates', () => {
  const step = { position: 2, subject: 'Hi', bodyHtml: '<p>ok</p>', bodyText: null, winnerLabel: null };
  const contact = { id: crypto.randomUUID(), email: 'ann@example.test', fields: { first_name: 'Ann' } };

  it('when a spintax alternative holds a file tag, then saving the step is refused whichever alternative a send picks', () => {
    expect(everySpintaxAlternative("{Hi|{% include 'x' %}} {a|b}")).toBe("Hi{% include 'x' %} ab");
    expect(stepTemplateProblem("<p>{Hi|{% include 'x' %}}</p>")).toBe(
      'the {% include %} tag is not allowed: templates cannot read files',
    );
  });

  it('when a template starts a spintax group with a merge field, then saving it is accepted', () => {
    expect(stepTemplateProblem('{{{first_name}}|there}, {Hi|Hello}')).toBeNull();
  });

  it.each([
    ['subject', { subject: "{% include 'x' %}" }],
    ['body_html', { bodyHtml: "{% render 'x' %}" }],
    ['body_text', { bodyText: '{% for i in (1..100000000) %}{% endfor %}' }],
  ])('when the %s cannot render, then a StepTemplateError names the step and the part', (part, change) => {
    for (const merge of [{ contact }, 'placeholders'] as const) {
      let caught: unknown;
      try {
        renderStep({ step: { ...step, ...change }, variants: [], seedId: 'seed', merge });
      } catch (error) {
        caught = error;
      }

      expect(caught).toBeInstanceOf(StepTemplateError);
      expect((caught as StepTemplateError).message).toMatch(new RegExp(`^step 2, ${part}: the `));
    }
  });

  it('when a variant cannot render, then the error names the variant', () => {
    const variants = [
      { label: 'A', subject: null, bodyHtml: "{% include 'x' %}", bodyText: null, weight: 1 },
      { label: 'B', subject: null, bodyHtml: "{% include 'x' %}", bodyText: null, weight: 1 },
    ];

    expect(() => renderStep({ step, variants, seedId: 'seed', merge: { contact } })).toThrow(
      /^step 2, variant [AB], body_html: the \{% include %\} tag is not allowed/,
    );
  });
});
