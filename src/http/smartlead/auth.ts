import type { Request, RequestHandler } from 'express';
import { AppError } from '../../domain/errors';
import { hashApiKey } from '../../domain/organizations/api-keys';
import type { OrganizationService } from '../../domain/organizations/organization.service';
import { apiKeyOf } from '../auth';
import { SMARTLEAD_UNAUTHORIZED } from './errors';

/** The key as Smartlead clients send it: `?api_key=` (the first, if repeated), else the native API's headers. */
export function smartleadKeyOf(req: Request): string | undefined {
  const query = req.query.api_key;
  const fromQuery = Array.isArray(query) ? query[0] : query;
  if (typeof fromQuery === 'string' && fromQuery.trim() !== '') return fromQuery.trim();
  return apiKeyOf(req);
}

/**
 * Authenticates as Smartlead does, with the native API's keys (the same OrganizationService.authenticate), and
 * scopes the request to the key's organization as the native check does (rate limit and logs included).
 */
export function requireSmartleadKey(organizations: OrganizationService): RequestHandler {
  return async (req, res, next) => {
    const key = smartleadKeyOf(req);
    const organizationId = key ? await organizations.authenticate(key) : null;
    if (!key || !organizationId) {
      throw new AppError('unauthorized', SMARTLEAD_UNAUTHORIZED, {
        errors: [
          key ? 'the API key is unknown or has been revoked' : 'no api_key query parameter (or X-API-KEY header)',
        ],
      });
    }
    res.locals.organizationId = organizationId;
    res.locals.apiKeyHash = hashApiKey(key);
    req.log = req.log.child({ organizationId });
    next();
  };
}

/** A request URL with its `api_key` value hidden, for the logs (a key in a query string must not be written out). */
export function withoutApiKey(url: string): string {
  return url.replace(/([?&]api_key=)[^&#]*/gi, '$1[redacted]');
}
