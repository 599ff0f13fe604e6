/**
 * The Smartlead-compatible API: seed 001's endpoints, in Smartlead's paths, ids and shapes, as a thin translation
 * layer over the native domain services (never a second engine). Served at `/smartlead/api/v1` on the API port (and
 * at `/api/v1` on SMARTLEAD_PORT when set); documented at `/smartlead/openapi.json`.
 *
 * ## Adding an endpoint
 * 1. In a `<resource>.operations.ts` here (leads, email-accounts, analytics, webhooks…), declare it with
 *    `smartleadOperation({...})` (operation.ts): `method` (+ `alsoMethods` for variants clients use), `path` in
 *    OpenAPI style under the base (`/campaigns/{campaign_id}/leads`), `tag`, `summary`, `description` (say how the
 *    fields map, and which ones Sequencer does not keep and answers with a neutral value), and:
 *    - `params`: each path id as `aliasParam(kind, 'What')` — kinds: campaign, lead (contact), emailAccount
 *      (mailbox), webhook, sequence (sequence step), campaignLead (enrollment). The router resolves the integer to
 *      the uuid in the key's organization before your handler runs (anything else is a 404 `<What> not found`);
 *      `params.x` is the uuid, `aliases.x` the integer sent.
 *    - `query` with `lenientQuery({...})`, `body: { schema: lenientBody({...}), example, optional? }`, fields built
 *      with lenient.ts (`lenientId`, `lenientInt`, `lenientBoolean`): ids and numbers as strings or numbers,
 *      booleans as strings; unknown fields are kept, never refused. A ZodError is a 422 in Smartlead's shape.
 *    - `response: { schema, example }` — the raw JSON Smartlead answers (no envelope): the handler returns it as is.
 *      A CSV: `response: { mediaType: 'text/csv', description, example }`, and the handler writes `res` itself.
 *    - `handle({ deps, params, aliases, query, body, organizationId, req, res })`: call the native domain services
 *      in `deps` (the same as the native API's: deps.campaigns, deps.leads, deps.mailboxes…), then present.
 * 2. Aliases on the way out: entities of aliased tables carry `alias` (CampaignEntity.alias…); for other results use
 *    `deps.smartleadAliases.aliasesOf(organizationId, kind, uuids)` (one query per list, never one per row), and
 *    `deps.smartleadAliases.organizationAlias(organizationId)` for `user_id`. Uuids are never answered here.
 * 3. Errors: throw the domain's AppErrors (or let the services throw them); errors.ts maps every code onto Smartlead's
 *    statuses (400, 401, 404, 422, 429, 500) and one body `{statusCode, error, message, code, errors?}`.
 * 4. Add the operations to SMARTLEAD_OPERATIONS below (routing order: literal paths such as `/leads/fetch-categories`
 *    before `/leads/{lead_id}`), and a tag in openapi.ts when it is a new one. The route and its OpenAPI operation
 *    both come from the declaration; test/integration/smartlead-surface.test.ts checks every route is documented and
 *    every example parses with its schema. Test your endpoints in a suite of your own, answers checked against the
 *    document as that suite's `documented` does.
 * 5. Settings (limits, ports) are read in src/config.ts only; a campaign-level rule belongs in src/domain, not here.
 */
import express, { Router, type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { rejectDeepJson } from '../json-depth';
import { rejectUnstorableCharacters } from '../reject-nul';
import { requireSmartleadKey, withoutApiKey } from './auth';
import { analyticsOperations } from './analytics.operations';
import { campaignSetupOperations } from './campaign-setup.operations';
import { campaignOperations } from './campaigns.operations';
import { emailAccountOperations } from './email-accounts.operations';
import { leadOperations } from './leads.operations';
import { webhookOperations } from './webhooks.operations';
import { smartleadErrorHandler, smartleadRouteNotFound } from './errors';
import { smartleadDocumentRouter } from './openapi';
import type { SmartleadDeps, SmartleadOperation } from './operation';
import { smartleadRateLimit } from './rate-limit';
import { smartleadOperationRouter } from './router';

export { withoutApiKey };
export type { SmartleadDeps };

/** Where the surface is mounted on the API port. */
export const SMARTLEAD_BASE = '/smartlead/api/v1';
/** Where it is mounted on SMARTLEAD_PORT: Smartlead's own base path, for clients whose base URL is overridden. */
export const SMARTLEAD_OWN_PORT_BASE = '/api/v1';
/** The surface's OpenAPI document, on the API port. */
export const SMARTLEAD_DOCUMENT_PATH = '/smartlead/openapi.json';

/** Every operation of the surface, in routing order. */
export const SMARTLEAD_OPERATIONS: readonly SmartleadOperation[] = [
  ...campaignSetupOperations,
  ...leadOperations,
  ...analyticsOperations,
  ...webhookOperations,
  ...campaignOperations,
  ...emailAccountOperations,
];

/** GET and HEAD bodies are never read; DELETE's are (Smartlead clients detach accounts by a DELETE body). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The whole surface, to mount at a base path: the key check, Smartlead's rate limit, body reading, the operations'
 * routes, and its own 404 and error handler (Smartlead's error shape, never the native envelope).
 */
export function smartleadRoutes(deps: SmartleadDeps): { surface: Router; operations: Router } {
  const operations = smartleadOperationRouter(SMARTLEAD_OPERATIONS, deps);
  const surface = Router({ strict: true });
  surface.use(requireSmartleadKey(deps.organizations));
  const limit = smartleadRateLimit(deps.smartleadRateLimit);
  if (limit) surface.use(limit);
  const readJson = express.json({ limit: '5mb', verify: rejectDeepJson });
  const readForm = express.urlencoded({ extended: false, limit: '5mb' });
  surface.use(
    (req, res, next) => (BODYLESS_METHODS.has(req.method) ? next() : readJson(req, res, next)),
    (req, res, next) => (BODYLESS_METHODS.has(req.method) ? next() : readForm(req, res, next)),
    rejectUnstorableCharacters,
  );
  surface.use(operations);
  surface.use(smartleadRouteNotFound);
  surface.use(smartleadErrorHandler);
  return { surface, operations };
}

/** `GET /smartlead/openapi.json` (no key), for the surface at `base`. */
export function smartleadDocument(at = SMARTLEAD_DOCUMENT_PATH, base = SMARTLEAD_BASE): Router {
  return smartleadDocumentRouter(SMARTLEAD_OPERATIONS, at, base);
}

/**
 * The surface on a server of its own (SMARTLEAD_PORT): at `/api/v1`, so a client whose base URL is overridden to
 * `http://host:port/api/v1` works unchanged, with its document at `/openapi.json`.
 */
export function createSmartleadApp(deps: SmartleadDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: deps.logger,
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: withoutApiKey(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(smartleadDocument('/openapi.json', SMARTLEAD_OWN_PORT_BASE));
  app.use(SMARTLEAD_OWN_PORT_BASE, smartleadRoutes(deps).surface);
  app.use(smartleadRouteNotFound);
  app.use(smartleadErrorHandler);
  return app;
}
