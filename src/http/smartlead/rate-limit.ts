import type { RequestHandler } from 'express';
import type { Store } from 'express-rate-limit';
import { rateLimitPerApiKey, type RateLimitSettings, type RateLimitSurface } from '../rate-limit';

/** Counted apart from the native API's limit: a key has Smartlead's limit here and the native one there. */
const SMARTLEAD_SURFACE: RateLimitSurface = {
  counter: 'smartlead rate limit',
  message: (settings, retryAfter) =>
    `Rate limit exceeded: ${settings.requests} requests per ${settings.windowMs / 1000} s per API key. ` +
    `Retry after ${retryAfter} s.`,
};

/** One limiter per store: the surface mounted twice (the API port and SMARTLEAD_PORT) counts once per key. */
const limiters = new WeakMap<Store, RequestHandler>();

/** Smartlead's limit (10 requests per 2 s per key by default): 429 with `Retry-After`; null when `requests` is 0. */
export function smartleadRateLimit(settings: RateLimitSettings & { store: Store }): RequestHandler | null {
  if (settings.requests <= 0) return null;
  let limiter = limiters.get(settings.store);
  if (!limiter) {
    limiter = rateLimitPerApiKey(settings, SMARTLEAD_SURFACE);
    limiters.set(settings.store, limiter);
  }
  return limiter;
}
