import crypto from 'node:crypto';
import { type MessageRef, PublicTokens } from '../../src/crypto/public-tokens';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const newTokens = (): PublicTokens => new PublicTokens(crypto.randomBytes(32));
const message = (position = 1): MessageRef => ({ enrollmentId: crypto.randomUUID(), position });

type Kind = 'unsubscribe' | 'open' | 'click';
const KINDS: Kind[] = ['unsubscribe', 'open', 'click'];

/** A fresh token of each kind, and what reading it with its own reader must give. */
function tokenOf(tokens: PublicTokens, kind: Kind, url = 'https://example.com/pricing?plan=pro') {
  const ref = message(3);
  const { enrollmentId } = ref;
  switch (kind) {
    case 'unsubscribe':
      return { enrollmentId, token: tokens.unsubscribe(enrollmentId), expected: enrollmentId };
    case 'open':
      return { enrollmentId, token: tokens.openPixel(ref), expected: ref };
    case 'click':
      return { enrollmentId, token: tokens.click(ref, url), expected: { message: ref, url } };
  }
}

function read(tokens: PublicTokens, kind: Kind, token: string): unknown {
  switch (kind) {
    case 'unsubscribe':
      return tokens.readUnsubscribe(token);
    case 'open':
      return tokens.readOpenPixel(token);
    case 'click':
      return tokens.readClick(token);
  }
}

/** Every token that differs from `token` in exactly one character (each other base64url character at each place). */
function singleCharacterChanges(token: string): string[] {
  const changed: string[] = [];
  for (let index = 0; index < token.length; index++) {
    for (const char of BASE64URL) {
      if (char !== token[index]) changed.push(token.slice(0, index) + char + token.slice(index + 1));
    }
  }
  return changed;
}

