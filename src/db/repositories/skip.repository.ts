import type { EntityManager } from 'typeorm';
import type { EnrollmentSkipEntity, SkipKind } from '../entities/enrollment-skip.entity';

export type NewSkip = Pick<
  EnrollmentSkipEntity,
  'organizationId' | 'campaignId' | 'enrollmentId' | 'contactId' | 'kind' | 'detail'
>;

export interface SkipRow {
  enrollmentId: string;
  contactId: string;
  email: string;
  kind: SkipKind;
  detail: string | null;
  skippedAt: Date;
}

export class SkipRepository {
  constructor(private readonly manager: EntityManager) {}

  /** One statement whatever their number: one array parameter per column. */
  async insertMany(skips: NewSkip[]): Promise<void> {
    if (skips.length === 0) return;
    await this.manager.query(
      `INSERT INTO enrollment_skips (organization_id, campaign_id, enrollment_id, contact_id, kind, detail)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[])`,
      [
        skips.map((skip) => skip.organizationId),
        skips.map((skip) => skip.campaignId),
        skips.map((skip) => skip.enrollmentId),
        skips.map((skip) => skip.contactId),
        skips.map((skip) => skip.kind),
        skips.map((skip) => skip.detail),
      ],
    );
  }

  /** The campaign's most recent skips, optionally of one kind. */
  async recent(campaignId: string, kind: SkipKind | undefined, limit: number): Promise<SkipRow[]> {
    const rows: {
      enrollment_id: string;
      contact_id: string;
      email: string;
      kind: SkipKind;
      detail: string | null;
      created_at: Date;
    }[] = await this.manager.query(
      `SELECT skip.enrollment_id, skip.contact_id, contact.email, skip.kind, skip.detail, skip.created_at
           FROM enrollment_skips skip JOIN contacts contact ON contact.id = skip.contact_id
          WHERE skip.campaign_id = $1 AND ($2::text IS NULL OR skip.kind = $2)
          ORDER BY skip.created_at DESC, skip.id LIMIT $3`,
      [campaignId, kind ?? null, limit],
    );
    return rows.map((row) => ({
      enrollmentId: row.enrollment_id,
      contactId: row.contact_id,
      email: row.email,
      kind: row.kind,
      detail: row.detail,
      skippedAt: row.created_at,
    }));
  }

  /** How many enrollments of the campaign were skipped, by kind. */
  async countsByKind(campaignId: string): Promise<Map<SkipKind, number>> {
    const rows: { kind: SkipKind; count: string }[] = await this.manager.query(
      'SELECT kind, count(*) AS count FROM enrollment_skips WHERE campaign_id = $1 GROUP BY kind',
      [campaignId],
    );
    return new Map(rows.map((row) => [row.kind, Number(row.count)]));
  }
}
