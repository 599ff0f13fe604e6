import { z } from 'zod';
import type {
  ZodOpenApiOperationObject,
  ZodOpenApiPathsObject,
  ZodOpenApiResponseObject,
  ZodOpenApiResponsesObject,
  ZodObjectInput,
} from 'zod-openapi';
import { errorSpec, type ErrorCode } from '../../domain/errors';

/** What one JSON operation of the API answers and accepts; `operation()` turns it into the OpenAPI object. */
export interface OperationSpec {
  tag: string;
  summary: string;
  description?: string;
  params?: { path?: ZodObjectInput; query?: ZodObjectInput };
  /** `optional`: the route takes a missing body as `{}`. */
  body?: { schema: z.ZodType; example: unknown; description?: string; optional?: true };
  response: {
    /** 202: accepted, the work goes on after the answer (dispatch). */
    status?: 200 | 201 | 202;
    description: string;
    /** The envelope's `data`. */
    data: z.ZodType;
    example: unknown;
    /** The envelope's `message`, when the route sends one (this text is the example). */
    message?: string;
    /** Top-level fields beside `data` (such as `total`), with their example values. */
    extra?: { shape: z.ZodRawShape; example: Record<string, unknown> };
  };
  /** The domain errors this route can answer; the ones every API route shares are added. */
  errors: ErrorCode[];
}

/** Every API route can answer these: no or a bad key, over the rate limit, a backing service down, a bug. */
const API_ERRORS: ErrorCode[] = ['unauthorized', 'rate_limited', 'service_unavailable', 'internal_error'];
/**
 * A route with a JSON body can also refuse the body itself: unreadable (a corrupt gzip body, nested too deep), not
 * JSON, too large, in another charset, or with a NUL character or an invalid field. POST and PATCH routes without a
 * body read one if it is sent, so they can answer these too.
 */
export const BODY_ERRORS: ErrorCode[] = [
  'bad_request',
  'malformed_json',
  'payload_too_large',
  'unsupported_media_type',
  'validation_failed',
];

/** The OpenAPI operation of an authenticated JSON route: the success envelope, its error codes by status, examples. */
export function operation(spec: OperationSpec): ZodOpenApiOperationObject {
  const { response } = spec;
  const envelope = z.object({
    status: z.literal('success'),
    data: response.data,
    ...(response.message === undefined ? {} : { message: z.string() }),
    ...response.extra?.shape,
  });
  const example = {
    status: 'success',
    data: response.example,
    ...(response.message === undefined ? {} : { message: response.message }),
    ...response.extra?.example,
  };
  const validates = spec.body !== undefined || spec.params?.query !== undefined;
  const errors = [
    ...spec.errors,
    ...(spec.body ? BODY_ERRORS : validates ? (['validation_failed'] as const) : []),
    // A path that is not valid percent-encoding cannot be routed to the resource.
    ...(spec.params?.path ? (['bad_request'] as const) : []),
    ...API_ERRORS,
  ];
  return {
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.params ? { requestParams: spec.params } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.optional !== true,
            ...(spec.body.description ? { description: spec.body.description } : {}),
            content: { 'application/json': { schema: spec.body.schema, example: spec.body.example } },
          },
        }
      : {}),
    responses: {
      [String(response.status ?? 200)]: {
        description: response.description,
        content: { 'application/json': { schema: envelope, example } },
      },
      ...errorResponses(errors),
    },
  };
}

/**
 * POST and PATCH routes of the API read a JSON body whenever one is sent, also those that take none (`/pause`), so
 * their documents list the body's refusals too. (GET and DELETE bodies are never read.)
 */
export function withBodyReadErrors(paths: ZodOpenApiPathsObject): ZodOpenApiPathsObject {
  const result: ZodOpenApiPathsObject = {};
  for (const [path, item] of Object.entries(paths)) {
    const copy = { ...item };
    for (const method of ['post', 'patch', 'put'] as const) {
      const spec = copy[method];
      if (!spec?.responses || spec.requestBody || !path.startsWith('/api/')) continue;
      const responses = Object.entries(spec.responses) as Array<[string, ZodOpenApiResponseObject]>;
      const codes = responses
        .filter(([status]) => Number(status) >= 400)
        .flatMap(([, response]) => Object.keys(response.content?.['application/json']?.examples ?? {}) as ErrorCode[]);
      copy[method] = {
        ...spec,
        responses: {
          ...Object.fromEntries(responses.filter(([status]) => Number(status) < 400)),
          ...errorResponses([...codes, ...BODY_ERRORS]),
        },
      };
    }
    result[path] = copy;
  }
  return result;
}

/** The error envelope; some errors add fields of their own (such as the contacts a merge field is missing for). */
export const errorEnvelope = z
  .looseObject({
    status: z.literal('error'),
    code: z.string().meta({ description: 'Stable and snake_case: branch on it, not on the message.' }),
    message: z.string().meta({ description: 'What went wrong and how to fix it, for people.' }),
    errors: z.array(z.string()).optional().meta({ description: 'One line per problem, such as each invalid field.' }),
  })
  .meta({ id: 'Error' });

/** One response per status, listing its codes, each with an example; a code may only appear once. */
export function errorResponses(codes: readonly ErrorCode[]): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const { status } = errorSpec(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const response: ZodOpenApiResponseObject = {
      description: statusCodes.map((code) => `\`${code}\`: ${errorSpec(code).when}`).join('\n\n'),
      content: {
        'application/json': {
          schema: errorEnvelope,
          examples: Object.fromEntries(
            statusCodes.map((code) => [
              code,
              { value: { status: 'error', code, message: errorSpec(code).example, ...errorSpec(code).exampleExtra } },
            ]),
          ),
        },
      },
      ...(status === 429 ? { headers: rateLimitHeaders } : {}),
    };
    responses[`${status}` as `4${string}`] = response;
  }
  return responses;
}

const rateLimitHeaders = z.object({
  'Retry-After': z.string().meta({ description: 'Seconds until the window resets.', example: '2' }),
  'RateLimit-Limit': z.string().meta({ description: 'Requests allowed per window.', example: '10' }),
  'RateLimit-Remaining': z.string().meta({ description: 'Requests left in this window.', example: '0' }),
  'RateLimit-Reset': z.string().meta({ description: 'Seconds until the window resets.', example: '2' }),
});
