import { displayPrefix, generateApiKey, hashApiKey } from '../../src/domain/organizations/api-keys';

describe('API keys', () => {
  describe('when a key is generated', () => {
    it('then it starts with sq_ and carries 32 random bytes in base64url', () => {
      const key = generateApiKey();

      expect(key).toMatch(/^sq_[A-Za-z0-9_-]{43}$/);
    });

    it('then every key is different', () => {
      const keys = Array.from({ length: 200 }, () => generateApiKey());

      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  describe('when a key is hashed', () => {
    it('then the hash is the hex SHA-256 of the key', () => {
      expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    });

    it('then hashing the same key twice gives the same hash', () => {
      const key = generateApiKey();

      expect(hashApiKey(key)).toBe(hashApiKey(key));
    });

    it('then different keys give different hashes and the hash does not contain the key', () => {
      const key = generateApiKey();
      const hash = hashApiKey(key);

      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(hash).not.toBe(hashApiKey(generateApiKey()));
      expect(hash).not.toContain(key.slice(3));
    });
  });

  describe('when a key is shown again later', () => {
    it('then only its first 10 characters are displayed', () => {
      const key = generateApiKey();

      const prefix = displayPrefix(key);

      expect(prefix).toHaveLength(10);
      expect(key.startsWith(prefix)).toBe(true);
      expect(prefix.startsWith('sq_')).toBe(true);
    });
  });
});
