import type { ContactEntity } from '../../db/entities/contact.entity';
import type { Database } from '../../db/repositories';
import type { LeadFilter, LeadRow } from '../../db/repositories/lead.repository';
import type { CampaignService } from '../campaigns/campaign.service';
import { notFound } from '../errors';
import { enrollmentFacts, leadCategoryChanged } from '../events/event-builders';
import {
  NOT_FINISHED_STATUSES,
  type EnrollmentChange,
  type EnrollmentControlService,
} from './enrollment-control.service';

export type { LeadFilter };

/** Leads read per query of an export: memory stays the same whatever the campaign's size. */
const EXPORT_BATCH = 1000;

/** The columns of `GET /campaigns/{id}/enrollments.csv`, in order. */
export const LEAD_EXPORT_COLUMNS = [
  'email',
  'first_name',
  'last_name',
  'status',
  'current_step',
  'last_event',
  'last_event_at',
  'category',
  'mailbox',
  'removed_at',
  'enrollment_id',
] as const;

/**
 * A campaign's enrollments seen as leads: removing one from the campaign, unsubscribing it from this campaign only,
 * categorizing it, and exporting them all.
 */
export class LeadService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
    private readonly control: EnrollmentControlService,
  ) {}

  /**
   * Removes the lead from the campaign: it ends `stopped` (its workflow is told to stop, nothing more is sent) and
   * gets `removed_at`; a finished one keeps its status. Its messages, replies and statistics stay, and so does the
   * row: the contact is never enrolled in this campaign again. Repeating it changes nothing.
   */
  async remove(organizationId: string, campaignId: string, enrollmentId: string): Promise<EnrollmentChange> {
    const enrollment = await this.control.require(organizationId, campaignId, enrollmentId);
    const marked = await this.db.repos.leads.markRemoved(enrollment.id);
    // Also when it was already marked: a removal interrupted between the two writes is completed by a repeat.
    const [stopped] = await this.control.end([enrollment], 'stopped', { from: NOT_FINISHED_STATUSES, signal: 'stop' });
    return { enrollment: stopped!.enrollment, changed: marked || stopped!.changed };
  }

  /**
   * Unsubscribes the lead from this campaign only: this enrollment ends `unsubscribed` (its workflow is told), and
   * the contact stays `active`, in its lists and in its other campaigns.
   */
  async unsubscribeFromCampaign(
    organizationId: string,
    campaignId: string,
    enrollmentId: string,
  ): Promise<{ enrollment: EnrollmentChange; contact: ContactEntity }> {
    const enrollment = await this.control.require(organizationId, campaignId, enrollmentId);
    const [change] = await this.control.end([enrollment], 'unsubscribed', {
      from: NOT_FINISHED_STATUSES,
      signal: 'unsubscribed',
      source: 'api',
    });
    const contact = await this.db.repos.contacts.findById(organizationId, enrollment.contactId);
    if (!contact) throw notFound('contact_not_found', 'Contact');
    return { enrollment: change!, contact };
  }

  /**
   * Sets the lead's category by hand (null clears it); the reply classifier never overwrites it afterwards. A new
   * category records `lead.category_changed` with the change.
   */
  async setCategory(
    organizationId: string,
    campaignId: string,
    enrollmentId: string,
    category: string | null,
  ): Promise<EnrollmentChange> {
    const enrollment = await this.control.require(organizationId, campaignId, enrollmentId);
    const changed = await this.db.transaction(async (repos) => {
      const written = await repos.leads.setCategory(enrollment.id, category, 'manual');
      if (written && written.previous !== category) {
        const change = { from: written.previous, to: category, source: 'manual' as const };
        await repos.events.record([leadCategoryChanged(enrollmentFacts(enrollment), change)]);
      }
      return written !== null;
    });
    return { enrollment: (await this.db.repos.enrollments.findById(enrollment.id)) ?? enrollment, changed };
  }

  /**
   * The campaign's leads as CSV rows, header first, read in batches by a cursor. The campaign is looked up before
   * the rows are returned, so an unknown one fails before anything is sent.
   */
  async exportCsv(organizationId: string, campaignId: string, filter: LeadFilter): Promise<AsyncGenerator<string[]>> {
    await this.campaigns.require(organizationId, campaignId);
    return this.exportRows(campaignId, filter);
  }

  private async *exportRows(campaignId: string, filter: LeadFilter): AsyncGenerator<string[]> {
    yield [...LEAD_EXPORT_COLUMNS];
    let after: LeadRow | null = null;
    for (;;) {
      const rows = await this.db.repos.leads.exportBatch(campaignId, filter, after, EXPORT_BATCH);
      for (const row of rows) yield exportCells(row);
      if (rows.length < EXPORT_BATCH) return;
      after = rows.at(-1)!;
    }
  }
}

function exportCells(row: LeadRow): string[] {
  return [
    row.email,
    row.firstName ?? '',
    row.lastName ?? '',
    row.status,
    String(row.currentStep),
    row.lastEvent ?? '',
    row.lastEventAt?.toISOString() ?? '',
    row.category ?? '',
    row.mailboxEmail ?? '',
    row.removedAt?.toISOString() ?? '',
    row.id,
  ];
}
