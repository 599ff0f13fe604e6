// Smartlead's sequences ↔ the native sequence. How the fields map (the "Migrating from Smartlead" table, sequences):
//
// | Smartlead                                  | Sequencer                                                       |
// |--------------------------------------------|-----------------------------------------------------------------|
// | id                                         | the step's integer alias (ignored when posted: seq_number names)|
// | seq_number                                 | position                                                        |
// | seq_delay_details.delay_in_days (delayInDays) | delay_minutes ÷ 1440 (days after the previous step)          |
// | subject ("" on a follow-up)                | subject (empty: the follow-up answers in the thread as "Re: …") |
// | email_body                                 | body_html                                                       |
// | merge tags {{company_name}}, {{phone_number}} | {{company}}, {{phone}} (the lead fields' native names), back on reads |
// | seq_variants / variants (2 or more)        | variants: variant_label → label, subject, email_body → body_html|
// | one variant only                           | the step's own subject and body (no A/B test)                   |
// | variant_distribution_type *_PERCENTAGE     | weights from variant_distribution_percentage; otherwise equal   |
// | lead_distribution_percentage, winning_metric_property | not kept (the winner rule is the native ab_winner)   |
import { z } from 'zod';
import type { Sequence } from '../../domain/campaigns/campaign-sequence.service';
import type { StepInput } from '../../domain/campaigns/campaign-sequence.service';
import { stepFromBody } from '../campaign.mappers';
import { replaceStepsSchema } from '../campaign.schemas';
import { lenientBody, lenientId, lenientInt } from './lenient';

const MINUTES_PER_DAY = 1440;

/** Smartlead's merge tags of the lead fields Sequencer keeps under other names (the leads' mapping). */
const NATIVE_TAGS: Record<string, string> = { company_name: 'company', phone_number: 'phone' };
const SMARTLEAD_TAGS: Record<string, string> = { company: 'company_name', phone: 'phone_number' };

/** The names in a template's `{{ }}` and `{% %}` tags renamed (a property such as `x.company` is left alone). */
function renameTags(template: string, names: Record<string, string>): string {
  const name = new RegExp(`(?<![\\w.])(${Object.keys(names).join('|')})(?!\\w)`, 'g');
  return template.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (tag) =>
    tag.replace(name, (found) => names[found] ?? found),
  );
}
const nativeTags = (template: string) => renameTags(template, NATIVE_TAGS);
const smartleadTags = (template: string) => renameTags(template, SMARTLEAD_TAGS);

/** A number of days, or a string of one (fractions allowed). */
const lenientDays = () =>
  z
    .union([
      z.number().min(0),
      z
        .string()
        .trim()
        .regex(/^\d+(\.\d+)?$/, 'must be a number of days'),
    ])
    .transform((value) => Number(value))
    .pipe(z.number().min(0).max(365));

const variantSchema = lenientBody({
  id: lenientId('Ignored (variants are named by their label).').nullish(),
  subject: z.string().nullish().meta({ description: 'Empty: the step’s subject.' }),
  email_body: z.string().nullish(),
  variant_label: z.string().trim().max(50).nullish().meta({ description: 'Default: A, B, C… in order.' }),
  variant_distribution_percentage: lenientInt()
    .pipe(z.number().int().min(0).max(100))
    .nullish()
    .meta({ description: 'The variant’s share with a *_PERCENTAGE distribution type.' }),
});

const stepSchema = lenientBody({
  id: lenientId('Ignored: seq_number names the step.').nullish(),
  seq_number: lenientInt()
    .pipe(z.number().int().min(1).max(100))
    .optional()
    .meta({ description: 'The step’s position (1 = first); default: its place in the array.' }),
  seq_delay_details: lenientBody({
    delay_in_days: lenientDays().optional(),
    delayInDays: lenientDays().optional(),
  })
    .nullish()
    .meta({ description: 'Days after the previous step (for step 1: after the lead starts).' }),
  subject: z.string().nullish().meta({ description: 'Required on the first step; empty on a follow-up: "Re: …".' }),
  email_body: z.string().nullish().meta({ description: 'HTML, a Liquid template ({{first_name}}…).' }),
  variant_distribution_type: z.string().trim().toUpperCase().nullish().meta({
    description: 'MANUAL_EQUAL (default) or MANUAL_PERCENTAGE; AI_EQUAL is read as equal.',
  }),
  seq_variants: z.array(variantSchema).max(10).nullish(),
  variants: z.array(variantSchema).max(10).nullish().meta({ description: 'The same as seq_variants.' }),
});

/** POST …/sequences: an array of steps, or `{"sequences": [...]}`. */
export const saveSequencesSchema = z
  .union([z.array(stepSchema).min(1).max(50), lenientBody({ sequences: z.array(stepSchema).min(1).max(50) })])
  .transform((body) => (Array.isArray(body) ? body : body.sequences));

