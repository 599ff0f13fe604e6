import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../domain/errors';

/** Deeper than any body of this API needs (a campaign is five levels deep), far shallower than what is harmful. */
export const MAX_JSON_DEPTH = 64;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * An `express.json` `verify` hook that refuses a body nested deeper than MAX_JSON_DEPTH before it is parsed:
 * `JSON.parse` spends about 3 s on the million levels that fit in the 5 MB limit, blocking every other request,
 * and code that walks the result recursively would overflow the stack. One pass over the bytes, strings skipped.
 */
export function rejectDeepJson(_req: IncomingMessage, _res: ServerResponse, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < body.length; index += 1) {
    const byte = body[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) {
        throw new AppError(
          'bad_request',
          `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep; no request of this API needs that many.`,
        );
      }
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      depth -= 1;
    }
  }
}
