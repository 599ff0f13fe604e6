import { Router } from 'express';
import type { BlockedAddressEntity } from '../db/entities/blocked-address.entity';
import type { BlockListService } from '../domain/block-list/block-list.service';
import { presentPagination } from './enrollment.presenters';
import { sendSuccess } from './envelope';
import type { BlockListAddView, BlockListEntryView } from './organization.responses';
import { blockBodySchema, blockListPageQuerySchema } from './organization.schemas';
import { pathUuid } from './path-params';

function presentEntry(entry: BlockedAddressEntity): BlockListEntryView {
  return { id: entry.id, kind: entry.kind, value: entry.value, created_at: entry.createdAt.toISOString() };
}

/** `/block_list`: addresses and domains never emailed; adding one stops the enrollments it covers. */
export function blockListRoutes(deps: { blockList: BlockListService }): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const query = blockListPageQuerySchema.parse(req.query);
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
      } satisfies BlockListAddView,
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
