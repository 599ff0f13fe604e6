import type { ZodOpenApiPathsObject } from 'zod-openapi';

/** The routes without an API key: health, readiness, metrics, this document, and the links in sent messages. */
export const operationsPaths: ZodOpenApiPathsObject = {};
