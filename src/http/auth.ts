import type { Request, RequestHandler } from 'express';
import { AppError } from '../domain/errors';
import { hashApiKey } from '../domain/organizations/api-keys';
import type { OrganizationService } from '../domain/organizations/organization.service';

declare module 'express-serve-static-core' {
  interface Locals {
    organizationId: string;
    /** The stored digest of the key the request authenticated with: what identifies the key, e.g. to the rate limit. */
    apiKeyHash: string;
  }
}

/** The reference API's wording. */
const UNAUTHORIZED = 'Unauthorized: Invalid API Key or Organization not found';

/**
 * The API key the request presents, from `X-API-KEY` or `Authorization: Bearer`, without the whitespace around it
 * (JavaScript's, which is more than HTTP strips: a no-break space too). Read once, here: every spelling of one key is
 * the same key.
 */
export function apiKeyOf(req: Request): string | undefined {
  return req.get('x-api-key')?.trim() ?? bearerToken(req);
}

/** The token of `Authorization: Bearer <token>`, without the whitespace around it (as apiKeyOf reads a key). */
export function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
}

/** Authenticates `X-API-KEY: <key>` or `Authorization: Bearer <key>` and scopes the request to its organization. */
export function requireApiKey(organizations: OrganizationService): RequestHandler {
  return async (req, res, next) => {
    const key = apiKeyOf(req);
    if (!key) {
      throw new AppError('unauthorized', UNAUTHORIZED, {
        errors: ['send your API key in the X-API-KEY header (or as Authorization: Bearer <key>)'],
      });
    }
    const organizationId = await organizations.authenticate(key);
    if (!organizationId) {
      throw new AppError('unauthorized', UNAUTHORIZED, { errors: ['the API key is unknown or has been revoked'] });
    }
    res.locals.organizationId = organizationId;
    res.locals.apiKeyHash = hashApiKey(key);
    req.log = req.log.child({ organizationId });
    next();
  };
}
