import crypto from 'node:crypto';

/** What a public link does; part of the signed bytes, so a token for one purpose never works for another. */
const PURPOSES = { unsubscribe: 1, open: 2, click: 3 } as const;
type Purpose = keyof typeof PURPOSES;

/** The HKDF label of the tokens' key, derived from SECRET_KEY. */
export const PUBLIC_TOKENS_KEY = 'sequencer public link tokens';

const MAC_BYTES = 16;
const UUID_BYTES = 16;

/** One sent step of one enrollment: what an open or a click is recorded against. */
export interface MessageRef {
  enrollmentId: string;
  position: number;
}

/**
 * The tokens of the public links in our mail (unsubscribe, open pixel, click redirect): the ids they carry in
 * binary, then a truncated HMAC-SHA256 under a key derived from SECRET_KEY. Opaque to the recipient, impossible to
 * forge or enumerate without SECRET_KEY, and stateless: nothing is stored per link.
 */
export class PublicTokens {
  /** `key`: 32 bytes of its own, e.g. `secrets.deriveKey(PUBLIC_TOKENS_KEY)`. */
  constructor(private readonly key: Buffer) {}

  /** The List-Unsubscribe and footer link of every message of one enrollment. */
  unsubscribe(enrollmentId: string): string {
    return this.seal('unsubscribe', uuidBytes(enrollmentId));
  }

  /** The enrollment id of an unsubscribe token, or null when the token is not one of ours. */
  readUnsubscribe(token: string): string | null {
    const payload = this.verify('unsubscribe', token);
    return payload?.length === UUID_BYTES ? uuidText(payload) : null;
  }

  /** The open pixel of one message. */
  openPixel(message: MessageRef): string {
    return this.seal('open', messageBytes(message));
  }

  readOpenPixel(token: string): MessageRef | null {
    const payload = this.verify('open', token);
    return payload?.length === UUID_BYTES + 2 ? messageRef(payload) : null;
  }

  /** A tracked link of one message; the destination travels in the token, so nothing is stored per link. */
  click(message: MessageRef, url: string): string {
    return this.seal('click', Buffer.concat([messageBytes(message), Buffer.from(url, 'utf8')]));
  }

  readClick(token: string): { message: MessageRef; url: string } | null {
    const payload = this.verify('click', token);
    if (!payload || payload.length <= UUID_BYTES + 2) return null;
    return { message: messageRef(payload), url: payload.subarray(UUID_BYTES + 2).toString('utf8') };
  }

  private seal(purpose: Purpose, payload: Buffer): string {
    return Buffer.concat([payload, this.mac(purpose, payload)]).toString('base64url');
  }

  private verify(purpose: Purpose, token: string): Buffer | null {
    if (!/^[A-Za-z0-9_-]{1,8192}$/.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    // Base64 decoding ignores stray trailing bits: only the one spelling we issue is accepted.
    if (bytes.length <= MAC_BYTES || bytes.toString('base64url') !== token) return null;
    const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
    const mac = bytes.subarray(bytes.length - MAC_BYTES);
    return crypto.timingSafeEqual(mac, this.mac(purpose, payload)) ? payload : null;
  }

  private mac(purpose: Purpose, payload: Buffer): Buffer {
    return crypto
      .createHmac('sha256', this.key)
      .update(Buffer.of(PURPOSES[purpose]))
      .update(payload)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

function uuidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`Not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function messageBytes(message: MessageRef): Buffer {
  const position = Buffer.alloc(2);
  position.writeUInt16BE(message.position);
  return Buffer.concat([uuidBytes(message.enrollmentId), position]);
}

function messageRef(payload: Buffer): MessageRef {
  return { enrollmentId: uuidText(payload.subarray(0, UUID_BYTES)), position: payload.readUInt16BE(UUID_BYTES) };
}
