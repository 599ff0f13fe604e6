import { In, IsNull, Not, type EntityManager, type FindOptionsWhere } from 'typeorm';
import { EnrollmentEntity, type CategorySource, type EnrollmentStatus } from '../entities/enrollment.entity';

/** Which of a campaign's enrollments a page or an export covers. */
export interface LeadFilter {
  statuses?: EnrollmentStatus[] | undefined;
  category?: string | undefined;
  /** `exclude` leaves out the leads removed from the campaign, `only` lists them alone, `include` both. */
  removed: 'exclude' | 'include' | 'only';
}

/** One lead of a campaign's export: its enrollment, its contact and its latest event. */
export interface LeadRow {
  id: string;
  /** `created_at` as Postgres writes it (microseconds kept): with `id`, the cursor of the next batch. */
  createdAt: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  status: EnrollmentStatus;
  currentStep: number;
  lastEvent: string | null;
  lastEventAt: Date | null;
  category: string | null;
  mailboxEmail: string | null;
  removedAt: Date | null;
}

/** What the enrollment's messages record, latest first: the export's "last event". */
const EVENTS_SQL = `(VALUES ('sent', message.sent_at), ('opened', message.opened_at), ('clicked', message.clicked_at),
  ('replied', message.replied_at), ('bounced', message.bounced_at), ('unsubscribed', message.unsubscribed_at))`;

/** A campaign's enrollments as leads: removal, categories, and the filtered page and export. */
export class LeadRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Marks the enrollment removed from its campaign; false when it already was. */
  async markRemoved(id: string): Promise<boolean> {
    const result = await this.manager.update(
      EnrollmentEntity,
      { id, removedAt: IsNull() },
      { removedAt: () => 'now()', updatedAt: () => 'now()' },
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * Sets (or, with null, clears) the enrollment's category. An automatic one is written only over no category or
   * another automatic one: a category set by hand stays until changed by hand. Setting by hand the category the
   * classifier chose makes it manual. Returns the category it had when the row was written, else null.
   */
  async setCategory(
    id: string,
    category: string | null,
    source: CategorySource,
  ): Promise<{ previous: string | null } | null> {
    // The row lock makes `previous` the category this write replaced, whatever ran at the same time.
    const [rows]: [{ previous: string | null }[], number] = await this.manager.query(
      `WITH target AS (SELECT id, category FROM enrollments WHERE id = $1 FOR UPDATE)
       UPDATE enrollments enrollment
          SET category = $2::text, category_source = CASE WHEN $2::text IS NULL THEN NULL ELSE $3::text END,
              category_set_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END, updated_at = now()
         FROM target
        WHERE enrollment.id = target.id
          AND ($3::text = 'manual' OR enrollment.category_source IS DISTINCT FROM 'manual')
          AND (enrollment.category, enrollment.category_source)
              IS DISTINCT FROM ($2::text, CASE WHEN $2::text IS NULL THEN NULL ELSE $3::text END)
       RETURNING target.category AS previous`,
      [id, category, source],
    );
    return rows[0] ?? null;
  }

  /** One page of the campaign's enrollments (with their contacts), by creation, and how many match in all. */
  async page(
    campaignId: string,
    filter: LeadFilter,
    offset: number,
    limit: number,
  ): Promise<{ enrollments: EnrollmentEntity[]; total: number }> {
    const where = whereOf(campaignId, filter);
    const [enrollments, total] = await Promise.all([
      this.manager.find(EnrollmentEntity, {
        where,
        relations: { contact: true },
        order: { createdAt: 'ASC', id: 'ASC' },
        skip: offset,
        take: limit,
      }),
      this.manager.countBy(EnrollmentEntity, where),
    ]);
    return { enrollments, total };
  }

  /** The next `limit` leads after the (created_at, id) cursor, in creation order: an export reads them in batches. */
  async exportBatch(
    campaignId: string,
    filter: LeadFilter,
    after: { createdAt: string; id: string } | null,
    limit: number,
  ): Promise<LeadRow[]> {
    const rows: {
      id: string;
      created_at: string;
      email: string;
      first_name: string | null;
      last_name: string | null;
      status: EnrollmentStatus;
      current_step: number;
      last_event: string | null;
      last_event_at: Date | null;
      category: string | null;
      mailbox_email: string | null;
      removed_at: Date | null;
    }[] = await this.manager.query(
      `SELECT enrollment.id, enrollment.created_at::text AS created_at, contact.email,
              contact.fields->>'first_name' AS first_name, contact.fields->>'last_name' AS last_name,
              enrollment.status, enrollment.current_step, last_event.kind AS last_event, last_event.at AS last_event_at,
              enrollment.category, mailbox.from_email AS mailbox_email, enrollment.removed_at
         FROM enrollments enrollment
         JOIN contacts contact ON contact.id = enrollment.contact_id
         LEFT JOIN mailboxes mailbox ON mailbox.id = enrollment.mailbox_id
         LEFT JOIN LATERAL (
           SELECT event.kind, event.at
             FROM messages message CROSS JOIN LATERAL ${EVENTS_SQL} AS event(kind, at)
            WHERE message.enrollment_id = enrollment.id AND event.at IS NOT NULL
            ORDER BY event.at DESC LIMIT 1
         ) last_event ON true
        WHERE enrollment.campaign_id = $1
          AND ($2::text[] IS NULL OR enrollment.status = ANY($2::text[]))
          AND ($3::text IS NULL OR enrollment.category = $3::text)
          AND CASE $4::text WHEN 'exclude' THEN enrollment.removed_at IS NULL
                            WHEN 'only' THEN enrollment.removed_at IS NOT NULL ELSE true END
          AND ($5::timestamptz IS NULL OR (enrollment.created_at, enrollment.id) > ($5::timestamptz, $6::uuid))
        ORDER BY enrollment.created_at, enrollment.id
        LIMIT $7`,
      [
        campaignId,
        filter.statuses ?? null,
        filter.category ?? null,
        filter.removed,
        after?.createdAt ?? null,
        after?.id ?? null,
        limit,
      ],
    );
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      email: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      status: row.status,
      currentStep: row.current_step,
      lastEvent: row.last_event,
      lastEventAt: row.last_event_at,
      category: row.category,
      mailboxEmail: row.mailbox_email,
      removedAt: row.removed_at,
    }));
  }
}

function whereOf(campaignId: string, filter: LeadFilter): FindOptionsWhere<EnrollmentEntity> {
  return {
    campaignId,
    ...(filter.statuses ? { status: In(filter.statuses) } : {}),
    ...(filter.category !== undefined ? { category: filter.category } : {}),
    ...(filter.removed === 'exclude'
      ? { removedAt: IsNull() }
      : filter.removed === 'only'
        ? { removedAt: Not(IsNull()) }
        : {}),
  };
}
