import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import { FINAL_ENROLLMENT_STATUSES, type EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { Repositories } from '../../db/repositories';
import type { SendPurpose } from './send-attempt';
import { nextWindowOpening } from './sending-window';
import { deferred, stopped, type StepOutcome, type StoppedStatus } from './step-outcome';

/** Everything that decides whether a step may go now, read together (inside the claim, in one transaction). */
export interface StepSituation {
  enrollment: EnrollmentEntity;
  contact: ContactEntity | null;
  campaign: CampaignEntity | null;
  /** The contact's address is on the organization's block list. */
  blocked: boolean;
  position: number;
  now: Date;
  /**
   * `resend`: an operator re-sends a message whose outcome was unknown. The enrollment may have completed since
   * (the sequence went on), and a pause of the campaign ends the resend instead of holding it.
   */
  purpose?: SendPurpose;
}

/**
 * Reads what decides whether the enrollment's step may go (its contact, campaign and the block list) and screens
 * it: in the send's early look, inside the claim's transaction, and before an operator's resend is queued.
 */
export async function screenEnrollment(
  repos: Repositories,
  enrollment: EnrollmentEntity,
  situation: Pick<StepSituation, 'position' | 'purpose'> & { now?: Date },
) {
  const contact = await repos.contacts.findById(enrollment.organizationId, enrollment.contactId);
  const campaign = await repos.campaigns.findByIdUnscoped(enrollment.campaignId);
  const blocked = contact ? await repos.blockList.isBlocked(enrollment.organizationId, contact.email) : false;
  const outcome = screenStep({
    ...situation,
    enrollment,
    contact,
    campaign,
    blocked,
    now: situation.now ?? new Date(),
  });
  return { contact, campaign, outcome };
}

/**
 * The one place that decides whether a step may go now, before any mailbox is chosen: null when it may, otherwise
 * what happens instead. Anything that ended the sequence wins over a pause, and a pause over the sending window.
 */
export function screenStep(situation: StepSituation): StepOutcome | null {
  const { enrollment, contact, campaign, position, now } = situation;
  const resend = situation.purpose === 'resend';
  if (!contact || !campaign) return stopped('stopped', 'the contact or campaign was deleted');
  const finished = FINAL_ENROLLMENT_STATUSES.includes(enrollment.status);
  if (finished && !(resend && enrollment.status === 'completed')) {
    return stopped(enrollment.status as StoppedStatus, `the enrollment is ${enrollment.status}`);
  }
  switch (contact.status) {
    case 'active':
      break;
    case 'unsubscribed':
    case 'complained':
      return stopped('unsubscribed', `the contact is ${contact.status}`);
    case 'bounced':
      return stopped('bounced', 'the contact has bounced');
    case 'deactivated':
      return stopped('stopped', 'the contact is deactivated');
  }
  if (situation.blocked) return stopped('stopped', `${contact.email} is on the block list`);
  // A completed campaign still lets an operator resend a message whose outcome was unknown.
  if (campaign.status === 'stopped' || campaign.status === 'archived' || (campaign.status === 'completed' && !resend)) {
    return stopped('stopped', `the campaign is ${campaign.status}`);
  }
  if (campaign.status === 'paused') {
    if (resend) return stopped('stopped', 'the campaign is paused; resume it, then resend');
    return { kind: 'held', by: 'campaign', reason: 'the campaign is paused' };
  }
  if (enrollment.status === 'paused' && !resend)
    return { kind: 'held', by: 'enrollment', reason: 'the enrollment is paused' };
  // Outside the sending window (the contact's timezone when known): wait for it to open, sending nothing.
  const opensAt = nextWindowOpening(campaign.schedule, contact.timezone, now);
  if (opensAt > now) return deferred(opensAt.getTime(), `outside the sending window: step ${position}`);
  return null;
}
