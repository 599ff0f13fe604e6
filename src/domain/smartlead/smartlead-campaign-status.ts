import type { CampaignStatus } from '../../db/entities/campaign.entity';

export const SMARTLEAD_CAMPAIGN_STATUSES = ['DRAFTED', 'ACTIVE', 'PAUSED', 'STOPPED', 'ARCHIVED', 'COMPLETED'] as const;
export type SmartleadCampaignStatus = (typeof SMARTLEAD_CAMPAIGN_STATUSES)[number];

/** Our campaign statuses in Smartlead's words: one table for the API's answers and the webhook payloads. */
const SMARTLEAD_STATUS_OF = {
  pending: 'DRAFTED',
  active: 'ACTIVE',
  paused: 'PAUSED',
  stopped: 'STOPPED',
  archived: 'ARCHIVED',
  completed: 'COMPLETED',
} as const satisfies Record<CampaignStatus, SmartleadCampaignStatus>;

export function smartleadCampaignStatus(status: CampaignStatus): SmartleadCampaignStatus {
  return SMARTLEAD_STATUS_OF[status];
}

/**
 * A status read from stored data (an event's payload, a row of a deleted campaign): Smartlead's word for one of ours,
 * else the value upper-cased; null when there is none.
 */
export function smartleadStatusOf(status: unknown): string | null {
  if (typeof status !== 'string') return null;
  return (SMARTLEAD_STATUS_OF as Record<string, string>)[status] ?? status.toUpperCase();
}
