import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { Database } from '../../db/repositories';
import type { CampaignService } from '../campaigns/campaign.service';
import { normalizeEmail } from '../contacts/email';
import { AppError, notFound } from '../errors';
import {
  NOT_FINISHED_STATUSES,
  type ContactChange,
  type EnrollmentChange,
  type EnrollmentControlService,
} from './enrollment-control.service';

export const INTEGRATION_EVENT_TYPES = ['reply', 'bounce', 'unsubscribe', 'pause', 'resume', 'stop'] as const;
export type IntegrationEventType = (typeof INTEGRATION_EVENT_TYPES)[number];

/** An inbound event: names one enrollment, or a contact by email (optionally in one campaign). */
export interface IntegrationEvent {
  type: IntegrationEventType;
  enrollmentId?: string | undefined;
  email?: string | undefined;
  campaignId?: string | undefined;
  delayMinutes?: number | undefined;
}

/** Events from integrations (a CRM, an inbox tool) turned into the same changes the control API makes. */
export class IntegrationEventService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
    private readonly control: EnrollmentControlService,
  ) {}

  /**
   * Applies the event. `unsubscribe` and `bounce` are facts about the contact and reach all its enrollments; the
   * others act on the named enrollment, or on the contact's enrollments (in the campaign when given). Repeating an
   * event changes nothing more. Answers every enrollment concerned, as the event left it.
   */
  async apply(organizationId: string, event: IntegrationEvent): Promise<ContactChange> {
    const { contact, targets, named } = await this.resolve(organizationId, event);
    switch (event.type) {
      case 'unsubscribe':
        return this.control.unsubscribeContactEntity(contact, {
          source: 'integration',
          enrollment: named ? targets[0] : null,
        });
      case 'bounce':
        return this.control.bounceContact(contact, targets, true);
      case 'reply':
        return this.unchangedContact(contact, await this.control.recordReply(targets, true));
      case 'stop':
        return this.unchangedContact(
          contact,
          await this.control.end(targets, 'stopped', { from: NOT_FINISHED_STATUSES, signal: 'stop' }),
        );
      case 'pause':
      case 'resume': {
        const changes: EnrollmentChange[] = [];
        for (const enrollment of targets) {
          // By email, enrollments not dispatched yet are left as they are; by id, pausing one is refused.
          if (!named && enrollment.status === 'pending') {
            changes.push({ enrollment, changed: false });
          } else if (event.type === 'pause') {
            changes.push(await this.control.pauseEnrollment(enrollment));
          } else {
            changes.push(await this.control.resumeEnrollment(enrollment, event.delayMinutes));
          }
        }
        return this.unchangedContact(contact, changes);
      }
    }
  }

  private async resolve(
    organizationId: string,
    event: IntegrationEvent,
  ): Promise<{ contact: ContactEntity; targets: EnrollmentEntity[]; named: boolean }> {
    if (event.campaignId) await this.campaigns.require(organizationId, event.campaignId);
    const repos = this.db.repos;
    if (event.enrollmentId) {
      const enrollment = await repos.enrollmentControl.findInOrganization(organizationId, event.enrollmentId);
      if (!enrollment?.contact || (event.campaignId && enrollment.campaignId !== event.campaignId)) {
        throw notFound('enrollment_not_found', 'Enrollment');
      }
      return { contact: enrollment.contact, targets: [enrollment], named: true };
    }
    const email = normalizeEmail(event.email ?? '');
    if (!email) {
      throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
        errors: [`email: "${event.email ?? ''}" is not a valid email address`],
      });
    }
    // An integration may spell the address in another case than the import did: one mailbox, one contact.
    const contact = await repos.contacts.findByEmailInAnyCase(organizationId, email);
    if (!contact) throw notFound('contact_not_found', 'Contact');
    return { contact, targets: await repos.enrollmentControl.ofContact(contact.id, event.campaignId), named: false };
  }

  private unchangedContact(contact: ContactEntity, enrollments: EnrollmentChange[]): ContactChange {
    return { contact, contactChanged: false, enrollments };
  }
}
