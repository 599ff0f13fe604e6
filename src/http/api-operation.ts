import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';
import type { ErrorCode } from '../domain/errors';
import { sendSuccess } from './envelope';
import { operation, type OperationSpec } from './openapi/operation';
import { pathUuid } from './path-params';

/** Where the authenticated API is mounted; operations declare their paths under it. */
export const API_BASE = '/api/v1';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type NotFoundCode = Extract<ErrorCode, `${string}not_found`>;

/** A uuid in the path; one that is not a uuid cannot name anything: the resource's 404, not a validation error. */
export interface PathParam {
  schema: z.ZodType;
  notFound: NotFoundCode;
  /** `List`, `Contact`…: the 404's message is `<what> not found`. */
  what: string;
  /** A value other than a uuid (a step position): reads it, or throws its own 404; the handler gets what it returns. */
  read?: (value: string | undefined) => unknown;
}

/** What the handler gets for a path param: the uuid, or what its `read` returns. */
type PathValue<Param extends PathParam> = Param extends { read: (value: string | undefined) => infer Value }
  ? Value
  : string;

/** What the handler answers: the envelope's `data`, and its `message` or top-level fields when the route has them. */
export interface Reply<Data extends z.ZodType> {
  data: z.input<Data>;
  message?: string;
  extra?: Record<string, unknown>;
  /** One of the statuses the operation declares (`response.otherStatuses`); `response.status` when omitted. */
  status?: 200 | 201 | 202;
}

/** The request, read and validated: path ids, query and body as their schemas output them. */
export interface OperationInput<
  Deps,
  Params extends Record<string, PathParam>,
  Query extends z.ZodType | undefined,
  Body extends z.ZodType | undefined,
> {
  /** The services the operation's resource uses. */
  deps: Deps;
  params: { [name in keyof Params]: PathValue<Params[name]> };
  query: Query extends z.ZodType ? z.output<Query> : undefined;
  body: Body extends z.ZodType ? z.output<Body> : undefined;
  organizationId: string;
  req: Request;
  res: Response;
}

/** What names and documents any operation, authenticated or open: method, path, and how the reference lists it. */
export interface OperationHeader {
  method: Method;
  /** As OpenAPI writes it (`/lists/{uuid}`): under `/api/v1` for an ApiOperation, at the root for an open one. */
  path: `/${string}`;
  tag: string;
  summary: string;
  description?: string;
}

/**
 * One operation of the API, declared once: from it come the Express route (with its validation) and the OpenAPI
 * operation. The request is read in a fixed order — path ids (a 404), then the query, then the body (a 422) — and
 * the handler's reply is sent in the success envelope with the declared status.
 */
export interface ApiOperation<
  Deps = unknown,
  Params extends Record<string, PathParam> = Record<string, PathParam>,
  Query extends z.ZodType | undefined = z.ZodType | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
  Data extends z.ZodType = z.ZodType,
> extends OperationHeader {
  params?: Params;
  query?: Query;
  /**
   * `optional`: a request without a body is read as `{}`. `unless`: a request the handler reads itself (a CSV
   * upload); `body` is then undefined, and the handler tells the two apart with the same test. `beforeQuery`: the
   * body is read before the query (a route that always read them in that order), so its 422 comes first.
   */
  body?: Body extends z.ZodType
    ? {
        schema: Body;
        example: z.input<Body>;
        description?: string;
        optional?: true;
        unless?: (req: Request) => boolean;
        beforeQuery?: true;
      }
    : undefined;
  response: Omit<OperationSpec['response'], 'data' | 'example'> & {
    data: Data;
    example: z.input<Data>;
    /** The same `data` under other statuses (201 added, 200 already there), each documented; the reply picks one. */
    otherStatuses?: Array<
      Pick<OperationSpec['response'], 'status' | 'description' | 'message'> & { example: z.input<Data> }
    >;
  };
  /** The domain errors this operation can answer; those of every route, and of reading the request, are added. */
  errors: ErrorCode[];
  /**
   * The handler: returns the reply, or nothing when it wrote a response of another kind itself (a CSV download);
   * `document` then describes that response in OpenAPI instead of the envelope.
   */
  handle: (input: OperationInput<Deps, Params, Query, Body>) => Promise<Reply<Data> | void>;
  document?: (generated: ZodOpenApiOperationObject) => ZodOpenApiOperationObject;
}

