import { Router } from 'express';
import { notFound } from '../../domain/errors';
import {
  expressPathOf,
  isFileResponse,
  NOT_FOUND_CODES,
  type SmartleadDeps,
  type SmartleadMethod,
  type SmartleadOperation,
} from './operation';

/**
 * The Express routes of the operations, in their order (the first that matches serves: declare `/campaigns/create`
 * before `/campaigns/{campaign_id}`). Routing is strict, and each operation is registered with and without a
 * trailing slash, for its method and each of its `alsoMethods`.
 */
export function smartleadOperationRouter(operations: readonly SmartleadOperation[], deps: SmartleadDeps): Router {
  const router = Router({ strict: true });
  for (const spec of operations) {
    const path = expressPathOf(spec.path);
    const methods: SmartleadMethod[] = [spec.method, ...(spec.alsoMethods ?? [])];
    for (const method of methods) {
      router[method]([path, `${path}/`], async (req, res) => {
        const organizationId = res.locals.organizationId;
        const params: Record<string, string> = {};
        const aliases: Record<string, number> = {};
        for (const [name, param] of Object.entries(spec.params ?? {})) {
          const sent = (req.params as Record<string, string | undefined>)[name]?.trim() ?? '';
          const id = /^\d{1,18}$/.test(sent)
            ? await deps.smartleadAliases.resolve(organizationId, param.alias, sent)
            : null;
          // Unknown, another organization's, or not a number: it names nothing here.
          if (!id) throw notFound(NOT_FOUND_CODES[param.alias], param.what);
          params[name] = id;
          aliases[name] = Number(sent);
        }
        const query: unknown = spec.query ? spec.query.parse(req.query) : undefined;
        const declared = spec.body;
        const body: unknown = declared
          ? declared.schema.parse(declared.optional ? (req.body ?? {}) : req.body)
          : undefined;
        const result = await spec.handle({ deps, params, aliases, query, body, organizationId, req, res });
        if (isFileResponse(spec.response) || res.headersSent) return;
        res.status(spec.response.status ?? 200).json(result);
      });
    }
  }
  return router;
}
