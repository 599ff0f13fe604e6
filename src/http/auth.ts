import type { Request, RequestHandler } from 'express';
import { AppError } from '../domain/errors';
import type { OrganizationService } from '../domain/organizations/organization.service';

declare module 'express-serve-static-core' {
  interface Locals {
    organizationId: string;
  }
}

/** The reference API's wording. */
const UNAUTHORIZED = 'Unauthorized: Invalid API Key or Organization not found';

/** The API key the request presents, from `X-API-KEY` or `Authorization: Bearer`. */
export function apiKeyOf(req: Request): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
  return req.get('x-api-key') ?? bearer;
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
    const organizationId = await organizations.authenticate(key.trim());
    if (!organizationId) {
      throw new AppError('unauthorized', UNAUTHORIZED, { errors: ['the API key is unknown or has been revoked'] });
    }
    res.locals.organizationId = organizationId;
    req.log = req.log.child({ organizationId });
    next();
  };
}
