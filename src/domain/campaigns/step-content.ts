import crypto from 'node:crypto';
import {
  MissingMergeFieldError,
  RenderBudget,
  renderTemplate,
  TemplateError,
  templateProblem,
  UnsafeMergeValueError,
  type TemplateProblem,
} from '../../mail/render';
import { everySpintaxAlternative, resolveSpintax } from '../../mail/spintax';
import { signStep } from './step-signature';

/** The limits stepTemplateProblem and rendering hold a template to, for the API to state. */
export { MAX_TEMPLATE_LENGTH, TEMPLATE_LIMITS } from '../../mail/render';

/** What a step says, before variants, spintax and merge fields. */
export interface StepTemplate {
  position: number;
  /** Null on a follow-up that answers under step 1's subject. */
  subject: string | null;
  bodyHtml: string;
  /** The plain-text part; null = generated from the HTML. */
  bodyText: string | null;
  /** The A/B variant every send uses once decided. */
  winnerLabel: string | null;
}

export interface VariantTemplate {
  label: string;
  /** Null = the step's subject. */
  subject: string | null;
  bodyHtml: string;
  bodyText: string | null;
  weight: number;
}

export interface MergeContact {
  id: string;
  email: string;
  fields: Record<string, string>;
}

/** Whose data fills the merge fields: a contact's, or visible `[field]` placeholders (test sends without a contact). */
export type MergeSource = { contact: MergeContact } | 'placeholders';

export interface RenderedStep {
  /** Null when the step has no subject of its own: see `threadedSubject`. */
  subject: string | null;
  html: string;
  /** The step's own plain text, rendered; null = to be generated from the HTML. */
  text: string | null;
  /** The variant used; null when the step has none. */
  variantLabel: string | null;
}

/**
 * A merge field the step uses that the contact lacks (with no `default` fallback), or whose value holds a line break
 * or NUL (`unsafe`: refused, so contact data can never add a header line).
 */
export class StepMergeFieldError extends Error {
  constructor(
    readonly contact: Pick<MergeContact, 'id' | 'email'>,
    readonly position: number,
    readonly field: string,
    readonly problem: 'missing' | 'unsafe' = 'missing',
  ) {
    super(
      problem === 'missing'
        ? `Contact ${contact.email} (${contact.id}) has no value for "${field}" used by step ${position}; ` +
            `add the field to the contact or give it a fallback such as {{ ${field} | default: "…" }}.`
        : `Contact ${contact.email} (${contact.id}): the value of "${field}" used by step ${position} contains a ` +
            'line break or NUL character, which email headers cannot carry; edit the contact field to one line.',
    );
    this.name = 'StepMergeFieldError';
  }
}

/** The parts of a step (or variant) that are templates, by their API names, and the sending mailbox's signature. */
export type StepPart = 'subject' | 'body_html' | 'body_text' | 'signature';

/**
 * A step whose template cannot be used, whoever the contact (see TemplateError): it reads files, does not parse,
 * or exceeds the rendering limits. The campaign's content must change; sending it again cannot help.
 */
export class StepTemplateError extends Error {
  readonly problem: TemplateProblem;

  constructor(
    readonly position: number,
    readonly part: StepPart,
    readonly variantLabel: string | null,
    readonly reason: TemplateError,
  ) {
    super(`step ${position}${variantLabel === null ? '' : `, variant ${variantLabel}`}, ${part}: ${reason.message}`);
    this.name = 'StepTemplateError';
    this.problem = reason.problem;
  }
}

/**
 * Why a step's subject or body cannot be saved (a tag that reads files, a syntax error, over the tag limit), or
 * null. Every spintax alternative is checked, with Liquid as the send parses it.
 */
export function stepTemplateProblem(source: string): string | null {
  return templateProblem(everySpintaxAlternative(source))?.message ?? null;
}

/** A follow-up without a subject of its own answers under step 1's, as a person replying in the thread would. */
export function threadedSubject(own: string | null, firstStepSubject: string | null | undefined): string {
  if (own !== null) return own;
  if (!firstStepSubject) return '(no subject)';
  return /^re:/i.test(firstStepSubject) ? firstStepSubject : `Re: ${firstStepSubject}`;
}

/** A number in [0, 2^48) from the parts: stable across processes and releases. */
function hash48(...parts: (string | number)[]): number {
  return crypto.createHash('sha256').update(parts.join('\0')).digest().readUIntBE(0, 6);
}

/**
 * The variant a step sends to one enrollment: the decided winner if there is one, otherwise a weighted choice fixed
 * by the seed (the enrollment id) and the step position. Null when the step has no variants (its own content is used).
 */
