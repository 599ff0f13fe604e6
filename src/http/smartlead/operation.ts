import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { AppDeps } from '../../app';
import type { ErrorCode } from '../../domain/errors';
import type { AliasKind } from '../../domain/smartlead/smartlead-alias.service';

/** What a Smartlead operation's handler may use: every domain service the app is built with. */
export type SmartleadDeps = AppDeps;

export type SmartleadMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * A path id: Smartlead's integer (or a string of digits), the alias of one of the key's organization's rows. The
 * router resolves it before the handler runs; anything else (another organization's, unknown, not a number) is a 404
 * `<what> not found`.
 */
export interface AliasParam {
  alias: AliasKind;
  /** `Campaign`, `Lead`, `Email account`…: the 404 says `<what> not found`. */
  what: string;
  description: string;
}

/** The 404 code of an id of each kind that names nothing. */
export const NOT_FOUND_CODES = {
  campaign: 'campaign_not_found',
  lead: 'contact_not_found',
  emailAccount: 'mailbox_not_found',
  webhook: 'webhook_not_found',
  sequence: 'step_not_found',
  campaignLead: 'enrollment_not_found',
} as const satisfies Record<AliasKind, Extract<ErrorCode, `${string}not_found`>>;

/** A path id naming a row by its alias (see AliasParam). */
export const aliasParam = (alias: AliasKind, what: string, description = `The ${what.toLowerCase()} id.`) =>
  ({ alias, what, description }) satisfies AliasParam;

/** The request as read: path ids resolved to uuids, the query and body as their schemas output them. */
export interface SmartleadInput<
  Params extends Record<string, AliasParam>,
  Query extends z.ZodType | undefined,
  Body extends z.ZodType | undefined,
> {
  deps: SmartleadDeps;
  /** The uuid each path id names (in the key's organization). */
  params: { [name in keyof Params]: string };
  /** The integers the path sent, as numbers (to answer with, without a lookup). */
  aliases: { [name in keyof Params]: number };
  query: Query extends z.ZodType ? z.output<Query> : undefined;
  body: Body extends z.ZodType ? z.output<Body> : undefined;
  organizationId: string;
  req: Request;
  res: Response;
}

/** A JSON answer: the raw shape Smartlead answers (an array, an object), no envelope. */
export interface SmartleadJsonResponse<Result extends z.ZodType> {
  status?: 200 | 201;
  description: string;
  schema: Result;
  example: z.input<Result>;
}

/** An answer the handler writes itself (a CSV export): documented here, and the handler returns nothing. */
export interface SmartleadFileResponse {
  mediaType: 'text/csv';
  description: string;
  example: string;
}

/**
 * One operation of the Smartlead-compatible API, declared once: its Express routes (with and without a trailing
 * slash, for `method` and each of `alsoMethods`) and its operation in `/smartlead/openapi.json` come from it. The
 * request is read in order — path ids (404), query, body (422) — and the handler's result is sent as JSON as is.
 */
export interface SmartleadOperation<
  Params extends Record<string, AliasParam> = Record<string, AliasParam>,
  Query extends z.ZodType | undefined = z.ZodType | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
  Result extends z.ZodType = z.ZodType,
> {
  method: SmartleadMethod;
  /** Other methods clients in the wild use for the same operation (`POST …/status` besides `PATCH`). */
  alsoMethods?: readonly SmartleadMethod[];
  /** As OpenAPI writes it, under the surface's base (`/campaigns/{campaign_id}`). */
  path: `/${string}`;
  tag: string;
  summary: string;
  /** What the operation does, and how its fields map onto Sequencer (the migration guide's table in short). */
  description?: string;
  params?: Params;
  /** Lenient: build it with lenientQuery (unknown parameters, `api_key` among them, are kept). */
  query?: Query;
  /** `optional`: a request without a body reads as `{}`. Lenient: build it with lenientBody. */
  body?: Body extends z.ZodType
    ? { schema: Body; example: z.input<Body>; description?: string; optional?: true }
    : undefined;
  response: SmartleadJsonResponse<Result> | SmartleadFileResponse;
  /** Statuses besides the ones every operation can answer (401, 429, 500) and its reading of the request (404, 422). */
  otherStatuses?: Array<400 | 404 | 422>;
  handle: (input: SmartleadInput<Params, Query, Body>) => Promise<z.input<Result> | undefined>;
}

/** Declares an operation, its handler's input and result typed by its schemas. */
export function smartleadOperation<
  Params extends Record<string, AliasParam> = Record<never, AliasParam>,
  Query extends z.ZodType | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
  Result extends z.ZodType = z.ZodType,
>(spec: SmartleadOperation<Params, Query, Body, Result>): SmartleadOperation {
  return spec as unknown as SmartleadOperation;
}

/** `/campaigns/{campaign_id}` → `/campaigns/:campaign_id`. */
export function expressPathOf(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** Whether a response is a file the handler writes. */
export function isFileResponse(response: SmartleadOperation['response']): response is SmartleadFileResponse {
  return 'mediaType' in response;
}
