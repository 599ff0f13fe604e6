import { Router } from 'express';
import type { ListService } from '../domain/lists/list.service';
import { sendSuccess } from './envelope';
import { toImportEntry, STANDARD_FIELDS } from './contact.schemas';
import {
  contactPatchSchema,
  importBodySchema,
  importQuerySchema,
  listBodySchema,
  pageQuerySchema,
  removeQuerySchema,
} from './list.schemas';
import { presentContact, presentImportCounts, presentList } from './list.presenters';
import { pathUuid } from './path-params';
import { csvRows, isCsvUpload, sendCsv } from './list-csv';
import type { ContactsPageView, CreatedListView, ImportResultView } from './list.responses';

/** `/lists`: the reference API's lists and their contacts. */
export function listRoutes(deps: { lists: ListService; maxCsvBytes?: number }): Router {
  const router = Router();
  const { lists } = deps;

  router.get('/', async (_req, res) => {
    const summaries = await lists.list(res.locals.organizationId);
    sendSuccess(res, summaries.map(presentList), { extra: { total: summaries.length } });
  });

  router.post('/', async (req, res) => {
    const { list: body } = listBodySchema.parse(req.body);
    const list = await lists.create(res.locals.organizationId, body.name);
    sendSuccess(
      res,
      { id: Number(list.id), uuid: list.uuid, name: list.name, contacts_count: 0 } satisfies CreatedListView,
      { status: 201, message: 'List created successfully' },
    );
  });

  router.get('/:uuid', async (req, res) => {
    const uuid = pathUuid(req.params.uuid, 'list_not_found', 'List');
    sendSuccess(res, presentList(await lists.get(res.locals.organizationId, uuid)));
  });

  router.patch('/:uuid', async (req, res) => {
    const uuid = pathUuid(req.params.uuid, 'list_not_found', 'List');
    const { list: body } = listBodySchema.parse(req.body);
    const summary = await lists.rename(res.locals.organizationId, uuid, body.name);
    sendSuccess(res, presentList(summary), { message: 'List updated successfully' });
  });

  router.delete('/:uuid', async (req, res) => {
    const uuid = pathUuid(req.params.uuid, 'list_not_found', 'List');
    await lists.delete(res.locals.organizationId, uuid);
    sendSuccess(res, { uuid }, { message: 'List deleted successfully; its contacts remain in your organization' });
  });

  router.get('/:uuid/contacts', async (req, res) => {
    const uuid = pathUuid(req.params.uuid, 'list_not_found', 'List');
    const query = pageQuerySchema.parse(req.query);
    const { contacts, total } = await lists.contactsPage(res.locals.organizationId, uuid, query.page, query.per_page);
    sendSuccess(res, {
      contacts: contacts.map(presentContact),
      pagination: {
        current_page: query.page,
        per_page: query.per_page,
        total_pages: Math.ceil(total / query.per_page),
        total_contacts: total,
      },
    } satisfies ContactsPageView);
  });

  router.post('/:uuid/contacts', async (req, res) => {
    const uuid = pathUuid(req.params.uuid, 'list_not_found', 'List');
    const query = importQuerySchema.parse(req.query);
    const options = { removeDuplicates: query.remove_duplicates, autoClean: query.auto_clean };
    if (isCsvUpload(req)) {
      const result = await lists.importCsv(res.locals.organizationId, uuid, csvRows(req, deps.maxCsvBytes), options);
      sendSuccess(
        res,
        {
          ...presentImportCounts(result),
          invalid_emails_count: result.invalidEmailsCount,
          list_uuid: result.list.uuid,
          contacts_count: result.contactsCount,
        } satisfies ImportResultView,
        { message: 'Successfully processed contacts' },
      );
      return;
    }
    const body = importBodySchema.parse(req.body);
    const result = await lists.importContacts(
      res.locals.organizationId,
      uuid,
      body.contacts.map(toImportEntry),
      options,
    );
    sendSuccess(
      res,
      {
        ...presentImportCounts(result),
        list_uuid: result.list.uuid,
        contacts_count: result.contactsCount,
      } satisfies ImportResultView,
      { message: 'Successfully processed contacts' },
    );
  });

  router.get('/:uuid/contacts.csv', async (req, res) => {
    const uuid = pathUuid(req.params.uuid, 'list_not_found', 'List');
    // Resolve the list first, so an unknown one is a 404 in JSON rather than a broken download.
    await lists.require(res.locals.organizationId, uuid);
    await sendCsv(res, `list-${uuid}.csv`, lists.exportCsv(res.locals.organizationId, uuid));
  });

  router.patch('/:uuid/contacts/:id', async (req, res) => {
    const uuid = pathUuid(req.params.uuid, 'list_not_found', 'List');
    const contactId = pathUuid(req.params.id, 'contact_not_found', 'Contact');
    const patch = contactPatchSchema.parse(req.body);
    const fields: Record<string, string | null> = { ...patch.custom_fields };
    for (const name of STANDARD_FIELDS) if (patch[name] !== undefined) fields[name] = patch[name];
    const contact = await lists.updateContact(res.locals.organizationId, uuid, contactId, {
      email: patch.email,
      fields,
      timezone: patch.timezone,
    });
    sendSuccess(res, presentContact(contact), { message: 'Contact updated successfully' });
  });

  router.delete('/:uuid/contacts/:id', async (req, res) => {
    const uuid = pathUuid(req.params.uuid, 'list_not_found', 'List');
    const contactId = pathUuid(req.params.id, 'contact_not_found', 'Contact');
    const { scope } = removeQuerySchema.parse(req.query);
    await lists.removeContact(res.locals.organizationId, uuid, contactId, scope);
    sendSuccess(
      res,
      { id: contactId, scope },
      {
        message:
          scope === 'list'
            ? 'Contact removed from the list; it remains in your organization'
            : 'Contact deleted from your organization',
      },
    );
  });

  return router;
}
