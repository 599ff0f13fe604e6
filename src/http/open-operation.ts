import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type {
  ZodObjectInput,
  ZodOpenApiOperationObject,
  ZodOpenApiPathsObject,
  ZodOpenApiResponseObject,
} from 'zod-openapi';
import type { ErrorCode } from '../domain/errors';
import { expressPath, inDocumentedOrder, type OperationHeader } from './api-operation';
import { errorResponses } from './openapi/operation';

/** What an open route answers or reads: JSON, a page, Prometheus text, the pixel, or the one-click form. */
type MediaType = 'application/json' | 'text/html' | 'text/plain' | 'image/gif' | 'application/x-www-form-urlencoded';

/** One documented answer of an open route: its body by media type (none for a redirect) and its headers. */
export interface OpenResponse {
  description: string;
  /** A redirect's `Location`, the metrics' `WWW-Authenticate`. */
  headers?: ZodObjectInput;
  content?: { type: MediaType; schema: z.ZodType; example?: unknown };
}

/** The request as read: path params and query as their schemas output them. */
export interface OpenOperationInput<
  Deps,
  Params extends ZodObjectInput | undefined,
  Query extends ZodObjectInput | undefined,
> {
  deps: Deps;
  params: Params extends ZodObjectInput ? z.output<Params> : undefined;
  query: Query extends ZodObjectInput ? z.output<Query> : undefined;
  req: Request;
  res: Response;
}

/**
 * One open route (no API key, no rate limit, at the root: health, metrics, this document, the links in messages),
 * declared once: from it come the Express route and its OpenAPI operation. Unlike an ApiOperation it answers in no
 * envelope of its own: the handler writes the response (a page, a pixel, a redirect), and `responses` document each
 * status it can write.
 */
export interface OpenOperation<
  Deps = unknown,
  Params extends ZodObjectInput | undefined = ZodObjectInput | undefined,
  Query extends ZodObjectInput | undefined = ZodObjectInput | undefined,
> extends OperationHeader {
  /** Parsed before the handler runs (a 422 when they do not fit). */
  params?: Params;
  query?: Query;
  /**
   * A body the route reads with `read` (a body parser) and documents; the handler takes what it needs from
   * `req.body` and tolerates the rest (the one-click form), so the schema describes it but does not refuse it.
   */
  body?: { type: MediaType; schema: z.ZodType; example: unknown; read: RequestHandler };
  /** Each status the handler writes. */
  responses: Record<number, OpenResponse>;
  /** Errors answered in the error envelope before the handler writes anything (an unreadable path or body). */
  errors?: ErrorCode[];
  handle: (input: OpenOperationInput<Deps, Params, Query>) => Promise<void> | void;
}

/** The declaration helper of open routes whose handlers use `Deps`: params and query typed by their schemas. */
export function openOperationsUsing<Deps>() {
  return <Params extends ZodObjectInput | undefined = undefined, Query extends ZodObjectInput | undefined = undefined>(
    spec: OpenOperation<Deps, Params, Query>,
  ): OpenOperation<Deps> => spec;
}

/** The Express routes of the open operations, in their order; mounted at the root. */
export function openOperationRouter<Deps>(operations: readonly OpenOperation<Deps>[], deps: Deps): Router {
  const router = Router();
  for (const spec of operations) {
    router[spec.method](expressPath(spec.path), ...(spec.body ? [spec.body.read] : []), async (req, res) => {
      const params = spec.params ? z.parse(spec.params, req.params) : undefined;
      const query = spec.query ? z.parse(spec.query, req.query) : undefined;
      await spec.handle({ deps, params, query, req, res });
    });
  }
  return router;
}

/** The OpenAPI paths of the open operations: no security, and what each handler writes. */
export function openOperationPaths(operations: readonly OpenOperation<never>[]): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const spec of operations) {
    const responses = Object.fromEntries(
      Object.entries(spec.responses).map(([status, response]) => [status, documentedResponse(response)]),
    );
    const documented: ZodOpenApiOperationObject = {
      security: [],
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.params || spec.query
        ? {
            requestParams: {
              ...(spec.params ? { path: spec.params } : {}),
              ...(spec.query ? { query: spec.query } : {}),
            },
          }
        : {}),
      ...(spec.body
        ? { requestBody: { content: { [spec.body.type]: { schema: spec.body.schema, example: spec.body.example } } } }
        : {}),
      responses: { ...responses, ...errorResponses(spec.errors ?? []) },
    };
    (paths[spec.path] ??= {})[spec.method] = documented;
  }
  return inDocumentedOrder(paths);
}

function documentedResponse({ description, headers, content }: OpenResponse): ZodOpenApiResponseObject {
  return {
    description,
    ...(headers ? { headers } : {}),
    ...(content
      ? {
          content: {
            [content.type]: {
              schema: content.schema,
              ...(content.example === undefined ? {} : { example: content.example }),
            },
          },
        }
      : {}),
  };
}