type SmartleadStep = z.output<typeof stepSchema>;

const NATIVE_FIELDS: Record<string, string> = {
  sequence_steps: 'sequences',
  position: 'seq_number',
  delay_minutes: 'seq_delay_details.delay_in_days',
  body_html: 'email_body',
  body_text: 'email_body',
  variants: 'seq_variants',
  label: 'variant_label',
  weight: 'variant_distribution_percentage',
};

/**
 * The native sequence of Smartlead's steps, validated by the native schema (templates, positions, the first step's
 * subject, variants) with its error paths named as Smartlead names the fields.
 */
export function stepsFromSmartlead(steps: SmartleadStep[]): StepInput[] {
  const native = { sequence_steps: steps.map(nativeStep) };
  const parsed = replaceStepsSchema.safeParse(native);
  if (!parsed.success) {
    throw new z.ZodError(
      parsed.error.issues.map((issue) => ({
        ...issue,
        path: issue.path.flatMap((part) => (typeof part === 'string' ? (NATIVE_FIELDS[part] ?? part) : part)),
      })),
    );
  }
  return parsed.data.sequence_steps.map(stepFromBody);
}

function nativeStep(step: SmartleadStep, index: number) {
  const sent = (step.seq_variants ?? step.variants ?? []).filter((variant) => variant.email_body || variant.subject);
  const byPercentage = step.variant_distribution_type?.includes('PERCENTAGE') ?? false;
  const variants = sent.map((variant, at) => ({
    label: variant.variant_label || String.fromCharCode(65 + at),
    ...(variant.subject ? { subject: nativeTags(variant.subject) } : {}),
    body_html: nativeTags(variant.email_body ?? ''),
    weight: byPercentage ? Math.max(1, variant.variant_distribution_percentage ?? 1) : 1,
  }));
  const first = sent[0];
  const subject = step.subject || first?.subject || undefined;
  const delay = step.seq_delay_details?.delay_in_days ?? step.seq_delay_details?.delayInDays ?? 0;
  return {
    position: step.seq_number ?? index + 1,
    ...(subject ? { subject: nativeTags(subject) } : {}),
    body_html: nativeTags(step.email_body || first?.email_body || ''),
    delay_minutes: delay * MINUTES_PER_DAY,
    // One variant is no A/B test: its content is the step's.
    ...(variants.length > 1 ? { variants } : {}),
  };
}

const sequenceVariantSchema = z.object({
  variant_label: z.string(),
  subject: z.string(),
  email_body: z.string(),
  variant_distribution_percentage: z.number().int(),
});

export const smartleadSequenceSchema = z
  .object({
    id: z.number().int().meta({ description: 'The sequence step id.' }),
    email_campaign_id: z.number().int(),
    seq_number: z.number().int(),
    seq_delay_details: z.object({
      delay_in_days: z.number(),
      delayInDays: z.number().meta({ description: 'The same, as some clients read it.' }),
    }),
    subject: z.string().meta({ description: '"" on a follow-up that answers in the thread.' }),
    email_body: z.string(),
    variant_distribution_type: z.enum(['MANUAL_EQUAL', 'MANUAL_PERCENTAGE']),
    sequence_variants: z.array(sequenceVariantSchema).nullable().meta({ description: 'null: no A/B test.' }),
  })
  .meta({ id: 'SmartleadSequence' });

export type SmartleadSequence = z.input<typeof smartleadSequenceSchema>;

/** The native sequence in Smartlead's shape; `campaignAlias` is the campaign's integer id. */
export function presentSequences(sequence: Sequence, campaignAlias: number): SmartleadSequence[] {
  return sequence.steps.map((step) => {
    const variants = sequence.variants.get(step.id) ?? [];
    const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
    const days = Math.round((step.delayMinutes / MINUTES_PER_DAY) * 1000) / 1000;
    return {
      id: step.alias,
      email_campaign_id: campaignAlias,
      seq_number: step.position,
      seq_delay_details: { delay_in_days: days, delayInDays: days },
      subject: smartleadTags(step.subject ?? ''),
      email_body: smartleadTags(step.bodyHtml),
      variant_distribution_type: variants.every((variant) => variant.weight === variants[0]!.weight)
        ? 'MANUAL_EQUAL'
        : 'MANUAL_PERCENTAGE',
      sequence_variants:
        variants.length === 0
          ? null
          : variants.map((variant) => ({
              variant_label: variant.label,
              subject: smartleadTags(variant.subject ?? ''),
              email_body: smartleadTags(variant.bodyHtml),
              variant_distribution_percentage: Math.round((variant.weight / total) * 100),
            })),
    };
  });
}
