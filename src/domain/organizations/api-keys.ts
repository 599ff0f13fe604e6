import crypto from 'node:crypto';

const PREFIX = 'sq_';

/** A new API key: 32 random bytes, recognisable by its `sq_` prefix. */
export function generateApiKey(): string {
  return `${PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The part of a key that may be shown again later, to tell keys apart. */
export function displayPrefix(key: string): string {
  return key.slice(0, 10);
}
