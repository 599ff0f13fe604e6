import { Router } from 'express';
import { z } from 'zod';
import type { BlockedAddressEntity } from '../db/entities/blocked-address.entity';
import type { BlockListService } from '../domain/block-list/block-list.service';
import { presentPagination } from './enrollment.presenters';
import { sendSuccess } from './envelope';
import { pathUuid } from './path-params';

const blockBodySchema = z
  .object({ email: z.string().max(320).optional(), domain: z.string().max(253).optional() })
  .refine((body) => (body.email === undefined) !== (body.domain === undefined), {
    message: 'give either email or domain (one of them, not both)',
  });

const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(100),
});

function presentEntry(entry: BlockedAddressEntity) {
  return { id: entry.id, kind: entry.kind, value: entry.value, created_at: entry.createdAt.toISOString() };
}

/** `/block_list`: addresses and domains never emailed; adding one stops the enrollments it covers. */
export function blockListRoutes(deps: { blockList: BlockListService }): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = pageQuerySchema.parse(req.query);
    const { entries, total } = await deps.blockList.page(res.locals.organizationId, query.page, query.per_page);
    sendSuccess(res, {
      entries: entries.map(presentEntry),
      pagination: presentPagination(query.page, query.per_page, total),
    });
  });

  router.post('/', async (req, res) => {
    const body = blockBodySchema.parse(req.body);
    const input = body.email !== undefined ? { email: body.email } : { domain: body.domain! };
    const { entry, created, stopped } = await deps.blockList.add(res.locals.organizationId, input);
    sendSuccess(
      res,
      {
        ...presentEntry(entry),
        enrollments_stopped: stopped.map(({ enrollment }) => ({
          id: enrollment.id,
          campaign_id: enrollment.campaignId,
          contact_id: enrollment.contactId,
          status: enrollment.status,
        })),
      },
      {
        status: created ? 201 : 200,
        message:
          `${created ? 'Added to the block list' : 'Already on the block list'}; ` +
          `${stopped.length} running enrollment(s) stopped.`,
      },
    );
  });

  router.delete('/:id', async (req, res) => {
    const id = pathUuid(req.params.id, 'block_list_entry_not_found', 'Block list entry');
    await deps.blockList.remove(res.locals.organizationId, id);
    sendSuccess(res, { id }, { message: 'Removed from the block list; enrollments it stopped stay stopped.' });
  });

  return router;
}
