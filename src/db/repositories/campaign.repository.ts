import type { EntityManager } from 'typeorm';
import { CampaignEntity, type CampaignStatus } from '../entities/campaign.entity';
import { SequenceStepEntity } from '../entities/sequence-step.entity';

export type NewCampaign = Pick<
  CampaignEntity,
  | 'organizationId'
  | 'name'
  | 'evergreen'
  | 'outreachId'
  | 'minWaitSeconds'
  | 'maxWaitSeconds'
  | 'verifyEmailMx'
  | 'bounceRateThreshold'
>;
export type NewStep = Pick<SequenceStepEntity, 'position' | 'delayMinutes' | 'subject' | 'bodyHtml'>;

export class CampaignRepository {
  constructor(private readonly manager: EntityManager) {}

  async create(campaign: NewCampaign, steps: NewStep[], mailboxIds: string[]): Promise<CampaignEntity> {
    const saved = await this.manager.save(this.manager.create(CampaignEntity, campaign));
    await this.manager.insert(
      SequenceStepEntity,
      steps.map((step) => ({ ...step, campaignId: saved.id })),
    );
    await this.manager
      .createQueryBuilder()
      .relation(CampaignEntity, 'mailboxes')
      .of(saved.id)
      .add([...new Set(mailboxIds)]);
    return saved;
  }

  /** The campaign if it belongs to the organization; another organization's campaign is simply not found. */
  findById(organizationId: string, id: string): Promise<CampaignEntity | null> {
    return this.manager.findOneBy(CampaignEntity, { organizationId, id });
  }

  listByOrganization(organizationId: string): Promise<CampaignEntity[]> {
    return this.manager.find(CampaignEntity, { where: { organizationId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  findByIdUnscoped(id: string): Promise<CampaignEntity | null> {
    return this.manager.findOneBy(CampaignEntity, { id });
  }

  steps(campaignId: string): Promise<SequenceStepEntity[]> {
    return this.manager.find(SequenceStepEntity, { where: { campaignId }, order: { position: 'ASC' } });
  }

  step(campaignId: string, position: number): Promise<SequenceStepEntity | null> {
    return this.manager.findOneBy(SequenceStepEntity, { campaignId, position });
  }

  async setStatus(id: string, status: CampaignStatus): Promise<void> {
    await this.manager.update(CampaignEntity, { id }, { status });
  }

  /** Moves the campaign from one status to another only if it is still in `from`; false when it was not. */
  async transition(id: string, from: CampaignStatus[], to: CampaignStatus): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .update(CampaignEntity)
      .set({ status: to })
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async countMailboxes(campaignId: string): Promise<number> {
    const rows: { count: string }[] = await this.manager.query(
      'SELECT count(*) AS count FROM campaign_mailboxes WHERE campaign_id = $1',
      [campaignId],
    );
    return Number(rows[0]?.count ?? 0);
  }
}
