import crypto from 'node:crypto';

/**
 * Signing as in the Standard Webhooks specification (standardwebhooks.com), so receivers verify with its libraries:
 * the secret is `whsec_` + base64 of random bytes; the signature is `v1,` + base64 HMAC-SHA256, keyed with the
 * decoded secret, over `{webhook-id}.{webhook-timestamp}.{body}`.
 */
const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

/** A new signing secret, shown to the user once. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(SECRET_BYTES).toString('base64');
}

/** The `webhook-signature` header's value for one message. */
export function webhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  const mac = crypto.createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of a signed delivery, for a body already serialized (the bytes signed are the bytes sent). */
export function signedHeaders(secret: string, id: string, at: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': webhookSignature(secret, id, timestamp, body),
  };
}
