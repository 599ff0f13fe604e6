import type { RequestHandler } from 'express';
import { AppError } from '../domain/errors';
import type { OrganizationService } from '../domain/organizations/organization.service';

declare module 'express-serve-static-core' {
  interface Locals {
    organizationId: string;
  }
}

/** Authenticates `X-API-KEY: <key>` or `Authorization: Bearer <key>` and scopes the request to its organization. */
export function requireApiKey(organizations: OrganizationService): RequestHandler {
  return async (req, res, next) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const key = req.get('x-api-key') ?? bearer;
    if (!key) {
      throw new AppError(
        'unauthorized',
        'Missing API key: send it as `X-API-KEY: <key>` or `Authorization: Bearer <key>`.',
      );
    }
    const organizationId = await organizations.authenticate(key.trim());
    if (!organizationId) throw new AppError('unauthorized', 'The API key is not valid or has been revoked.');
    res.locals.organizationId = organizationId;
    req.log = req.log.child({ organizationId });
    next();
  };
}
