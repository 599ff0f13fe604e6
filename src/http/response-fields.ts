import { z } from 'zod';

/** A moment in a response: ISO 8601 in UTC, as `Date.toISOString()` writes it. */
export const timestamp = z.iso.datetime().meta({ example: '2026-11-22T09:30:00.000Z' });
