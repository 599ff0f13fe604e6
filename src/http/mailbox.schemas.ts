import { z } from 'zod';
import { smtpCredentialSchema } from './campaign.schemas';
import { booleanQuery } from './path-params';

/** `POST /mailboxes`: the same settings as a campaign's SMTP credential. */
export const createMailboxSchema = smtpCredentialSchema;

const field = smtpCredentialSchema.shape;

/**
 * `PATCH /mailboxes/{id}`: each field left out keeps its value. `imap_host: null` removes the IMAP settings and
 * `dkim_domain: null` the DKIM ones; other IMAP fields merge into the stored ones.
 */
export const updateMailboxSchema = z
  .object({
    label: field.label.unwrap().nullable().optional(),
    smtp_host: field.smtp_host.optional(),
    smtp_port: field.smtp_port.optional(),
    smtp_security: field.smtp_security,
    smtp_username: field.smtp_username.optional(),
    smtp_password: field.smtp_password.optional(),
    from_email: field.from_email,
    from_name: field.from_name.unwrap().nullable().optional(),
    daily_limit: field.daily_limit.unwrap().optional().describe('New conversations a day.'),
    imap_host: field.imap_host
      .unwrap()
      .nullable()
      .optional()
      .describe('null removes the IMAP settings: replies are then no longer read from this mailbox'),
    imap_port: field.imap_port,
    imap_username: field.imap_username,
    imap_password: field.imap_password,
    imap_security: field.imap_security,
    dkim_domain: field.dkim_domain
      .unwrap()
      .nullable()
      .optional()
      .describe('null removes the DKIM settings: messages are then not signed'),
    dkim_selector: field.dkim_selector,
    dkim_private_key: field.dkim_private_key,
    status: z
      .enum(['active', 'disabled'])
      .optional()
      .describe('disabled: it sends nothing, its conversations wait; active: re-enable it (from disabled or error)'),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'give at least one field to change',
  })
  .refine(
    (body) =>
      body.imap_host !== null ||
      [body.imap_port, body.imap_username, body.imap_password, body.imap_security].every(
        (value) => value === undefined,
      ),
    { message: 'imap_host: null removes the IMAP settings: give no other IMAP field with it', path: ['imap_host'] },
  )
  .refine(
    (body) => {
      const rest = [body.dkim_selector, body.dkim_private_key];
      if (body.dkim_domain === null) return rest.every((value) => value === undefined);
      const dkim = [body.dkim_domain, ...rest];
      return dkim.every((value) => value === undefined) || dkim.every((value) => value !== undefined);
    },
    {
      message:
        'dkim_domain, dkim_selector and dkim_private_key go together: give all three, or dkim_domain: null alone to remove them',
      path: ['dkim_domain'],
    },
  );
export type UpdateMailboxBody = z.output<typeof updateMailboxSchema>;

/** `DELETE /mailboxes/{id}`. */
export const deleteMailboxQuerySchema = z.object({ force: booleanQuery(false) });

/** `POST /campaigns/{id}/mailboxes`. */
export const attachMailboxSchema = z.object({ mailbox_id: z.uuid() });

/** `DELETE /campaigns/{id}/mailboxes/{mailbox_id}`. */
export const detachMailboxQuerySchema = z.object({ reassign: booleanQuery(false) });
