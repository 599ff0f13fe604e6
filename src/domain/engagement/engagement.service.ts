import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { Database } from '../../db/repositories';
import type { MessageRef } from '../../crypto/public-tokens';
import type { Logger } from '../../logger';
import { RUNNING_STATUSES, type EnrollmentControlService } from '../enrollments/enrollment-control.service';
import { emailClicked, emailOpened } from '../events/event-builders';
import { linksOfSentMessage } from './message-links';
import { TEST_UNSUBSCRIBE_TOKEN, type PublicLinks } from './public-links';

/** Whom an unsubscribe link names, for its confirmation page. */
export type UnsubscribeTarget =
  /** A test send's link: it unsubscribes no one. */
  | { kind: 'test' }
  /** The campaign (and so the enrollment) was deleted since: nothing is left to unsubscribe from. */
  | { kind: 'gone' }
  | { kind: 'contact'; email: string; unsubscribed: boolean };

/**
 * What recipients do with our messages through the public links: unsubscribe (RFC 8058 one-click or the page's
 * button), open (the pixel) and click (the redirect). Tokens are checked here; a forged one is `null`.
 */
export class EngagementService {
  constructor(
    private readonly db: Database,
    private readonly control: EnrollmentControlService,
    private readonly links: PublicLinks,
    private readonly logger: Logger,
  ) {}

  /** Who the link would unsubscribe, without changing anything: a GET (or a link scanner) must not unsubscribe. */
  async unsubscribeTarget(token: string): Promise<UnsubscribeTarget | null> {
    const found = await this.recipientOf(token);
    if (found === null || 'kind' in found) return found;
    return { kind: 'contact', email: found.contact.email, unsubscribed: found.contact.status !== 'active' };
  }

  /**
   * Unsubscribes the contact of the link's enrollment at once: the contact everywhere in its organization, every
   * unfinished enrollment ended `unsubscribed`, and the message it came from stamped for the statistics.
   */
  async unsubscribe(token: string): Promise<UnsubscribeTarget | null> {
    const found = await this.recipientOf(token);
    if (found === null || 'kind' in found) return found;
    const { contact, enrollmentId, enrollment } = found;
    const change = await this.control.unsubscribeContactEntity(contact, { source: 'link', enrollment });
    await this.db.repos.enrollmentControl.stampLastSent(enrollmentId, 'unsubscribed_at');
    if (change.contactChanged) {
      this.logger.info({ contactId: contact.id, enrollmentId }, 'contact unsubscribed through the link in a message');
    }
    return { kind: 'contact', email: contact.email, unsubscribed: change.contact.status !== 'active' };
  }

  /** Records the message's first open; false when the token is not ours. */
  async recordOpen(token: string): Promise<boolean> {
    const message = this.links.tokens.readOpenPixel(token);
    if (!message) return false;
    if (await this.recordFirst(message, 'open', null)) await this.stopIfAsked(message, ['open']);
    return true;
  }

  /**
   * Records the message's first click and returns where the link goes; null when the token is not ours or names a
   * URL that is not a link of that message. The signature alone is not enough: a leaked SECRET_KEY, or a token of one
   * message replayed with another's link, would make the redirect an open one.
   */
  async recordClick(token: string): Promise<string | null> {
    const click = this.links.tokens.readClick(token);
    if (!click || !/^https?:\/\//i.test(click.url)) return null;
    if (!(await linksOfSentMessage(this.db, click.message)).has(click.url)) {
      this.logger.warn(
        { enrollmentId: click.message.enrollmentId, step: click.message.position },
        'click link to a URL its message does not contain: refused',
      );
      return null;
    }
    if (await this.recordFirst(click.message, 'click', click.url)) {
      // A click is an open too: either setting stops the sequence.
      await this.stopIfAsked(click.message, ['open', 'click']);
    }
    return click.url;
  }

  /**
   * Stamps the message's first open or click and records its event in the same transaction; true for the first. A
   * first click is an open too: `email.opened` is recorded with it unless the message was opened before.
   */
  private recordFirst(message: MessageRef, kind: 'open' | 'click', url: string | null): Promise<boolean> {
    return this.db.transaction(async (repos) => {
      if (!(await repos.messages.recordEngagement(message, kind))) return false;
      const row = await repos.messages.findByStep(message.enrollmentId, message.position);
      if (!row) return true;
      const contactId = (await repos.enrollments.findById(message.enrollmentId))?.contactId ?? null;
      // Each keyed by the message: the open a click implies is skipped when the message was opened before.
      const opened = emailOpened(row, contactId);
      await repos.events.record(kind === 'open' ? [opened] : [opened, emailClicked(row, contactId, url ?? '')]);
      return true;
    });
  }

  private async recipientOf(
    token: string,
  ): Promise<
    { enrollmentId: string; enrollment: EnrollmentEntity; contact: ContactEntity } | { kind: 'test' | 'gone' } | null
  > {
    if (token === TEST_UNSUBSCRIBE_TOKEN) return { kind: 'test' };
    const enrollmentId = this.links.tokens.readUnsubscribe(token);
    if (!enrollmentId) return null;
    const enrollment = await this.db.repos.enrollments.findById(enrollmentId);
    const contact =
      enrollment && (await this.db.repos.contacts.findById(enrollment.organizationId, enrollment.contactId));
    return contact && enrollment ? { enrollmentId, enrollment, contact } : { kind: 'gone' };
  }

  /** Ends the enrollment `stopped` when its campaign's `stop_on` is one of `triggers`. */
  private async stopIfAsked(message: MessageRef, triggers: CampaignEntity['stopOn'][]): Promise<void> {
    const enrollment = await this.db.repos.enrollments.findById(message.enrollmentId);
    if (!enrollment) return;
    const campaign = await this.db.repos.campaigns.findByIdUnscoped(enrollment.campaignId);
    if (!campaign || !triggers.includes(campaign.stopOn)) return;
    const what = triggers.length === 1 ? 'opened' : 'clicked a link in';
    await this.control.end([enrollment], 'stopped', {
      from: RUNNING_STATUSES,
      signal: 'stop',
      reason: `the contact ${what} step ${message.position} (stop_on: ${campaign.stopOn})`,
    });
  }
}