/**
 * The declaration helper of a resource whose handlers use `Deps`: each operation's types are inferred from its
 * schemas, so the handler's input and reply are checked against what the document says.
 */
export function operationsUsing<Deps>() {
  return <
    Params extends Record<string, PathParam> = Record<never, PathParam>,
    Query extends z.ZodType | undefined = undefined,
    Body extends z.ZodType | undefined = undefined,
    Data extends z.ZodType = z.ZodType,
  >(
    spec: ApiOperation<Deps, Params, Query, Body, Data>,
  ): ApiOperation<Deps> => spec as unknown as ApiOperation<Deps>;
}

/** The Express routes of the operations, in their order (the first that matches a path serves it). */
export function operationRouter<Deps>(operations: readonly ApiOperation<Deps>[], deps: Deps): Router {
  const router = Router();
  for (const spec of operations) {
    router[spec.method](expressPath(spec.path), async (req, res) => {
      const params: Record<string, unknown> = {};
      for (const [name, param] of Object.entries(spec.params ?? {})) {
        // A named param (`:step`) is one string.
        const value = req.params[name] as string | undefined;
        params[name] = param.read ? param.read(value) : pathUuid(value, param.notFound, param.what);
      }
      const { body: declared } = spec;
      const readBody = (): unknown =>
        declared && !declared.unless?.(req)
          ? declared.schema.parse(declared.optional ? (req.body ?? {}) : req.body)
          : undefined;
      const bodyFirst = declared?.beforeQuery ? readBody() : undefined;
      const query: unknown = spec.query ? spec.query.parse(req.query) : undefined;
      const body = declared?.beforeQuery ? bodyFirst : readBody();
      const organizationId = res.locals.organizationId;
      // Each operation's handler types its params by their `read` (a uuid without one).
      const reply = await spec.handle({
        deps,
        params: params as Record<string, string>,
        query,
        body,
        organizationId,
        req,
        res,
      });
      if (!reply) return;
      // The declared message unless the handler says another (one that depends on the request).
      const message = reply.message ?? spec.response.message;
      const status = reply.status ?? spec.response.status;
      sendSuccess(res, reply.data, {
        ...(status ? { status } : {}),
        ...(message ? { message } : {}),
        ...(reply.extra ? { extra: reply.extra } : {}),
      });
    });
  }
  return router;
}

/** The order the document lists a path's methods in, whatever order Express needs the table in. */
const DOCUMENTED_METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];

/** The OpenAPI paths of the operations, as served under API_BASE. */
export function operationPaths(operations: readonly ApiOperation<never>[]): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const spec of operations) {
    const pathParams = spec.params
      ? z.object(Object.fromEntries(Object.entries(spec.params).map(([name, param]) => [name, param.schema])))
      : undefined;
    const requestParams =
      pathParams || spec.query
        ? { ...(pathParams ? { path: pathParams } : {}), ...(spec.query ? { query: spec.query } : {}) }
        : undefined;
    const { otherStatuses = [], ...response } = spec.response;
    const documented = (answer: OperationSpec['response']) =>
      operation({
        tag: spec.tag,
        summary: spec.summary,
        ...(spec.description ? { description: spec.description } : {}),
        ...(requestParams ? { params: requestParams as OperationSpec['params'] } : {}),
        ...(spec.body ? { body: documentedBody(spec.body) } : {}),
        response: answer,
        errors: spec.errors,
      });
    let generated = documented(response);
    for (const other of otherStatuses) {
      const status = `${other.status ?? 200}` as const;
      const { responses } = documented({ ...response, ...other });
      generated = { ...generated, responses: { ...generated.responses, [status]: responses[status] } };
    }
    const item = (paths[`${API_BASE}${spec.path}`] ??= {});
    item[spec.method] = spec.document ? spec.document(generated) : generated;
  }
  return inDocumentedOrder(paths);
}

/** Each path's methods in the order the document lists them. */
export function inDocumentedOrder(paths: ZodOpenApiPathsObject): ZodOpenApiPathsObject {
  for (const [path, item] of Object.entries(paths)) {
    paths[path] = Object.fromEntries(
      DOCUMENTED_METHODS.filter((method) => item[method]).map((method) => [method, item[method]]),
    );
  }
  return paths;
}

function documentedBody({ schema, example, description, optional }: NonNullable<ApiOperation<never>['body']>) {
  return { schema, example, ...(description ? { description } : {}), ...(optional ? { optional } : {}) };
}

/** `/lists/{uuid}` → `/lists/:uuid`. */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
