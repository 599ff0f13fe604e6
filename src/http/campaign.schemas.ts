// The request bodies and queries of every campaign route, from which their types and the OpenAPI document come.
// Over ~300 lines: most of it is the campaign itself (credentials, steps and variants, schedule, settings), whose
// create and PATCH schemas share their building blocks (header text, Liquid templates, settings fields); split, one
// body's rules would be scattered.
import crypto from 'node:crypto';
import { z } from 'zod';
import {
  IMAP_SECURITIES,
  SKIP_KINDS,
  SMTP_SECURITIES,
  STOP_ON,
  WINNER_METRICS,
} from '../domain/campaigns/campaign-model';
import { normalizeEmail } from '../domain/contacts/email';
import { MAX_TEMPLATE_LENGTH, stepTemplateProblem, TEMPLATE_LIMITS } from '../domain/campaigns/step-content';
import { contactSchema, timeZone } from './contact.schemas';
import { booleanQuery } from './path-params';

/** A value that goes into a message header: one line, no control characters. */
export const headerText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => ![...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f), {
      message: 'must be a single line without control characters (line breaks would add header lines)',
    });

export const smtpCredentialSchema = z
  .object({
    label: z.string().trim().min(1).max(200).optional(),
    smtp_host: z.string().trim().min(1).max(253),
    smtp_port: z.number().int().min(1).max(65535),
    smtp_security: z
      .enum(SMTP_SECURITIES)
      .optional()
      .describe('tls = implicit TLS (465); starttls = upgrade required (587); none = plain, for local capture servers'),
    smtp_username: z.string().min(1).max(320),
    smtp_password: z.string().min(1).max(1000),
    from_email: z.email().optional(),
    from_name: headerText(200).optional(),
    daily_limit: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .optional()
      .describe('New conversations a day; left out: 50 for a new mailbox, unchanged for an existing one'),
    imap_host: z.string().trim().min(1).max(253).optional(),
    imap_port: z.number().int().min(1).max(65535).optional(),
    imap_username: z.string().min(1).max(320).optional(),
    imap_password: z.string().min(1).max(1000).optional(),
    imap_security: z
      .enum(IMAP_SECURITIES)
      .optional()
      .describe(
        'tls = implicit TLS (993, the default there); starttls = upgrade required (any other port); none = plain',
      ),
    dkim_domain: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63}$/, 'must be a domain name such as example.com')
      .optional(),
    dkim_selector: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*$/, 'must be a DNS label such as s1 or mail2026')
      .optional(),
    dkim_private_key: z
      .string()
      .max(20_000)
      .refine(isPrivateKey, {
        message: 'must be a PEM private key (RSA of 1024 bits or more, or Ed25519), "-----BEGIN PRIVATE KEY-----"…',
      })
      .optional(),
  })
  .refine(
    (credential) => {
      const dkim = [credential.dkim_domain, credential.dkim_selector, credential.dkim_private_key];
      return dkim.every((value) => value === undefined) || dkim.every((value) => value !== undefined);
    },
    { message: 'dkim_domain, dkim_selector and dkim_private_key go together: give all three or none' },
  )
  .refine(
    (credential) => {
      const imap = [credential.imap_host, credential.imap_port, credential.imap_username, credential.imap_password];
      return imap.every((value) => value === undefined) || imap.every((value) => value !== undefined);
    },
    { message: 'imap_host, imap_port, imap_username and imap_password go together: give all four or none' },
  )
  .refine(
    (credential) => credential.from_email !== undefined || z.email().safeParse(credential.smtp_username).success,
    {
      message: 'from_email is required when smtp_username is not an email address',
      path: ['from_email'],
    },
  );

export type SmtpCredentialBody = z.output<typeof smtpCredentialSchema>;

function isPrivateKey(pem: string): boolean {
  try {
    const key = crypto.createPrivateKey(pem);
    if (key.asymmetricKeyType === 'ed25519') return true;
    return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 1024;
  } catch {
    return false;
  }
}

