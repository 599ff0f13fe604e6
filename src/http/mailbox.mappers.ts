import type { MailboxInput } from '../domain/mailboxes/mailbox.service';
import type { SmtpCredentialBody } from './campaign.schemas';

/** A validated credential body → the domain's mailbox settings. */
export function mailboxInputFromBody(body: SmtpCredentialBody): MailboxInput {
  return {
    label: body.label,
    smtpHost: body.smtp_host,
    smtpPort: body.smtp_port,
    smtpSecurity: body.smtp_security,
    smtpUsername: body.smtp_username,
    smtpPassword: body.smtp_password,
    fromEmail: body.from_email,
    fromName: body.from_name,
    dailyLimit: body.daily_limit,
    imap:
      body.imap_host && body.imap_port && body.imap_username && body.imap_password
        ? {
            host: body.imap_host,
            port: body.imap_port,
            username: body.imap_username,
            password: body.imap_password,
            security: body.imap_security,
          }
        : undefined,
    dkim:
      body.dkim_domain && body.dkim_selector && body.dkim_private_key
        ? { domain: body.dkim_domain, selector: body.dkim_selector, privateKey: body.dkim_private_key }
        : undefined,
  };
}
