import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { ZodError } from 'zod';
import { toErrorResponse } from '../error-handler';

/**
 * The one error shape of the Smartlead surface: `{"statusCode":404,"error":"Campaign not found","message":"Campaign
 * not found","code":"campaign_not_found"}`. `error` and `message` say the same for people (clients read either);
 * `code` is Sequencer's stable snake_case code to branch on; `errors` lists each invalid field of a 422.
 */
export interface SmartleadErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  errors?: string[];
  [extra: string]: unknown;
}

/** The 401's words. */
export const SMARTLEAD_UNAUTHORIZED =
  'Unauthorized: invalid or missing API key. Send it as ?api_key=<key> (or in the X-API-KEY header).';

/** The statuses Smartlead documents; every error is answered with one of them. */
export const SMARTLEAD_ERROR_STATUSES = [400, 401, 404, 422, 429, 500] as const;
export type SmartleadErrorStatus = (typeof SMARTLEAD_ERROR_STATUSES)[number];

/** The most invalid fields a 422's message names (all are in `errors`, up to the native limit). */
const ISSUES_IN_MESSAGE = 3;

/**
 * Our status → Smartlead's documented one: 402 and 409 (understood, but refused in this state) → 422; 413, 415 and
 * other refusals of the request → 400; 503 and any other failure → 500.
 */
function smartleadStatus(status: number): SmartleadErrorStatus {
  if ((SMARTLEAD_ERROR_STATUSES as readonly number[]).includes(status)) return status as SmartleadErrorStatus;
  if (status === 402 || status === 409) return 422;
  return status >= 400 && status < 500 ? 400 : 500;
}

/** A row named by uuid in a native message (`contact ada@example.com (0b9e…)`): this surface never answers uuids. */
const UUID_IN_PARENTHESES = / ?\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/gi;
const withoutUuids = (text: string): string => text.replace(UUID_IN_PARENTHESES, '');

/** Any error → the surface's status and body (the native mapping, reshaped; internals never leak). */
export function toSmartleadError(error: unknown): { status: SmartleadErrorStatus; body: SmartleadErrorBody } {
  const native = toErrorResponse(error);
  const { status: _envelope, code, message: nativeMessage, errors: nativeErrors, ...extra } = native.body;
  const message = withoutUuids(nativeMessage);
  const errors = nativeErrors?.map(withoutUuids);
  const statusCode = smartleadStatus(native.status);
  const said =
    error instanceof ZodError && errors
      ? `Validation failed: ${errors.slice(0, ISSUES_IN_MESSAGE).join('; ')}${errors.length > ISSUES_IN_MESSAGE ? '; …' : ''}`
      : native.status === 503
        ? 'A backing service (Postgres or Temporal) is unreachable; retry after a short delay.'
        : message;
  return {
    status: statusCode,
    body: { ...extra, statusCode, error: said, message: said, code, ...(errors ? { errors } : {}) },
  };
}

export const smartleadErrorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const { status, body } = toSmartleadError(error);
  if (status >= 500) req.log.error({ err: error }, 'request failed');
  res.status(status).json(body);
};

export const smartleadRouteNotFound: RequestHandler = (req, res) => {
  const message = `Cannot ${req.method} ${req.baseUrl}${req.path}: no such Smartlead endpoint (see /smartlead/openapi.json).`;
  res.status(404).json({ statusCode: 404, error: message, message, code: 'route_not_found' });
};

/** The error body in the OpenAPI document. */
export const smartleadErrorSchema = z
  .looseObject({
    statusCode: z.number().int().meta({ description: 'The HTTP status, repeated.' }),
    error: z.string().meta({ description: 'What went wrong, for people (the same text as `message`).' }),
    message: z.string().meta({ description: 'What went wrong, for people.' }),
    code: z.string().meta({ description: "Sequencer's stable snake_case error code: branch on it." }),
    errors: z.array(z.string()).optional().meta({ description: 'Each invalid field of a 422.' }),
  })
  .meta({ id: 'SmartleadError' });

/** What each documented status means on this surface, with an example body. */
export const SMARTLEAD_ERRORS: Record<SmartleadErrorStatus, { description: string; example: SmartleadErrorBody }> = {
  400: {
    description: 'Bad Request: the body is not JSON, too large, or cannot be read.',
    example: errorExample(400, 'The request body is not valid JSON.', 'malformed_json'),
  },
  401: {
    description: 'Unauthorized: the `api_key` is missing or invalid.',
    example: errorExample(401, SMARTLEAD_UNAUTHORIZED, 'unauthorized'),
  },
  404: {
    description: 'Not Found: no such id in your account (or no such endpoint).',
    example: errorExample(404, 'Campaign not found', 'campaign_not_found'),
  },
  422: {
    description:
      'Validation Error: a parameter has the wrong type or a required field is missing; or the request is ' +
      'refused in the resource’s current state.',
    example: {
      ...errorExample(422, 'Validation failed: status: Invalid option', 'validation_failed'),
      errors: ['status: Invalid option'],
    },
  },
  429: {
    description: 'Rate Limit Exceeded: more than the allowed requests per window for this key; see `Retry-After`.',
    example: errorExample(
      429,
      'Rate limit exceeded: 10 requests per 2 s per API key. Retry after 2 s.',
      'rate_limited',
    ),
  },
  500: {
    description: 'Server Error: retry after a short delay.',
    example: errorExample(500, 'Something went wrong on our side; it has been logged.', 'internal_error'),
  },
};

function errorExample(statusCode: number, message: string, code: string): SmartleadErrorBody {
  return { statusCode, error: message, message, code };
}
