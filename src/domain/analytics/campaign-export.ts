import type { Database } from '../../db/repositories';
import type { LeadActivity } from '../../db/repositories/analytics.repository';
import type { LeadFilter, LeadRow } from '../../db/repositories/lead.repository';
import type { CampaignService } from '../campaigns/campaign.service';
import { AppError } from '../errors';

/** Leads read per query of the CSV export: memory stays the same whatever the campaign's size. */
const EXPORT_BATCH = 1000;

/** The columns of `GET /campaigns/{id}/export.csv`, in order. */
export const CAMPAIGN_EXPORT_COLUMNS = [
  'email',
  'first_name',
  'last_name',
  'status',
  'step_reached',
  'mailbox',
  'last_event',
  'last_event_at',
  'category',
  'sent_count',
  'open_count',
  'click_count',
  'reply_count',
  'enrolled_at',
  'removed_at',
  'enrollment_id',
  'contact_id',
] as const;

/** One lead of the export: the lead export's row (contact, status, step, last event, mailbox) and its counts. */
export interface ExportLead extends LeadRow {
  contactId: string;
  enrolledAt: Date;
  sent: number;
  opened: number;
  clicked: number;
  replied: number;
}

/** Where a page ends: the last lead's (created_at, id), what the next page starts after. */
export interface ExportCursor {
  createdAt: string;
  id: string;
}

export interface ExportPage {
  leads: ExportLead[];
  /** Null on the last page. */
  next: ExportCursor | null;
}

/**
 * A campaign's export: the lead export's keyset pages (LeadRepository.exportBatch: the same filters, order and
 * last event), each completed by one query of its leads' message counts.
 */
export class CampaignExport {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
  ) {}

  /** The leads as CSV rows, header first; the campaign is looked up before the first row, so a 404 comes first. */
  async csv(organizationId: string, campaignId: string, filter: LeadFilter): Promise<AsyncGenerator<string[]>> {
    await this.campaigns.require(organizationId, campaignId);
    return this.rows(campaignId, filter);
  }

  /** One page of `limit` leads after the cursor (from the first without one). */
  async page(
    organizationId: string,
    campaignId: string,
    filter: LeadFilter,
    after: ExportCursor | null,
    limit: number,
  ): Promise<ExportPage> {
    await this.campaigns.require(organizationId, campaignId);
    // One more than asked tells whether a next page exists.
    const leads = await this.batch(campaignId, filter, after, limit + 1);
    const page = leads.slice(0, limit);
    const last = page.at(-1);
    return { leads: page, next: leads.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
  }

  private async *rows(campaignId: string, filter: LeadFilter): AsyncGenerator<string[]> {
    yield [...CAMPAIGN_EXPORT_COLUMNS];
    let after: ExportCursor | null = null;
    for (;;) {
      const leads = await this.batch(campaignId, filter, after, EXPORT_BATCH);
      for (const lead of leads) yield cells(lead);
      if (leads.length < EXPORT_BATCH) return;
      after = leads.at(-1)!;
    }
  }

  private async batch(
    campaignId: string,
    filter: LeadFilter,
    after: ExportCursor | null,
    limit: number,
  ): Promise<ExportLead[]> {
    const rows = await this.db.repos.leads.exportBatch(campaignId, filter, after, limit);
    const activity = await this.db.repos.analytics.leadActivity(rows.map((row) => row.id));
    return rows.flatMap((row) => {
      const counts: LeadActivity | undefined = activity.get(row.id);
      // An enrollment deleted between the two reads (its campaign deleted meanwhile) is left out.
      if (!counts) return [];
      const { enrollmentId: _id, ...rest } = counts;
      return [{ ...row, ...rest }];
    });
  }
}

function cells(lead: ExportLead): string[] {
  return [
    lead.email,
    lead.firstName ?? '',
    lead.lastName ?? '',
    lead.status,
    String(lead.currentStep),
    lead.mailboxEmail ?? '',
    lead.lastEvent ?? '',
    lead.lastEventAt?.toISOString() ?? '',
    lead.category ?? '',
    String(lead.sent),
    String(lead.opened),
    String(lead.clicked),
    String(lead.replied),
    lead.enrolledAt.toISOString(),
    lead.removedAt?.toISOString() ?? '',
    lead.id,
    lead.contactId,
  ];
}

/** `created_at` as Postgres writes it (`2026-11-20 10:04:12.123456+00`). */
const CURSOR_CREATED_AT =
  /^(\d{4})-(\d{2})-(\d{2}) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-](0\d|1[0-4])(:[0-5]\d)?$/;

/** A time Postgres reads back: its date exists (no 2026-02-30). */
function isCreatedAt(text: string): boolean {
  const match = CURSOR_CREATED_AT.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1970 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The opaque `cursor` of a page's `next_cursor`. */
export function encodeCursor(cursor: ExportCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString('base64url');
}

/** Reads a `cursor` given back by a client; one it did not get from a page is a 422 on `cursor`. */
export function decodeCursor(value: string): ExportCursor {
  const [createdAt, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !createdAt || !id || !isCreatedAt(createdAt) || !UUID.test(id)) {
    throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
      errors: ['cursor: must be a next_cursor of an earlier page'],
    });
  }
  return { createdAt, id };
}
