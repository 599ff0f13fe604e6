import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { MessageRef } from '../../crypto/public-tokens';
import type { SecretBox } from '../../crypto/secret-box';
import type { ComposedMessage, OutgoingMessage } from '../../mail/compose';
import type { DkimKey, SmtpAccount, SmtpClient, SmtpResult } from '../../mail/smtp';
import type { RenderedStep } from '../campaigns/step-content';
import type { PublicLinks } from '../engagement/public-links';

/** The SMTP account of a mailbox, its password decrypted. */
export function smtpAccountOf(mailbox: MailboxEntity, secrets: SecretBox): SmtpAccount {
  return {
    host: mailbox.smtpHost,
    port: mailbox.smtpPort,
    security: mailbox.smtpSecurity,
    username: mailbox.smtpUsername,
    password: secrets.decrypt(mailbox.smtpPasswordEncrypted),
  };
}

/**
 * Hands a composed message to the mailbox's SMTP server, DKIM-signed with its key: every send of a conversation (a
 * step, a resend, an operator's reply) goes out through here. The result is a value (see SmtpResult).
 */
export function transmit(
  deps: { smtp: SmtpClient; secrets: SecretBox },
  mailbox: MailboxEntity,
  composed: ComposedMessage,
): Promise<SmtpResult> {
  return deps.smtp.send(smtpAccountOf(mailbox, deps.secrets), composed, dkimKeyOf(mailbox, deps.secrets));
}

/** The mailbox's DKIM key, decrypted; null when it signs nothing. */
export function dkimKeyOf(mailbox: MailboxEntity, secrets: SecretBox): DkimKey | null {
  if (!mailbox.dkimDomain || !mailbox.dkimSelector || !mailbox.dkimPrivateKeyEncrypted) return null;
  return {
    domainName: mailbox.dkimDomain,
    keySelector: mailbox.dkimSelector,
    privateKey: secrets.decrypt(mailbox.dkimPrivateKeyEncrypted),
  };
}

/**
 * What one rendered step becomes as a message from `mailbox`, with the campaign's text-only, unsubscribe and
 * tracking settings. `message` names the enrollment and step; null for a test send, which is not tracked and whose
 * unsubscribe link unsubscribes no one.
 */
export function outgoingMessage(input: {
  campaign: Pick<CampaignEntity, 'sendAsPlainText' | 'unsubscribeText' | 'trackOpens' | 'trackClicks'>;
  mailbox: Pick<MailboxEntity, 'fromEmail' | 'fromName'>;
  to: string;
  subject: string;
  content: RenderedStep;
  messageId: string;
  thread: string[];
  links: PublicLinks;
  message: MessageRef | null;
}): OutgoingMessage {
  const { campaign, mailbox, message, links } = input;
  const tracked = message !== null && !campaign.sendAsPlainText;
  return {
    from: { email: mailbox.fromEmail, name: mailbox.fromName },
    to: input.to,
    subject: input.subject,
    html: input.content.html,
    text: input.content.text,
    plainTextOnly: campaign.sendAsPlainText,
    messageId: input.messageId,
    thread: input.thread,
    unsubscribe: {
      url: links.unsubscribeUrl(message?.enrollmentId ?? null),
      // RFC 2369's fallback for clients without one-click: a mail to the sending mailbox, which its monitor reads.
      mailto: `mailto:${mailbox.fromEmail}?subject=unsubscribe`,
      footer: campaign.unsubscribeText,
    },
    tracking: {
      pixelUrl: tracked && campaign.trackOpens ? links.openPixelUrl(message) : null,
      wrapLink: tracked && campaign.trackClicks ? (url) => links.clickUrl(message, url) : null,
    },
  };
}