/** Refused when it would read files, does not parse, or holds too many tags: checked as the send parses it. */
export const liquidTemplate = z.string().superRefine((source, context) => {
  const problem = stepTemplateProblem(source);
  if (problem !== null) context.addIssue({ code: 'custom', message: problem });
});

/** The template rules and limits, documented once on `sequence_steps`. */
const TEMPLATE_RULES =
  'Subjects and bodies are Liquid templates: merge fields such as `{{ first_name }}` (with ' +
  '`| default: "there"` as a fallback), filters, `if` and `for`, and spintax such as `{Hi|Hello}`. Templates ' +
  'cannot read files: `include`, `render` and `layout` are refused. A body has at most ' +
  `${MAX_TEMPLATE_LENGTH} characters, a subject 998, and each at most ${TEMPLATE_LIMITS.tags} tags and outputs. ` +
  `Rendering one may take at most ${TEMPLATE_LIMITS.steps} steps (tags, outputs and text blocks, loop rounds ` +
  `included), build at most ${TEMPLATE_LIMITS.memory} characters or items (ranges, filters, outputs), produce at ` +
  `most ${TEMPLATE_LIMITS.outputLength} characters and take ${TEMPLATE_LIMITS.ms} ms; past a limit, preview and ` +
  'test_send answer 422 `invalid_template`, dispatch too, and a send fails for good.';

/** A body: at most MAX_TEMPLATE_LENGTH characters, then checked as a Liquid template. */
const bodySchema = z
  .string()
  .min(1)
  .max(MAX_TEMPLATE_LENGTH, `must be at most ${MAX_TEMPLATE_LENGTH} characters`)
  .pipe(liquidTemplate);

/**
 * Omitted on a follow-up, or an empty string (as users of other tools write it): it answers under step 1's subject
 * as `Re: …`. Only the first step needs one.
 */
const subjectSchema = headerText(998).pipe(liquidTemplate);
/** The plain-text part; omitted = generated from the HTML. */
const bodyTextSchema = bodySchema.describe(
  'The plain-text part, a Liquid template; omitted, it is made from the HTML.',
);
const bodyHtmlSchema = bodySchema.describe('The HTML body, a Liquid template.');

const variantSchema = z.object({
  label: z.string().trim().min(1).max(50),
  subject: subjectSchema.describe("One line, a Liquid template; omitted or empty, the step's subject.").optional(),
  body_html: bodyHtmlSchema,
  body_text: bodyTextSchema.optional(),
  /** Relative share of enrollments that get this variant. */
  weight: z.number().int().min(1).max(1000).default(1),
});

const variantsSchema = z
  .array(variantSchema)
  .min(2, 'give at least two variants, or none')
  .max(10)
  .refine((variants) => new Set(variants.map((variant) => variant.label)).size === variants.length, {
    message: 'each variant needs its own label',
  });

export const sequenceStepSchema = z.object({
  position: z.number().int().min(1).max(100),
  subject: subjectSchema
    .describe(
      'One line, a Liquid template; omitted or empty on a follow-up, which answers under step 1\'s subject as "Re: …".',
    )
    .optional(),
  body_html: bodyHtmlSchema,
  body_text: bodyTextSchema.optional(),
  /** Minutes after the previous step; fractions allowed (0.05 = 3 seconds). */
  delay_minutes: z.number().min(0).max(525_600),
  /** A/B variants: when given, each enrollment gets one of them (by weight) instead of the step's own content. */
  variants: variantsSchema.optional(),
});

/** A whole sequence: each step at its own position, the first with a subject. */
const sequenceStepsSchema = z
  .array(sequenceStepSchema)
  .min(1)
  .max(50)
  .refine((steps) => new Set(steps.map((step) => step.position)).size === steps.length, {
    message: 'each sequence step needs its own position',
  })
  .refine(
    (steps) =>
      steps
        .filter((step) => step.position === Math.min(...steps.map((first) => first.position)))
        .every((step) => Boolean(step.subject)),
    { message: 'the first step needs a subject (follow-ups without one answer under it as "Re: …")' },
  )
  .describe(TEMPLATE_RULES);

