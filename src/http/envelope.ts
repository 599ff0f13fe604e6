import type { Response } from 'express';

/** Sends `{"status":"success","data":…}` plus optional top-level fields such as `message` or `total`. */
export function sendSuccess(
  res: Response,
  data: unknown,
  options: { status?: number; message?: string; extra?: Record<string, unknown> } = {},
): void {
  res.status(options.status ?? 200).json({
    status: 'success',
    data,
    ...(options.message ? { message: options.message } : {}),
    ...options.extra,
  });
}
