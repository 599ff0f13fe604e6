import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { WinnerMetric } from '../entities/campaign.entity';
import { ContactEntity } from '../entities/contact.entity';
import { EnrollmentEntity } from '../entities/enrollment.entity';
import { StepVariantEntity } from '../entities/step-variant.entity';
import { TestSendEntity } from '../entities/test-send.entity';

export type NewTestSend = Pick<
  TestSendEntity,
  | 'organizationId'
  | 'campaignId'
  | 'stepPosition'
  | 'variantLabel'
  | 'toEmail'
  | 'mailboxId'
  | 'messageId'
  | 'status'
  | 'smtpResponse'
>;

/** The column that records each metric's event; fixed names only, never caller text, reach the SQL. */
const METRIC_COLUMN: Record<WinnerMetric, string> = {
  opens_unique: 'opened_at',
  clicks_unique: 'clicked_at',
  replies: 'replied_at',
};

/** What the campaign's steps say to whom: variants, A/B winners, preview seeds and the test-send log. */
export class CampaignContentRepository {
  constructor(private readonly manager: EntityManager) {}

  /** A step's A/B variants, by label. */
  variantsOfStep(stepId: string): Promise<StepVariantEntity[]> {
    return this.manager.find(StepVariantEntity, { where: { stepId }, order: { label: 'ASC' } });
  }

  /** The contact's enrollment in the campaign, if any. */
  enrollmentOfContact(campaignId: string, contactId: string): Promise<EnrollmentEntity | null> {
    return this.manager.findOneBy(EnrollmentEntity, { campaignId, contactId });
  }

  /** The contacts with these ids (deleted ones are simply absent). */
  async contactsByIds(ids: string[]): Promise<ContactEntity[]> {
    const contacts: ContactEntity[] = [];
    const unique = [...new Set(ids)];
    for (let index = 0; index < unique.length; index += 1000) {
      contacts.push(...(await this.manager.findBy(ContactEntity, { id: In(unique.slice(index, index + 1000)) })));
    }
    return contacts;
  }

  /**
   * Decides the step's A/B winner once every variant has at least `minSends` messages sent (bounces included, as
   * in the campaign totals): the variant with the strictly highest rate of `metric` per message sent. A tie for the
   * best rate keeps the test running. One conditional UPDATE: concurrent deciders cannot both set it, and a decided
   * winner is never replaced. Returns the winner's label when this call decided it.
   */
  async decideWinner(input: {
    stepId: string;
    campaignId: string;
    position: number;
    metric: WinnerMetric;
    minSends: number;
  }): Promise<string | null> {
    const column = METRIC_COLUMN[input.metric];
    // TypeORM answers an UPDATE with [rows, affected].
    const [rows]: [{ winner_label: string }[], number] = await this.manager.query(
      `WITH stats AS (
         SELECT variant.label,
                count(message.id) AS sent,
                count(message.id) FILTER (WHERE message.${column} IS NOT NULL) AS hits
           FROM sequence_step_variants variant
           LEFT JOIN messages message
             ON message.campaign_id = $2 AND message.step_position = $3 AND message.variant_label = variant.label
            AND message.status IN ('sent', 'bounced')
          WHERE variant.step_id = $1
          GROUP BY variant.label
       ),
       best AS (
         -- Rates compared by cross-multiplication: exact, no rounding can fake or hide a tie.
         SELECT candidate.label FROM stats candidate
          WHERE NOT EXISTS (
            SELECT 1 FROM stats other
             WHERE other.label <> candidate.label AND other.hits * candidate.sent >= candidate.hits * other.sent)
       )
       UPDATE sequence_steps
          SET winner_label = (SELECT label FROM best), winner_decided_at = now()
        WHERE id = $1 AND winner_label IS NULL
          AND (SELECT count(*) FROM stats) >= 2
          AND (SELECT min(sent) FROM stats) >= $4
          AND EXISTS (SELECT 1 FROM best)
       RETURNING winner_label`,
      [input.stepId, input.campaignId, input.position, input.minSends],
    );
    return rows[0]?.winner_label ?? null;
  }

  async recordTestSends(sends: NewTestSend[]): Promise<void> {
    if (sends.length === 0) return;
    await this.manager.insert(TestSendEntity, sends);
  }
}