export function chooseVariant<V extends VariantTemplate>(step: StepTemplate, variants: V[], seedId: string): V | null {
  if (variants.length === 0) return null;
  const winner = step.winnerLabel === null ? undefined : variants.find((v) => v.label === step.winnerLabel);
  if (winner) return winner;
  // Sorted, so the buckets do not depend on the order the database returned the variants in.
  const sorted = [...variants].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const total = sorted.reduce((sum, variant) => sum + Math.max(1, variant.weight), 0);
  let bucket = hash48('variant', seedId, step.position) % total;
  for (const variant of sorted) {
    bucket -= Math.max(1, variant.weight);
    if (bucket < 0) return variant;
  }
  return sorted.at(-1)!;
}

/**
 * Renders one step for one recipient: variant, then spintax (seeded like the variant, so a preview, the real send
 * and any retry of the same enrollment agree), then Liquid (HTML-escaped merge values in the body).
 * Throws StepMergeFieldError when the contact lacks a field used without a fallback, and StepTemplateError when the
 * template itself cannot render (a file tag, a syntax error, a limit exceeded within `budget`).
 */
export function renderStep(input: {
  step: StepTemplate;
  variants: VariantTemplate[];
  /** The enrollment id (a contact id or another stable id when there is no enrollment). */
  seedId: string;
  merge: MergeSource;
  /** The time the renders may take; shared by every step of a preview. Default: this step's own. */
  budget?: RenderBudget;
  /**
   * The sending mailbox's signature (HTML, a Liquid template), rendered for the same recipient: placed where the
   * step writes `{{ sender.signature }}`, else appended to the HTML and to the step's own text. Null or left out:
   * none (`{{ sender.signature }}` renders empty).
   */
  signature?: string | null;
}): RenderedStep {
  const { step, seedId, merge } = input;
  const budget = input.budget ?? new RenderBudget();
  const variant = chooseVariant(step, input.variants, seedId);
  const subjectSource = variant?.subject ?? step.subject;
  const subject = subjectSource === null ? null : resolveSpintax(subjectSource, `${seedId}:${step.position}:subject`);
  const body = resolveSpintax(variant?.bodyHtml ?? step.bodyHtml, `${seedId}:${step.position}:body`);
  const textSource = variant ? variant.bodyText : step.bodyText;
  const text = textSource === null ? null : resolveSpintax(textSource, `${seedId}:${step.position}:text`);
  const variantLabel = variant?.label ?? null;
  const fields = merge === 'placeholders' ? null : { ...merge.contact.fields, email: merge.contact.email };
  // `{{ sender.signature }}` renders as a random marker, replaced by the rendered signature once the step is rendered.
  const marker = `sig${crypto.randomBytes(12).toString('hex')}`;
  const render = (part: StepPart, source: string, mode: 'text' | 'html'): string => {
    const globals: Record<string, object> = part === 'signature' ? {} : { sender: { signature: marker } };
    try {
      return fields === null
        ? renderWithPlaceholders(source, mode, budget, globals)
        : renderTemplate(source, fields, mode, budget, globals);
    } catch (error) {
      if (error instanceof TemplateError) throw new StepTemplateError(step.position, part, variantLabel, error);
      if (merge === 'placeholders') throw error;
      if (error instanceof MissingMergeFieldError) {
        throw new StepMergeFieldError(merge.contact, step.position, error.field);
      }
      if (error instanceof UnsafeMergeValueError) {
        throw new StepMergeFieldError(merge.contact, step.position, error.field, 'unsafe');
      }
      throw error;
    }
  };
  const rendered = {
    subject: subject === null ? null : render('subject', subject, 'text'),
    html: render('body_html', body, 'html'),
    text: text === null ? null : render('body_text', text, 'text'),
    variantLabel,
  };
  const signature = input.signature ? render('signature', input.signature, 'html') : null;
  return signStep(rendered, marker, signature);
}

/** Fields with a fallback render it; every other field shows as `[field]`, so the reader sees where data goes. */
function renderWithPlaceholders(
  source: string,
  mode: 'text' | 'html',
  budget: RenderBudget,
  globals: Record<string, object>,
): string {
  const fields: Record<string, string> = {};
  for (;;) {
    try {
      return renderTemplate(source, fields, mode, budget, globals);
    } catch (error) {
      if (!(error instanceof MissingMergeFieldError)) throw error;
      const name = error.field.split('.')[0]!;
      if (name in fields) throw error;
      fields[name] = `[${name}]`;
    }
  }
}
