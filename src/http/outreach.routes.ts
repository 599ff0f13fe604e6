import { Router } from 'express';
import type { OutreachEntity } from '../db/entities/outreach.entity';
import type { OutreachService } from '../domain/campaigns/outreach.service';
import { presentCampaignSummary } from './campaign.presenters';
import { sendSuccess } from './envelope';
import type { OutreachView } from './organization.responses';
import { createOutreachSchema } from './organization.schemas';
import { pathUuid } from './path-params';

function presentOutreach(outreach: OutreachEntity): OutreachView {
  return {
    id: outreach.id,
    name: outreach.name,
    unique_contacts: outreach.uniqueContacts,
    created_at: outreach.createdAt.toISOString(),
  };
}

/** `/outreaches`: groups of campaigns; `unique_contacts` sends each contact from one campaign of the group only. */
export function outreachRoutes(deps: { outreaches: OutreachService }): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const outreaches = await deps.outreaches.list(res.locals.organizationId);
    sendSuccess(res, outreaches.map(presentOutreach), { extra: { total: outreaches.length } });
  });

  router.post('/', async (req, res) => {
    const { outreach: body } = createOutreachSchema.parse(req.body);
    const outreach = await deps.outreaches.create(res.locals.organizationId, body.name, body.unique_contacts);
    sendSuccess(res, presentOutreach(outreach), { status: 201, message: 'Outreach created.' });
  });

  router.get('/:id', async (req, res) => {
    const id = pathUuid(req.params.id, 'outreach_not_found', 'Outreach');
    const { outreach, campaigns } = await deps.outreaches.get(res.locals.organizationId, id);
    sendSuccess(res, { ...presentOutreach(outreach), campaigns: campaigns.map(presentCampaignSummary) });
  });

  return router;
}
