import type { EntityManager } from 'typeorm';

export interface CampaignTotals {
  pending: number;
  active: number;
  completed: number;
  sent: number;
  opened: number;
  clicked: number;
  replied: number;
  bounced: number;
  unknown: number;
}

export class StatsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Counts for one campaign: enrollments by state, and messages by outcome. */
  async campaignTotals(campaignId: string): Promise<CampaignTotals> {
    const [enrollments]: Record<string, string>[] = await this.manager.query(
      `SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
              count(*) FILTER (WHERE status IN ('active', 'paused')) AS active,
              count(*) FILTER (WHERE status = 'completed') AS completed
         FROM enrollments WHERE campaign_id = $1`,
      [campaignId],
    );
    const [messages]: Record<string, string>[] = await this.manager.query(
      `SELECT count(*) FILTER (WHERE status IN ('sent', 'bounced')) AS sent,
              count(*) FILTER (WHERE opened_at IS NOT NULL) AS opened,
              count(*) FILTER (WHERE clicked_at IS NOT NULL) AS clicked,
              count(*) FILTER (WHERE replied_at IS NOT NULL) AS replied,
              count(*) FILTER (WHERE bounced_at IS NOT NULL) AS bounced,
              count(*) FILTER (WHERE status = 'unknown') AS unknown
         FROM messages WHERE campaign_id = $1`,
      [campaignId],
    );
    const number = (value: string | undefined): number => Number(value ?? 0);
    return {
      pending: number(enrollments?.pending),
      active: number(enrollments?.active),
      completed: number(enrollments?.completed),
      sent: number(messages?.sent),
      opened: number(messages?.opened),
      clicked: number(messages?.clicked),
      replied: number(messages?.replied),
      bounced: number(messages?.bounced),
      unknown: number(messages?.unknown),
    };
  }
}
