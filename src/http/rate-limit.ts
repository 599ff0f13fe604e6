import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import { AppError } from '../domain/errors';

/** At most `requests` per API key in each window of `windowMs`; `requests: 0` turns the limit off. */
export interface RateLimitSettings {
  requests: number;
  windowMs: number;
}

/** Which API a limit counts for: its own counters (a key has one limit per surface) and its 429's words. */
export interface RateLimitSurface {
  counter: string;
  message: (settings: RateLimitSettings, retryAfterSeconds: string) => string;
}

/** The native API's counters and wording. */
const NATIVE_SURFACE: RateLimitSurface = {
  counter: 'rate limit',
  message: (settings, retryAfter) =>
    `Too many requests: this API key may make ${settings.requests} request(s) every ` +
    `${settings.windowMs / 1000} s. Retry after ${retryAfter} s, or send contacts in bulk ` +
    '(one request imports up to 1000).',
};

/**
 * Limits each API key (a bulk import counts as one request, like any other), answering 429 `rate_limited` with
 * `Retry-After` and the IETF draft's `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers.
 * Runs after authentication, so only valid keys are counted. The store is pluggable; the composition root's counts in
 * Postgres (src/rate-limit-store.ts), so several API processes share one limit.
 */
export function rateLimitPerApiKey(
  settings: RateLimitSettings & { store: Store },
  surface: RateLimitSurface = NATIVE_SURFACE,
): RequestHandler {
  return rateLimit({
    windowMs: settings.windowMs,
    limit: settings.requests,
    store: settings.store,
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    // Counted per authenticated key, never per header spelling (whitespace around a key would open a new count). The
    // counter is named by a digest of the key's stored digest, so the table of counters holds nothing that matches it.
    keyGenerator: (_req, res) =>
      crypto.createHash('sha256').update(`${surface.counter}:${res.locals.apiKeyHash}`).digest('base64url'),
    handler: (_req, res, next) => {
      const retryAfter = res.getHeader('Retry-After');
      next(new AppError('rate_limited', surface.message(settings, String(retryAfter ?? 1))));
    },
  });
}
