import type { EntityManager } from 'typeorm';
import { CampaignEntity } from '../entities/campaign.entity';
import { ContactEntity } from '../entities/contact.entity';
import { EnrollmentEntity } from '../entities/enrollment.entity';
import { MessageEntity } from '../entities/message.entity';
import { SequenceStepEntity } from '../entities/sequence-step.entity';
import { StepVariantEntity } from '../entities/step-variant.entity';
import { entitiesFromJson, entityFromJson } from './json-rows';

/** Everything a send of one step reads, as of the moment its enrollment was locked. */
export interface SendContext {
  enrollment: EnrollmentEntity;
  campaign: CampaignEntity;
  /** Null when the contact was deleted. */
  contact: ContactEntity | null;
  /** The step being sent; null when it was removed from the campaign. */
  step: SequenceStepEntity | null;
  /** The campaign's sequence, in position order: what comes after the step. */
  sequence: { position: number; delayMinutes: number }[];
  /** The A/B variants of the step being sent, by label. */
  variants: StepVariantEntity[];
  /** The step's outbox row, when an earlier attempt claimed it. */
  earlier: MessageEntity | null;
  /** The conversation so far: the earlier steps' messages that (may have) reached the contact, in order. */
  thread: { messageId: string; subject: string }[];
  /** The conversation's mailbox has IMAP settings: replies to it can be read before a follow-up. */
  repliesReadable: boolean;
}

/** Reads of the send path that take one round trip where the entities' own repositories would take several. */
export class SendContextRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Locks the enrollment for a send of step `position` until the transaction ends — and share-locks its campaign, so
   * a pause or stop waits for a claim in progress, and a claim sees one committed before it — and reads, in the same
   * statement, everything the send decides and renders from. Null when the enrollment is gone.
   */
  async lockForSend(enrollmentId: string, position: number): Promise<SendContext | null> {
    type Json = Record<string, unknown>;
    const rows: {
      enrollment: Json;
      campaign: Json;
      contact: Json | null;
      step: Json | null;
      sequence: { position: number; delay_minutes: number }[] | null;
      variants: Json[];
      earlier: Json | null;
      thread: { message_id: string; subject: string }[];
      replies_readable: boolean | null;
    }[] = await this.manager.query(
      `SELECT to_jsonb(enrollment) AS enrollment, to_jsonb(campaign) AS campaign, to_jsonb(contact) AS contact,
              (SELECT to_jsonb(step) FROM sequence_steps step
                WHERE step.campaign_id = enrollment.campaign_id AND step.position = $2) AS step,
              (SELECT jsonb_agg(jsonb_build_object('position', step.position, 'delay_minutes', step.delay_minutes)
                                ORDER BY step.position)
                 FROM sequence_steps step WHERE step.campaign_id = enrollment.campaign_id) AS sequence,
              (SELECT jsonb_agg(variant ORDER BY variant.label)
                 FROM sequence_steps step JOIN sequence_step_variants variant ON variant.step_id = step.id
                WHERE step.campaign_id = enrollment.campaign_id AND step.position = $2) AS variants,
              (SELECT to_jsonb(message) FROM messages message
                WHERE message.enrollment_id = enrollment.id AND message.step_position = $2) AS earlier,
              (SELECT jsonb_agg(jsonb_build_object('message_id', message.message_id, 'subject', message.subject)
                                ORDER BY message.step_position)
                 FROM messages message
                WHERE message.enrollment_id = enrollment.id AND message.step_position < $2
                  AND message.status IN ('sent', 'unknown')) AS thread,
              (SELECT mailbox.imap_host IS NOT NULL FROM mailboxes mailbox
                WHERE mailbox.id = enrollment.mailbox_id) AS replies_readable
         FROM enrollments enrollment
         JOIN campaigns campaign ON campaign.id = enrollment.campaign_id
         LEFT JOIN contacts contact
           ON contact.id = enrollment.contact_id AND contact.organization_id = enrollment.organization_id
        WHERE enrollment.id = $1
          FOR NO KEY UPDATE OF enrollment FOR SHARE OF campaign`,
      [enrollmentId, position],
    );
    const row = rows[0];
    if (!row) return null;
    const { manager } = this;
    return {
      enrollment: entityFromJson(manager, EnrollmentEntity, row.enrollment),
      campaign: entityFromJson(manager, CampaignEntity, row.campaign),
      contact: row.contact && entityFromJson(manager, ContactEntity, row.contact),
      step: row.step && entityFromJson(manager, SequenceStepEntity, row.step),
      sequence: (row.sequence ?? []).map((step) => ({
        position: step.position,
        delayMinutes: Number(step.delay_minutes),
      })),
      variants: entitiesFromJson(manager, StepVariantEntity, row.variants),
      earlier: row.earlier && entityFromJson(manager, MessageEntity, row.earlier),
      thread: (row.thread ?? []).map((message) => ({ messageId: message.message_id, subject: message.subject })),
      repliesReadable: row.replies_readable === true,
    };
  }
}
