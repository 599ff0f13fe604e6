import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, ERRORS, type ErrorCode } from '../domain/errors';

/** The HTTP status of an error code, as declared in `ERRORS`. */
export const statusOf = (code: ErrorCode): number => ERRORS[code].status;

/**
 * The most invalid fields one answer lists: 100,000 invalid contacts would otherwise answer with megabytes of
 * repeated lines, far more than the request that caused them.
 */
const MAX_LISTED_ISSUES = 100;

interface ErrorBody {
  status: 'error';
  code: ErrorCode;
  message: string;
  errors?: string[];
  [extra: string]: unknown;
}

/** Maps any error to the `{"status":"error",code,message,errors}` envelope; internals never leak. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    return {
      status: statusOf(error.code),
      body: {
        status: 'error',
        code: error.code,
        message: error.message,
        ...(error.details.errors ? { errors: error.details.errors } : {}),
        ...error.details.extra,
      },
    };
  }
  if (error instanceof ZodError) {
    const listed = error.issues
      .slice(0, MAX_LISTED_ISSUES)
      .map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`);
    const unlisted = error.issues.length - listed.length;
    return {
      status: 422,
      body: {
        status: 'error',
        code: 'validation_failed',
        message: 'Validation failed: fix the listed fields and try again.',
        errors: unlisted > 0 ? [...listed, `…and ${unlisted} more`] : listed,
      },
    };
  }
  const bodyParserType = (error as { type?: string } | null | undefined)?.type;
  if (bodyParserType === 'entity.parse.failed') {
    return {
      status: 400,
      body: { status: 'error', code: 'malformed_json', message: 'The request body is not valid JSON.' },
    };
  }
  if (bodyParserType === 'entity.too.large') {
    return {
      status: 413,
      body: { status: 'error', code: 'payload_too_large', message: 'The request body is too large.' },
    };
  }
  if (error instanceof URIError) {
    // The router decodes path parameters before any route runs; `%E0%A4%A` or `%` cannot be decoded.
    return {
      status: 400,
      body: {
        status: 'error',
        code: 'bad_request',
        message:
          'The URL path is not valid percent-encoded UTF-8 (each % must start a UTF-8 byte sequence such as %C3%A9); ' +
          'encode ids in paths with encodeURIComponent.',
      },
    };
  }
  // Other body-parser refusals (unsupported charset or encoding, a corrupt gzip body, too many form fields) carry
  // their own 4xx; the answer keeps each code's documented status.
  const exposed = error as { expose?: unknown; status?: unknown; message?: unknown } | null | undefined;
  if (exposed?.expose === true && typeof exposed.status === 'number' && exposed.status >= 400 && exposed.status < 500) {
    const code: ErrorCode =
      exposed.status === 415 ? 'unsupported_media_type' : exposed.status === 413 ? 'payload_too_large' : 'bad_request';
    const message = typeof exposed.message === 'string' ? exposed.message : 'The request could not be read.';
    return { status: statusOf(code), body: { status: 'error', code, message } };
  }
  if (isUnavailable(error)) {
    return {
      status: 503,
      body: {
        status: 'error',
        code: 'service_unavailable',
        message: 'A backing service (Postgres or Temporal) is unreachable; try again shortly.',
      },
    };
  }
  return {
    status: 500,
    body: { status: 'error', code: 'internal_error', message: 'Something went wrong on our side; it has been logged.' },
  };
}

/** Connection-level failures of Postgres (node-postgres) or Temporal (gRPC UNAVAILABLE = 14), or their causes. */
function isUnavailable(error: unknown): boolean {
  let current = error as { code?: unknown; message?: unknown; cause?: unknown } | null | undefined;
  // Follow a few causes only: a cause chain may loop.
  for (let depth = 0; current && depth < 5; depth += 1, current = current.cause as typeof current) {
    if (current.code === 'ECONNREFUSED' || current.code === 'ECONNRESET' || current.code === 14) return true;
    const message = typeof current.message === 'string' ? current.message : '';
    if (/Connection terminated|connect ECONNREFUSED|UNAVAILABLE/.test(message)) return true;
  }
  return false;
}

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const { status, body } = toErrorResponse(error);
  if (status >= 500) req.log.error({ err: error }, 'request failed');
  res.status(status).json(body);
};

export const routeNotFound: RequestHandler = (req, res) => {
  res.status(404).json({
    status: 'error',
    code: 'route_not_found',
    message: `No route for ${req.method} ${req.path}; see the README for the API reference.`,
  });
};
