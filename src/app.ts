import cors from 'cors';
import express, { type Express, type Router } from 'express';
import type { Store } from 'express-rate-limit';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import crypto from 'node:crypto';
import type { Logger } from './logger';
import type { CampaignService } from './domain/campaigns/campaign.service';
import type { EnrollmentService } from './domain/enrollments/enrollment.service';
import type { OrganizationService } from './domain/organizations/organization.service';
import type { ListService } from './domain/lists/list.service';
import type { CampaignControlService } from './domain/campaigns/campaign-control.service';
import type { CampaignContentService } from './domain/campaigns/campaign-content.service';
import type { CampaignSequenceService } from './domain/campaigns/campaign-sequence.service';
import type { CampaignListsService } from './domain/campaigns/campaign-lists.service';
import type { OutreachService } from './domain/campaigns/outreach.service';
import type { EnrollmentControlService } from './domain/enrollments/enrollment-control.service';
import type { EnrollmentHistoryService } from './domain/enrollments/enrollment-history.service';
import type { LeadService } from './domain/enrollments/lead.service';
import type { IntegrationEventService } from './domain/enrollments/integration-events.service';
import type { BlockListService } from './domain/block-list/block-list.service';
import type { MailboxService } from './domain/mailboxes/mailbox.service';
import type { ContactService } from './domain/contacts/contact.service';
import type { EngagementService } from './domain/engagement/engagement.service';
import { requireApiKey } from './http/auth';
import { campaignOperations } from './http/campaign.operations';
import { campaignContentOperations } from './http/campaign-content.operations';
import { campaignSequenceOperations } from './http/campaign-sequence.operations';
import { campaignListsOperations } from './http/campaign-lists.operations';
import { outreachOperations } from './http/outreach.operations';
import { enrollmentOperations } from './http/enrollment.operations';
import { leadOperations } from './http/lead.operations';
import type { UnknownSendService } from './domain/enrollments/unknown-sends.service';
import type { ConversationService } from './domain/conversations/conversation.service';
import { conversationOperations } from './http/conversation.operations';
import { contactOperations } from './http/contact.operations';
import { blockListOperations } from './http/block-list.operations';
import { mailboxOperations } from './http/mailbox.operations';
import { eventOperations } from './http/event.operations';
import { errorHandler, routeNotFound } from './http/error-handler';
import { healthOperations, type ReadinessChecks } from './http/health.routes';
import { rejectUnstorableCharacters } from './http/reject-nul';
import { rejectDeepJson } from './http/json-depth';
import { publicOperations } from './http/public.routes';
import { rateLimitPerApiKey, type RateLimitSettings } from './http/rate-limit';
import { metricsOperations, requestTiming, type MetricsAccess } from './http/metrics.routes';
import { docsRoutes } from './http/docs.routes';
import { openOperationRouter } from './http/open-operation';
import { documentOperations } from './http/openapi/document';
import { API_BASE, operationRouter } from './http/api-operation';
import { listOperations } from './http/list.operations';
import { webhookOperations } from './http/webhook.operations';
import { analyticsOperations } from './http/analytics.operations';
import type { WebhookService } from './domain/webhooks/webhook.service';
import type { AnalyticsService } from './domain/analytics/analytics.service';
import type { SmartleadAliasService } from './domain/smartlead/smartlead-alias.service';
import { SMARTLEAD_BASE, smartleadDocument, smartleadRoutes, withoutApiKey } from './http/smartlead';

export interface AppDeps {
  logger: Logger;
  organizations: OrganizationService;
  campaigns: CampaignService;
  enrollments: EnrollmentService;
  lists: ListService;
  campaignControl: CampaignControlService;
  content: CampaignContentService;
  sequences: CampaignSequenceService;
  campaignLists: CampaignListsService;
  outreaches: OutreachService;
  enrollmentControl: EnrollmentControlService;
  enrollmentHistory: EnrollmentHistoryService;
  leads: LeadService;
  unknownSends: UnknownSendService;
  conversations: ConversationService;
  integrationEvents: IntegrationEventService;
  blockList: BlockListService;
  mailboxes: MailboxService;
  contacts: ContactService;
  engagement: EngagementService;
  webhooks: WebhookService;
  analytics: AnalyticsService;
  /** The integer ids of the Smartlead-compatible API (src/http/smartlead). */
  smartleadAliases: SmartleadAliasService;
  readiness: ReadinessChecks;
  /** Off when `requests` is 0 (the tests' shared stack), else counted in `store`. */
  rateLimit: RateLimitSettings & { store: Store };
  /** The Smartlead surface's own limit, counted apart; off when `requests` is 0. One store per limit. */
  smartleadRateLimit: RateLimitSettings & { store: Store };
  /** Browser origins allowed to call the API; empty = no CORS headers at all. */
  corsOrigins: string[];
  /** The Temporal worker's exporter in this process (`npm start`), appended to `/metrics`; null = none. */
  temporalMetricsUrl: string | null;
  /** METRICS_TOKEN and METRICS_PORT: who may read `/metrics`, and whether the API's port serves it; open when omitted. */
  metricsAccess?: MetricsAccess;
  /** The largest CSV upload; 200 MB when omitted (tests lower it to reach the limit quickly). */
  maxCsvBytes?: number;
}

