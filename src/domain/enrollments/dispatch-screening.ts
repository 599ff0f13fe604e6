import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { SkipKind } from '../../db/entities/enrollment-skip.entity';
import type { Repositories } from '../../db/repositories';
import { checkEmails, type MailHostResolver } from '../contacts/email-validation';

export interface Skip {
  enrollment: EnrollmentEntity;
  kind: SkipKind;
  detail: string;
}

/** DNS answers that mean the domain takes no mail (an unknown answer sends anyway rather than lose the contact). */
const NO_MAIL = new Set(['nxdomain', 'null_mx', 'no_mail_host']);

/**
 * Decides, before a batch starts, which enrollments must be skipped rather than sent: contacts that unsubscribed,
 * bounced or were deactivated, addresses on the block list, addresses known to be invalid, contacts already in a sibling campaign of a
 * `unique_contacts` outreach, and — with `verify_email_mx` — addresses whose domain takes no mail. Writes nothing.
 */
export async function screenForDispatch(
  repos: Repositories,
  campaign: CampaignEntity,
  enrollments: EnrollmentEntity[],
  mailHosts: MailHostResolver,
): Promise<{ send: EnrollmentEntity[]; skips: Skip[] }> {
  const contacts = await contactsOf(repos, enrollments);
  const blocked = await repos.blockList.blockedAmong(
    campaign.organizationId,
    [...contacts.values()].map((contact) => contact.email),
  );
  const skips = new Map<string, Skip>();
  const skip = (enrollment: EnrollmentEntity, kind: SkipKind, detail: string): void => {
    if (!skips.has(enrollment.id)) skips.set(enrollment.id, { enrollment, kind, detail });
  };

  for (const enrollment of enrollments) {
    const contact = contacts.get(enrollment.contactId);
    if (!contact) continue; // deleted meanwhile: its workflow will stop at the first send
    const byStatus = skipForStatus(contact);
    const block = blocked.get(contact.email);
    if (byStatus) skip(enrollment, byStatus.kind, byStatus.detail);
    else if (block) skip(enrollment, 'blocked', `the ${block.kind} ${block.value} is on the block list`);
    else if (contact.emailValid === false) {
      skip(enrollment, 'invalid_email', contact.emailCheckDetail ?? 'the address was found invalid');
    }
  }

  const outreach = campaign.outreachId
    ? await repos.outreaches.findById(campaign.organizationId, campaign.outreachId)
    : null;
  if (outreach?.uniqueContacts) {
    const elsewhere = await repos.enrollments.contactsInSiblingCampaigns(
      outreach.id,
      campaign.id,
      enrollments.map((enrollment) => enrollment.contactId),
    );
    for (const enrollment of enrollments) {
      const other = elsewhere.get(enrollment.contactId);
      if (other)
        skip(enrollment, 'cross_campaign_duplicate', `already enrolled in campaign "${other}" of the outreach`);
    }
  }

  if (campaign.verifyEmailMx) {
    const unchecked = enrollments.filter((enrollment) => {
      const contact = contacts.get(enrollment.contactId);
      return contact && !skips.has(enrollment.id) && contact.emailCheckStatus !== 'valid';
    });
    const checks = await checkEmails(
      unchecked.map((enrollment) => contacts.get(enrollment.contactId)!.email),
      mailHosts,
      { concurrency: 8 },
    );
    for (const enrollment of unchecked) {
      const check = checks.get(contacts.get(enrollment.contactId)!.email);
      if (!check || check.valid !== false) continue;
      skip(enrollment, NO_MAIL.has(check.status) ? 'mx_invalid' : 'invalid_email', check.detail);
    }
  }

  return {
    send: enrollments.filter((enrollment) => !skips.has(enrollment.id) && contacts.has(enrollment.contactId)),
    skips: [...skips.values()],
  };
}

/** The enrollments' contacts by id: those loaded with them, and the others read in one query. */
async function contactsOf(repos: Repositories, enrollments: EnrollmentEntity[]): Promise<Map<string, ContactEntity>> {
  const loaded = enrollments.flatMap((enrollment) => (enrollment.contact ? [enrollment.contact] : []));
  const missing = enrollments.filter((enrollment) => !enrollment.contact).map((enrollment) => enrollment.contactId);
  const contacts = await repos.contacts.findManyByIds(missing);
  for (const contact of loaded) contacts.set(contact.id, contact);
  return contacts;
}

function skipForStatus(contact: ContactEntity): { kind: SkipKind; detail: string } | null {
  switch (contact.status) {
    case 'active':
      return null;
    case 'unsubscribed':
    case 'complained':
      return { kind: 'unsubscribed', detail: `the contact is ${contact.status}` };
    case 'bounced':
      return { kind: 'invalid_email', detail: 'an earlier message to this address hard-bounced' };
    case 'deactivated':
      return { kind: 'blocked', detail: 'the contact is deactivated' };
  }
}
