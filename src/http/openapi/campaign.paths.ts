import type { ZodOpenApiPathsObject } from 'zod-openapi';

/** `/api/v1/campaigns…` except the enrollment routes (enrollment.paths.ts). */
export const campaignPaths: ZodOpenApiPathsObject = {};
