import type { ZodOpenApiPathsObject } from 'zod-openapi';

/** `/api/v1/contacts…`, `/api/v1/outreaches…` and `/api/v1/block_list…`. */
export const organizationPaths: ZodOpenApiPathsObject = {};
