import crypto from 'node:crypto';
import { SecretBox } from '../../src/crypto/secret-box';

const randomKey = (): string => crypto.randomBytes(32).toString('hex');

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = bytes[0]! ^ 0xff;
  return bytes.toString('base64');
}

describe('SecretBox', () => {
  describe('when a secret is encrypted and decrypted with the same key', () => {
    it.each([
      ['a password', 'hunter2-smtp-password'],
      ['an empty string', ''],
      ['unicode text', 'pässwörd 🔐 пароль'],
    ])('then %s comes back unchanged', (_case, plaintext) => {
      const box = new SecretBox(randomKey());

      expect(box.decrypt(box.encrypt(plaintext))).toBe(plaintext);
    });

    it('then an upper-case hex key works the same as lower-case', () => {
      const key = randomKey();

      const sealed = new SecretBox(key.toUpperCase()).encrypt('secret');

      expect(new SecretBox(key).decrypt(sealed)).toBe('secret');
    });
  });

  describe('when the same text is encrypted twice', () => {
    it('then the ciphertexts differ (random IV) and neither contains the plaintext', () => {
      const box = new SecretBox(randomKey());

      const first = box.encrypt('same secret');
      const second = box.encrypt('same secret');

      expect(first).not.toBe(second);
      expect(first).not.toContain('same secret');
      expect(box.decrypt(first)).toBe(box.decrypt(second));
    });

    it('then the output is versioned as v1:iv:tag:ciphertext', () => {
      const sealed = new SecretBox(randomKey()).encrypt('secret');

      expect(sealed.split(':')).toHaveLength(4);
      expect(sealed.startsWith('v1:')).toBe(true);
    });
  });

  describe('when the sealed value has been tampered with', () => {
    it('then a modified ciphertext is refused', () => {
      const box = new SecretBox(randomKey());
      const [version, iv, tag, ciphertext] = box.encrypt('transfer 100').split(':');

      const tampered = [version, iv, tag, flipFirstByte(ciphertext!)].join(':');

      expect(() => box.decrypt(tampered)).toThrow();
    });

    it('then a modified authentication tag is refused', () => {
      const box = new SecretBox(randomKey());
      const [version, iv, tag, ciphertext] = box.encrypt('secret').split(':');

      expect(() => box.decrypt([version, iv, flipFirstByte(tag!), ciphertext].join(':'))).toThrow();
    });

    it('then an unknown version or missing part is refused', () => {
      const box = new SecretBox(randomKey());
      const [, iv, tag, ciphertext] = box.encrypt('secret').split(':');

      expect(() => box.decrypt(['v2', iv, tag, ciphertext].join(':'))).toThrow('Unrecognised ciphertext.');
      expect(() => box.decrypt(`v1:${iv}`)).toThrow('Unrecognised ciphertext.');
    });

    // Known bug (see report): the decipher does not pin authTagLength, so a tag cut down to 4 bytes still verifies.
    it('then a truncated authentication tag is refused', () => {
      const box = new SecretBox(randomKey());
      const [version, iv, tag, ciphertext] = box.encrypt('secret').split(':');
      const shortTag = Buffer.from(tag!, 'base64').subarray(0, 4).toString('base64');

      expect(() => box.decrypt([version, iv, shortTag, ciphertext].join(':'))).toThrow();
    });
  });

  describe('when decrypting with another key', () => {
    it('then decryption fails', () => {
      const sealed = new SecretBox(randomKey()).encrypt('secret');

      expect(() => new SecretBox(randomKey()).decrypt(sealed)).toThrow();
    });
  });

  describe('when the key is not 32 bytes', () => {
    it.each([
      ['too short', 'ab'.repeat(16)],
      ['too long', 'ab'.repeat(33)],
      ['empty', ''],
      ['not hex', 'zz'.repeat(32)],
    ])('then the constructor rejects a key that is %s', (_case, key) => {
      expect(() => new SecretBox(key)).toThrow('SecretBox needs a 32-byte key (64 hex characters).');
    });
  });

  describe('when the key has more than 64 hex characters or trailing garbage', () => {
    it.each([
      ['65 hex characters', 'a'.repeat(65)],
      ['64 hex characters then "zz"', `${'a'.repeat(64)}zz`],
    ])('then the constructor rejects %s', (_case, key) => {
      expect(() => new SecretBox(key)).toThrow('SecretBox needs a 32-byte key (64 hex characters).');
    });
  });
});