/** PUT /campaigns/{id}/steps: the whole sequence, as on creation. */
export const replaceStepsSchema = z.object({ sequence_steps: sequenceStepsSchema });

/** PATCH /campaigns/{id}/steps/{position}: any of the step's fields (its position stays). */
export const patchStepSchema = z.object({
  step: sequenceStepSchema
    .omit({ position: true })
    .extend({
      body_text: bodyTextSchema.nullable().describe('The plain-text part; null: made from the HTML.'),
      variants: variantsSchema.nullable().describe('A/B variants replacing the current ones; null removes them.'),
    })
    .partial()
    .strict()
    .refine((step) => Object.keys(step).length > 0, { message: 'give at least one field to change' }),
});
export type SequenceStepBody = z.infer<typeof sequenceStepSchema>;
export type StepPatchBody = z.infer<typeof patchStepSchema>['step'];

const scheduleSchema = z
  .object({
    timezone: timeZone,
    /** 0 = Sunday … 6 = Saturday. */
    days: z
      .array(z.number().int().min(0).max(6))
      .min(1)
      .max(7)
      .refine((days) => new Set(days).size === days.length, { message: 'each day once' }),
    start_hour: z.number().int().min(0).max(23),
    end_hour: z.number().int().min(1).max(24),
  })
  .refine((schedule) => schedule.end_hour > schedule.start_hour, {
    message: 'end_hour must be after start_hour',
    path: ['end_hour'],
  });

/** The settings create and PATCH share (without defaults: create adds them). */
const settingsFields = {
  name: z.string().trim().min(1).max(200),
  evergreen: z.boolean(),
  outreach_id: z.uuid().nullable(),
  min_wait_seconds: z.number().int().min(0).max(86_400),
  max_wait_seconds: z.number().int().min(0).max(86_400),
  verify_email_mx: z.boolean(),
  bounce_rate_threshold: z.number().min(0).max(100),
  schedule: scheduleSchema.nullable(),
  max_new_per_day: z.number().int().min(1).max(100_000).nullable(),
  stop_on: z.enum(STOP_ON),
  track_opens: z.boolean(),
  track_clicks: z.boolean(),
  /** The footer link's text; "" or null = no footer (the List-Unsubscribe headers are always there). */
  unsubscribe_text: headerText(2000)
    .transform((text) => (text === '' ? null : text))
    .nullable(),
  send_as_plain_text: z.boolean(),
  /** Pick each step's winning variant by `metric` once every variant has `min_sends_per_variant` sends. */
  ab_winner: z
    .object({ metric: z.enum(WINNER_METRICS), min_sends_per_variant: z.number().int().min(1).max(100_000) })
    .nullable(),
};

const waitsInOrder = (settings: { min_wait_seconds?: number; max_wait_seconds?: number }) =>
  settings.min_wait_seconds === undefined ||
  settings.max_wait_seconds === undefined ||
  settings.max_wait_seconds >= settings.min_wait_seconds;
const WAITS_MESSAGE = { message: 'max_wait_seconds must be at least min_wait_seconds', path: ['max_wait_seconds'] };

export const createCampaignSchema = z.object({
  campaign: z
    .object({
      ...settingsFields,
      evergreen: settingsFields.evergreen.default(false),
      outreach_id: settingsFields.outreach_id.default(null),
      min_wait_seconds: settingsFields.min_wait_seconds.default(120),
      max_wait_seconds: settingsFields.max_wait_seconds.default(420),
      verify_email_mx: settingsFields.verify_email_mx.default(false),
      bounce_rate_threshold: settingsFields.bounce_rate_threshold.default(8.0),
      schedule: settingsFields.schedule.default(null),
      max_new_per_day: settingsFields.max_new_per_day.default(null),
      stop_on: settingsFields.stop_on.default('reply'),
      track_opens: settingsFields.track_opens.default(false),
      track_clicks: settingsFields.track_clicks.default(false),
      unsubscribe_text: settingsFields.unsubscribe_text.default(null),
      send_as_plain_text: settingsFields.send_as_plain_text.default(false),
      ab_winner: settingsFields.ab_winner.default(null),
      list_uuids: z.array(z.uuid()).max(20).default([]),
      smtp_credentials: z.array(smtpCredentialSchema).min(1).max(50),
      sequence_steps: sequenceStepsSchema,
    })
    .refine(waitsInOrder, WAITS_MESSAGE),
});
export type CreateCampaignBody = z.infer<typeof createCampaignSchema>;

