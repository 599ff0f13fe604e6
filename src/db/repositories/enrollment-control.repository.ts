import type { EntityManager } from 'typeorm';
import type { ContactStatus } from '../entities/contact.entity';
import { EnrollmentEntity, type EnrollmentStatus } from '../entities/enrollment.entity';
import { MessageEntity } from '../entities/message.entity';
import { anyUuid } from './array-parameters';

/** An enrollment whose status this repository just changed, with the status it had. */
export interface MovedEnrollment {
  id: string;
  organizationId: string;
  campaignId: string;
  contactId: string;
  /** The contact's address: what the events of the change name. */
  email: string | null;
  mailboxId: string | null;
  currentStep: number;
  workflowId: string;
  previous: EnrollmentStatus;
  status: EnrollmentStatus;
}

/** What the reply and bounce events stamp on the last message sent. */
export type EngagementColumn = 'replied_at' | 'bounced_at' | 'unsubscribed_at';

/** Status changes asked for over the API or by integrations (the workflows record their own progress elsewhere). */
export class EnrollmentControlRepository {
  constructor(private readonly manager: EntityManager) {}

  /** The contact's enrollments, in one campaign or in all, oldest first. */
  ofContact(contactId: string, campaignId?: string): Promise<EnrollmentEntity[]> {
    return this.manager.find(EnrollmentEntity, {
      where: campaignId ? { contactId, campaignId } : { contactId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  findByIds(ids: string[]): Promise<EnrollmentEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.manager.find(EnrollmentEntity, { where: { id: anyUuid(ids) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Enrollment (with its contact) of an organization, whatever its campaign. */
  findInOrganization(organizationId: string, id: string): Promise<EnrollmentEntity | null> {
    return this.manager.findOne(EnrollmentEntity, { where: { organizationId, id }, relations: { contact: true } });
  }

  /**
   * Ends those of these enrollments whose status is in `from`: no next send, `finished_at` kept when already set (a
   * completed sequence that gets a late reply), `reason` recorded in `last_error` when given.
   */
  end(ids: string[], from: EnrollmentStatus[], status: EnrollmentStatus, reason: string | null = null) {
    return this.move(ids, from, status, { final: true, reason });
  }

  /** Marks a running enrollment held by its own pause (the workflow publishes the same once signalled). */
  async hold(id: string): Promise<MovedEnrollment | null> {
    return (await this.move([id], ['active', 'paused'], 'paused', { final: false, reason: null }))[0] ?? null;
  }

  /** Marks a held enrollment active again; its workflow publishes the next send time once signalled. */
  async release(id: string): Promise<MovedEnrollment | null> {
    return (await this.move([id], ['paused'], 'active', { final: false, reason: null }))[0] ?? null;
  }

  /** Sets the contact's status when it is one of `from`; true when it changed. */
  async setContactStatus(contactId: string, from: ContactStatus[], status: ContactStatus): Promise<boolean> {
    const [, affected]: [unknown[], number] = await this.manager.query(
      `UPDATE contacts SET status = $3, updated_at = now() WHERE id = $1 AND status = ANY($2::text[])`,
      [contactId, from, status],
    );
    return affected > 0;
  }

  /**
   * Stamps the enrollment's last sent message with a reply or bounce time, unless one of its messages already has
   * one (so statistics count it once); true when stamped.
   */
  async stampLastSent(enrollmentId: string, column: EngagementColumn): Promise<boolean> {
    const [, affected]: [unknown[], number] = await this.manager.query(
      `UPDATE messages SET ${column} = now(), updated_at = now()
        WHERE id = (SELECT id FROM messages WHERE enrollment_id = $1 AND status = 'sent'
                     ORDER BY step_position DESC LIMIT 1)
          AND NOT EXISTS (SELECT 1 FROM messages WHERE enrollment_id = $1 AND ${column} IS NOT NULL)`,
      [enrollmentId],
    );
    return affected > 0;
  }

  /** Running enrollments (`active`, `paused`) of the organization's contacts that an entry of the block list covers. */
  async runningBlockedBy(
    organizationId: string,
    entry: { kind: 'email' | 'domain'; value: string },
  ): Promise<string[]> {
    const rows: { id: string }[] = await this.manager.query(
      `SELECT enrollment.id
         FROM enrollments enrollment JOIN contacts contact ON contact.id = enrollment.contact_id
        WHERE enrollment.organization_id = $1 AND enrollment.status IN ('active', 'paused')
          AND CASE WHEN $2::text = 'email' THEN lower(contact.email) = lower($3::text)
                   ELSE split_part(contact.email, '@', 2) = $3::text
                     OR right(split_part(contact.email, '@', 2), length($3::text) + 1) = '.' || $3::text END`,
      [organizationId, entry.kind, entry.value],
    );
    return rows.map((row) => row.id);
  }

  /** Every message row of the enrollment, in step order (outbox rows not settled yet included). */
  messages(enrollmentId: string): Promise<MessageEntity[]> {
    return this.manager.find(MessageEntity, { where: { enrollmentId }, order: { stepPosition: 'ASC' } });
  }

  private async move(
    ids: string[],
    from: EnrollmentStatus[],
    status: EnrollmentStatus,
    options: { final: boolean; reason: string | null },
  ): Promise<MovedEnrollment[]> {
    if (ids.length === 0) return [];
    // The row lock makes a concurrent change (a workflow finishing) either land first and be re-checked, or wait.
    const [rows]: [
      {
        id: string;
        organization_id: string;
        campaign_id: string;
        contact_id: string;
        email: string | null;
        mailbox_id: string | null;
        current_step: number;
        workflow_id: string;
        previous: EnrollmentStatus;
        status: EnrollmentStatus;
      }[],
      number,
    ] = await this.manager.query(
      `WITH target AS (
         SELECT id, status FROM enrollments WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[])
            FOR UPDATE
       )
       UPDATE enrollments enrollment
          SET status = $3::text,
              next_send_at = CASE WHEN $3::text = 'active' THEN enrollment.next_send_at END,
              finished_at = CASE WHEN $4::boolean THEN COALESCE(enrollment.finished_at, now())
                                 ELSE enrollment.finished_at END,
              last_error = COALESCE($5::text, enrollment.last_error),
              control_changed_at = now(),
              updated_at = now()
         FROM target
        WHERE enrollment.id = target.id
       RETURNING enrollment.id, enrollment.organization_id, enrollment.campaign_id, enrollment.contact_id,
                 (SELECT email FROM contacts WHERE id = enrollment.contact_id) AS email, enrollment.mailbox_id,
                 enrollment.current_step, enrollment.workflow_id, target.status AS previous, enrollment.status`,
      [ids, from, status, options.final, options.reason],
    );
    return rows.map((row) => ({
      id: row.id,
      organizationId: row.organization_id,
      campaignId: row.campaign_id,
      contactId: row.contact_id,
      email: row.email,
      mailboxId: row.mailbox_id,
      currentStep: row.current_step,
      workflowId: row.workflow_id,
      previous: row.previous,
      status: row.status,
    }));
  }
}
