import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { Repositories } from '../../db/repositories';

/**
 * Why nothing may be written to the enrollment's contact any more, or null when it may: checked when a reply is
 * asked for (a 409) and again just before it is sent (the reply is cancelled).
 */
export async function whyContactUnreachable(repos: Repositories, enrollment: EnrollmentEntity): Promise<string | null> {
  const contact: ContactEntity | null = await repos.contacts.findById(enrollment.organizationId, enrollment.contactId);
  if (!contact) return 'the contact was deleted';
  if (contact.status !== 'active') return `the contact is ${contact.status}`;
  if (enrollment.status === 'unsubscribed' || enrollment.status === 'bounced') {
    return `the contact is ${enrollment.status} in this campaign`;
  }
  if (await repos.blockList.isBlocked(enrollment.organizationId, contact.email)) {
    return `${contact.email} is on the block list`;
  }
  return null;
}

/** Why the mailbox cannot send now (disabled, or in error with its server's reply), or null when it can. */
export function whyMailboxCannotSend(mailbox: MailboxEntity): string | null {
  if (mailbox.status === 'active') return null;
  const why = mailbox.status === 'error' ? mailbox.smtpError : mailbox.disabledReason;
  return `the mailbox ${mailbox.fromEmail} is ${mailbox.status === 'error' ? 'in error' : 'disabled'}${why ? ` (${why})` : ''}`;
}
