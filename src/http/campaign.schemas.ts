import { z } from 'zod';
import { contactSchema } from './contact.schemas';

export const smtpCredentialSchema = z
  .object({
    label: z.string().trim().min(1).max(200).optional(),
    smtp_host: z.string().trim().min(1).max(253),
    smtp_port: z.number().int().min(1).max(65535),
    smtp_security: z
      .enum(['tls', 'starttls', 'none'])
      .optional()
      .describe('tls = implicit TLS (465); starttls = upgrade required (587); none = plain, for local capture servers'),
    smtp_username: z.string().min(1).max(320),
    smtp_password: z.string().min(1).max(1000),
    from_email: z.email().optional(),
    from_name: z.string().trim().max(200).optional(),
    daily_limit: z.number().int().min(1).max(100_000).default(50),
    imap_host: z.string().trim().min(1).max(253).optional(),
    imap_port: z.number().int().min(1).max(65535).optional(),
    imap_username: z.string().min(1).max(320).optional(),
    imap_password: z.string().min(1).max(1000).optional(),
  })
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

export const sequenceStepSchema = z.object({
  position: z.number().int().min(1).max(100),
  subject: z.string().trim().min(1).max(998),
  body_html: z.string().min(1).max(500_000),
  /** Minutes after the previous step; fractions allowed (0.05 = 3 seconds). */
  delay_minutes: z.number().min(0).max(525_600),
});

export const createCampaignSchema = z.object({
  campaign: z
    .object({
      name: z.string().trim().min(1).max(200),
      evergreen: z.boolean().default(false),
      list_uuids: z.array(z.uuid()).max(20).default([]),
      outreach_id: z.uuid().nullable().optional(),
      min_wait_seconds: z.number().int().min(0).max(86_400).default(120),
      max_wait_seconds: z.number().int().min(0).max(86_400).default(420),
      verify_email_mx: z.boolean().default(false),
      bounce_rate_threshold: z.number().min(0).max(100).default(8.0),
      smtp_credentials: z.array(smtpCredentialSchema).min(1).max(50),
      sequence_steps: z.array(sequenceStepSchema).min(1).max(50),
    })
    .refine((campaign) => campaign.max_wait_seconds >= campaign.min_wait_seconds, {
      message: 'max_wait_seconds must be at least min_wait_seconds',
      path: ['max_wait_seconds'],
    })
    .refine(
      (campaign) =>
        new Set(campaign.sequence_steps.map((step) => step.position)).size === campaign.sequence_steps.length,
      { message: 'each sequence step needs its own position', path: ['sequence_steps'] },
    ),
});
export type CreateCampaignBody = z.infer<typeof createCampaignSchema>;

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