/** PATCH: any of the settings (the reference's updatable fields and ours); steps and mailboxes are not edited here. */
export const updateCampaignSchema = z.object({
  campaign: z
    .object(settingsFields)
    .partial()
    .strict()
    .refine(waitsInOrder, WAITS_MESSAGE)
    .refine((settings) => Object.keys(settings).length > 0, { message: 'give at least one setting to change' }),
});
export type CampaignSettingsBody = z.infer<typeof updateCampaignSchema>['campaign'];

export const enrollContactSchema = z
  .object({
    contact_id: z.uuid().optional(),
    contact: contactSchema.optional(),
    batch_number: z.number().int().min(1).max(1_000_000).default(1),
    priority: z.number().int().min(-1000).max(1000).default(0),
  })
  .refine((body) => (body.contact_id === undefined) !== (body.contact === undefined), {
    message: 'give either contact_id (an existing contact) or contact (to create or reuse one by email), not both',
    path: ['contact_id'],
  });

export const dispatchSchema = z.object({ batch_number: z.number().int().min(1).max(1_000_000).optional() }).default({});

export const scheduleContactsSchema = z.object({
  contacts: z.array(contactSchema).min(1, 'give at least one contact'),
  remove_duplicates: z.boolean().optional(),
});

/** `remove_duplicates` may come in the body (as the reference shows) or the query string; the body wins. */
export const scheduleContactsQuerySchema = z.object({ remove_duplicates: booleanQuery(false) });

/** `list_uuid` names the list; `contact_import_id` is accepted as the reference's name for the same thing. */
export const enrollListSchema = z
  .object({
    list_uuid: z.uuid().optional(),
    contact_import_id: z.uuid().optional(),
    batch_number: z.number().int().min(1).max(1_000_000).default(1),
    priority: z.number().int().min(-1000).max(1000).default(0),
  })
  .refine((body) => (body.list_uuid ?? body.contact_import_id) !== undefined, {
    message: 'give list_uuid (or contact_import_id): the list whose contacts to enroll',
    path: ['list_uuid'],
  });

/** POST /campaigns/{id}/lists. */
export const attachListSchema = z.object({
  list_uuid: z.uuid(),
  enroll: z.boolean().default(true).describe("Enroll the list's contacts now (they start at the next dispatch)."),
  batch_number: z.number().int().min(1).max(1_000_000).default(1),
  priority: z.number().int().min(-1000).max(1000).default(0),
});

/** DELETE /campaigns/{id}/lists/{uuid}. */
export const detachListQuerySchema = z.object({ remove_undispatched: booleanQuery(false) });

export const repliesQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const auditQuerySchema = repliesQuerySchema.extend({ kind: z.enum(SKIP_KINDS).optional() });

export const forecastQuerySchema = z.object({ days: z.coerce.number().int().min(1).max(30).default(7) });

export const previewQuerySchema = z.object({
  contact_id: z.uuid({ message: 'give the id (uuid) of the contact to render the steps for' }),
});

export const testSendSchema = z.object({
  emails: z
    .array(
      z
        .string()
        .max(320)
        .refine((email) => normalizeEmail(email) !== null, { message: 'is not a valid email address' }),
    )
    .min(1, 'give at least one address')
    .max(10, 'at most 10 addresses per test send'),
  /** Whose fields fill the merge tags; without it they show as `[field]` (or their fallback). */
  contact_id: z.uuid().optional(),
});
