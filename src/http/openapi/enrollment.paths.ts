import type { ZodOpenApiPathsObject } from 'zod-openapi';

/** `/api/v1/campaigns/{id}/enrollments…` (enrollment.routes.ts) and `/api/v1/events`. */
export const enrollmentPaths: ZodOpenApiPathsObject = {};
