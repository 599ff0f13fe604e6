import type { CampaignStatus } from '../../db/entities/campaign.entity';
import type { Database, Repositories } from '../../db/repositories';
import type { CampaignMove } from '../../db/repositories/campaign.repository';
import { campaignStatusChanged } from './event-builders';

/** Records `campaign.status_changed` for a move a statement made (in that statement's transaction). */
export async function recordCampaignMove(repos: Repositories, move: CampaignMove | null): Promise<void> {
  if (!move || move.previous === move.campaign.status) return;
  await repos.events.record([campaignStatusChanged(move.campaign, move.previous, move.campaign.status)]);
}

/**
 * Moves the campaign to `to` if it is in one of `from` (see CampaignRepository.transition), recording
 * `campaign.status_changed` in the same transaction; null when it was not in `from`.
 */
export function transitionCampaign(
  db: Database,
  campaignId: string,
  from: CampaignStatus[],
  to: CampaignStatus,
): Promise<CampaignMove | null> {
  return db.transaction(async (repos) => {
    const move = await repos.campaigns.transition(campaignId, from, to);
    await recordCampaignMove(repos, move);
    return move;
  });
}
