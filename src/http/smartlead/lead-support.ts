// What the lead operations share: their path ids, the lead's enrollment in a campaign, and the `{ok}` answers.
import { z } from 'zod';
import type { EnrollmentEntity } from '../../domain/enrollments/enrollment.service';
import { notFound } from '../../domain/errors';
import { isBeingDeleted } from './campaign.presenter';
import { aliasParam, type SmartleadDeps } from './operation';

export const tag = 'Leads';
export const campaignPath = { campaign_id: aliasParam('campaign', 'Campaign') };
export const leadPath = { lead_id: aliasParam('lead', 'Lead') };
export const campaignLeadPath = { ...campaignPath, ...leadPath };

export const okSchema = z.object({ ok: z.boolean(), data: z.string().optional() });

/** The organization's campaign (by uuid), unless it is being deleted. */
export async function requireCampaign(deps: SmartleadDeps, organizationId: string, campaignId: string) {
  const campaign = await deps.campaigns.require(organizationId, campaignId);
  if (isBeingDeleted(campaign)) throw notFound('campaign_not_found', 'Campaign');
  return campaign;
}

/** The enrollment of the lead (contact) in the campaign; a lead not in it is a 404 `Lead not found`. */
export async function enrollmentOf(
  deps: SmartleadDeps,
  organizationId: string,
  campaignId: string,
  contactId: string,
): Promise<Pick<EnrollmentEntity, 'id' | 'campaignId' | 'status' | 'currentStep'>> {
  await requireCampaign(deps, organizationId, campaignId);
  const { enrollments } = await deps.contacts.get(organizationId, contactId);
  const enrollment = enrollments.find((candidate) => candidate.campaignId === campaignId);
  if (!enrollment) throw notFound('enrollment_not_found', 'Lead');
  return enrollment;
}