describe('PublicTokens', () => {
  describe('when an unsubscribe token is read back', () => {
    it('then it gives the enrollment id', () => {
      const tokens = newTokens();
      const enrollmentId = crypto.randomUUID();

      expect(tokens.readUnsubscribe(tokens.unsubscribe(enrollmentId))).toBe(enrollmentId);
    });

    it('then an upper-case id comes back in the canonical lower case', () => {
      const tokens = newTokens();
      const enrollmentId = crypto.randomUUID();

      expect(tokens.readUnsubscribe(tokens.unsubscribe(enrollmentId.toUpperCase()))).toBe(enrollmentId);
    });

    it('then the same enrollment always gets the same token (nothing is stored per link)', () => {
      const tokens = newTokens();
      const enrollmentId = crypto.randomUUID();

      expect(tokens.unsubscribe(enrollmentId)).toBe(tokens.unsubscribe(enrollmentId));
    });
  });

  describe('when an open-pixel token is read back', () => {
    it.each([0, 1, 2, 255, 256, 65_535])('then it gives the enrollment and step %i', (position) => {
      const tokens = newTokens();
      const ref = message(position);

      expect(tokens.readOpenPixel(tokens.openPixel(ref))).toEqual(ref);
    });

    it('then each step of an enrollment has its own token', () => {
      const tokens = newTokens();
      const { enrollmentId } = message();

      expect(tokens.openPixel({ enrollmentId, position: 1 })).not.toBe(tokens.openPixel({ enrollmentId, position: 2 }));
    });
  });

  describe('when a click token is read back', () => {
    it.each([
      ['a plain link', 'https://example.com/'],
      ['query and fragment', 'https://example.com/a/b?c=1&d=%20e#frag'],
      ['unicode host, path and query', 'https://例え.jp/パス/ñandú?q=café&e=😀#séction'],
      ['combining characters and RTL text', 'https://example.com/e\u0301/\u05e9\u05dc\u05d5\u05dd'],
      ['a 4,000-character link', `https://example.com/${'x'.repeat(4_000)}`],
    ])('then it gives the message and the exact URL, with %s', (_, url) => {
      const tokens = newTokens();
      const ref = message(2);

      expect(tokens.readClick(tokens.click(ref, url))).toEqual({ message: ref, url });
    });
  });

  describe('when a token is read back by its own reader', () => {
    it.each(KINDS)('then a %s token gives what it was made for', (kind) => {
      const tokens = newTokens();
      const { token, expected } = tokenOf(tokens, kind);

      expect(read(tokens, kind, token)).toEqual(expected);
    });
  });

  describe('when a token is made', () => {
    it.each(KINDS)('then a %s token is URL-safe and shows nothing of the enrollment id', (kind) => {
      const tokens = newTokens();

      const { token, enrollmentId } = tokenOf(tokens, kind);

      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(token).not.toContain(enrollmentId.replace(/-/g, '').slice(0, 8));
    });
  });

  describe('when a token is read for another purpose than it was made for', () => {
    const pairs = KINDS.flatMap((made) =>
      KINDS.filter((other) => other !== made).map((other): [Kind, Kind] => [made, other]),
    );

    it.each(pairs)('then a %s token read as %s is refused', (made, readAs) => {
      const tokens = newTokens();
      const { token } = tokenOf(tokens, made);

      expect(read(tokens, readAs, token)).toBeNull();
    });

    it('then a click token whose URL makes it as long as an open-pixel token is still refused as one', () => {
      const tokens = newTokens();
      const ref = message();

      expect(tokens.readOpenPixel(tokens.click(ref, ''))).toBeNull();
      expect(tokens.readUnsubscribe(tokens.click(ref, ''))).toBeNull();
    });
  });

  describe('when a token was made with another key', () => {
    it.each(KINDS)('then a %s token is refused', (kind) => {
      const { token } = tokenOf(newTokens(), kind);

      expect(read(newTokens(), kind, token)).toBeNull();
    });
  });

  describe('when a token is altered', () => {
    it.each(KINDS)('then a %s token with any one character changed is refused', (kind) => {
      const tokens = newTokens();
      const { token } = tokenOf(tokens, kind);

      const accepted = singleCharacterChanges(token).filter((changed) => read(tokens, kind, changed) !== null);

      expect(accepted).toEqual([]);
    });

    it.each(KINDS)('then a %s token with any one bit of its bytes flipped is refused', (kind) => {
      const tokens = newTokens();
      const bytes = Buffer.from(tokenOf(tokens, kind).token, 'base64url');

      const accepted: number[] = [];
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        const flipped = Buffer.from(bytes);
        flipped[bit >> 3] = flipped[bit >> 3]! ^ (0x80 >> (bit & 7));
        if (read(tokens, kind, flipped.toString('base64url')) !== null) accepted.push(bit);
      }

      expect(accepted).toEqual([]);
    });

    it.each(KINDS)('then a %s token cut short, at either end, is refused', (kind) => {
      const tokens = newTokens();
      const { token } = tokenOf(tokens, kind);

      const shortened = Array.from({ length: token.length - 1 }, (_, cut) => [
        token.slice(0, cut + 1),
        token.slice(cut + 1),
      ]).flat();

      expect(shortened.filter((short) => read(tokens, kind, short) !== null)).toEqual([]);
    });

    // The length of a click token varies with its URL: links of 0 to 5 characters more cover every length mod 4.
    it.each([0, 1, 2, 3, 4, 5])('then a click token with characters appended is refused (link length +%i)', (extra) => {
      const tokens = newTokens();
      const { token } = tokenOf(tokens, 'click', `https://example.com/${'x'.repeat(extra)}`);

      const appended = ['A', 'Q', 'g', 'w', '_', 'AA', 'AAA', 'AAAA'].map((tail) => token + tail);

      expect(appended.filter((longer) => tokens.readClick(longer) !== null)).toEqual([]);
    });

    it.each(['unsubscribe', 'open'] as Kind[])('then a %s token with characters appended is refused', (kind) => {
      const tokens = newTokens();
      const { token } = tokenOf(tokens, kind);

      const appended = ['A', 'Q', 'g', 'w', '_', 'AA', 'AAA', 'AAAA'].map((tail) => token + tail);

      expect(appended.filter((longer) => read(tokens, kind, longer) !== null)).toEqual([]);
    });
  });

  describe('when the token is not one of ours at all', () => {
    const garbage = [
      ['empty', ''],
      ["the test sends' placeholder", 'test'],
      ['one character', 'A'],
      ['punctuation', '!!!!'],
      ['spaces', 'abc def ghi jkl mno pqr stu vwx yz0 123 456'],
      ['padded base64', `${'A'.repeat(42)}=`],
      ['standard base64 characters', `${'A'.repeat(40)}+/+/`],
      ['non-ASCII', 'ÄÖÜ😀'.repeat(10)],
      ['all zeros', 'A'.repeat(64)],
      ['very long', 'A'.repeat(20_000)],
    ];

    it.each(garbage)('then %s is refused by every reader', (_, token) => {
      const tokens = newTokens();

      expect(KINDS.map((kind) => read(tokens, kind, token))).toEqual([null, null, null]);
    });

    it.each(KINDS)('then a valid %s token with padding or whitespace around it is refused', (kind) => {
      const tokens = newTokens();
      const { token } = tokenOf(tokens, kind);

      expect([`${token}=`, ` ${token}`, `${token}\n`].map((variant) => read(tokens, kind, variant))).toEqual([
        null,
        null,
        null,
      ]);
    });
  });

  describe('when given an id that is not a UUID', () => {
    it.each([
      ['empty', ''],
      ['a word', 'not-a-uuid'],
      ['one hex digit short', crypto.randomUUID().slice(0, -1)],
      ['one hex digit long', `${crypto.randomUUID()}0`],
      ['a non-hex character', `${crypto.randomUUID().slice(0, -1)}g`],
      ['a number', '12345'],
    ])('then making any token from %s throws', (_, enrollmentId) => {
      const tokens = newTokens();

      expect(() => tokens.unsubscribe(enrollmentId)).toThrow(`Not a UUID: ${enrollmentId}`);
      expect(() => tokens.openPixel({ enrollmentId, position: 1 })).toThrow('Not a UUID');
      expect(() => tokens.click({ enrollmentId, position: 1 }, 'https://example.com/')).toThrow('Not a UUID');
    });
  });

  describe('when the step position does not fit in two bytes', () => {
    it.each([-1, 65_536])('then making a token for position %d throws', (position) => {
      const tokens = newTokens();
      const { enrollmentId } = message();

      // Matched by message: the RangeError comes from Node's realm, not the test's.
      expect(() => tokens.openPixel({ enrollmentId, position })).toThrow(/out of range/);
      expect(() => tokens.click({ enrollmentId, position }, 'https://example.com/')).toThrow(/out of range/);
    });
  });
});