/** Methods whose request body the API never reads. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

export { API_BASE };

/**
 * Every router of the app: `open` ones at the root without an API key, `api` ones by their path under API_BASE.
 * One table for createApp and for the test that checks each route is in the OpenAPI document.
 */
export function routeTable(deps: AppDeps): {
  open: Router[];
  api: Array<[path: string, routers: Router[]]>;
  /** The Smartlead-compatible API, at SMARTLEAD_BASE, with its own document (src/http/smartlead). */
  smartlead: { base: string; document: Router; surface: Router; operations: Router };
} {
  return {
    smartlead: { base: SMARTLEAD_BASE, document: smartleadDocument(), ...smartleadRoutes(deps) },
    // Declared as open operations (src/http/open-operation.ts), with the latency histogram before them all.
    open: [
      requestTiming(),
      // METRICS_PORT set: `/metrics` is served by a server of its own (createMetricsApp), not on this app.
      openOperationRouter(deps.metricsAccess?.ownPort ? [] : metricsOperations, deps),
      openOperationRouter(healthOperations, deps),
      openOperationRouter(documentOperations, deps),
      docsRoutes(),
      openOperationRouter(publicOperations, deps),
    ],
    api: [
      [
        '',
        [
          operationRouter(campaignOperations, deps),
          operationRouter(campaignContentOperations, deps),
          operationRouter(campaignSequenceOperations, deps),
          operationRouter(campaignListsOperations, deps),
        ],
      ],
      ['', [operationRouter(enrollmentOperations, deps), operationRouter(leadOperations, deps)]],
      ['', [operationRouter(conversationOperations, deps)]],
      // Resources declared as operations (src/http/api-operation.ts) name their full paths under API_BASE.
      ['', [operationRouter(listOperations, deps)]],
      ['', [operationRouter(outreachOperations, deps)]],
      ['', [operationRouter(contactOperations, deps)]],
      ['', [operationRouter(blockListOperations, deps)]],
      ['', [operationRouter(mailboxOperations, deps)]],
      ['', [operationRouter(eventOperations, deps)]],
      ['', [operationRouter(webhookOperations, deps)]],
      ['', [operationRouter(analyticsOperations, deps)]],
    ],
  };
}

/** Builds the HTTP application; starting a server is the caller's business (tests listen on port 0). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // Helmet's defaults, except upgrade-insecure-requests: on a plain-http PUBLIC_BASE_URL it would send the
  // unsubscribe page's button to an https address that does not exist.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  if (deps.corsOrigins.length > 0) {
    app.use(cors({ origin: deps.corsOrigins.includes('*') ? '*' : deps.corsOrigins, maxAge: 600 }));
  }
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      // The completion line is written by pino-http's own logger, not the req.log the API-key check extends.
      customProps: (_req, res) => {
        const organizationId = (res as express.Response).locals?.organizationId;
        return organizationId ? { organizationId } : {};
      },
      serializers: {
        // A Smartlead client's key is in the query string: never written to the logs.
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: withoutApiKey(req.url),
        }),
        // The status only: the response headers are the same security headers on every line.
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  const routes = routeTable(deps);
  app.use(...routes.open);
  // Its own key check (`?api_key=`), limit, errors and 404s: nothing of the native API's below applies to it.
  app.use(routes.smartlead.document);
  app.use(routes.smartlead.base, routes.smartlead.surface);

  const api = express.Router();
  // Authenticate before reading the body: a request without a key is a 401 whatever it carries.
  api.use(requireApiKey(deps.organizations));
  if (deps.rateLimit.requests > 0) api.use(rateLimitPerApiKey(deps.rateLimit));
  // GET and DELETE take no body: one sent anyway is ignored, never a reason to refuse the request.
  const readJson = express.json({ limit: '5mb', verify: rejectDeepJson });
  api.use(
    (req, res, next) => (BODYLESS_METHODS.has(req.method) ? next() : readJson(req, res, next)),
    rejectUnstorableCharacters,
  );
  for (const [path, routers] of routes.api) api.use(path || '/', ...routers);
  app.use(API_BASE, api);

  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}
