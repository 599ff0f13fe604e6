import { normalizeEmail } from '../../src/domain/contacts/email';

describe('normalizeEmail', () => {
  describe('when the address is valid', () => {
    it('then surrounding whitespace is trimmed', () => {
      expect(normalizeEmail('  ann@example.com \n')).toBe('ann@example.com');
    });

    it('then the domain is lower-cased but the local part is kept as written', () => {
      expect(normalizeEmail('Ann.Smith@Example.COM')).toBe('Ann.Smith@example.com');
    });

    it('then an internationalized domain is converted to punycode', () => {
      expect(normalizeEmail('user@bücher.example')).toBe('user@xn--bcher-kva.example');
    });

    it('then an upper-case internationalized domain is lower-cased before conversion', () => {
      expect(normalizeEmail('user@BÜCHER.example')).toBe('user@xn--bcher-kva.example');
    });

    it('then an already-punycoded domain is left as is', () => {
      expect(normalizeEmail('user@xn--bcher-kva.example')).toBe('user@xn--bcher-kva.example');
    });

    it.each([
      ['plus-addressing', 'ann+newsletter@example.com'],
      ['subdomains', 'ann@mail.eu.example.co.uk'],
      ['a dotted local part', 'ann.b.smith@example.com'],
      ['a hyphenated domain', 'ann@my-company.example'],
      ['a 64-character local part', `${'a'.repeat(64)}@example.com`],
      ['a UTF-8 local part', 'üser@example.com'],
    ])('then an address with %s is accepted unchanged', (_case, address) => {
      expect(normalizeEmail(address)).toBe(address);
    });
  });

  describe('when the address is not usable', () => {
    it.each([
      ['there is no @', 'ann.example.com'],
      ['the local part is empty', '@example.com'],
      ['the domain is empty', 'ann@'],
      ['the domain has a single label', 'ann@localhost'],
      ['the local part has a double dot', 'ann..smith@example.com'],
      ['the local part starts with a dot', '.ann@example.com'],
      ['the local part ends with a dot', 'ann.@example.com'],
      ['the local part contains a space', 'ann smith@example.com'],
      ['the domain contains a space', 'ann@exam ple.com'],
      ['the local part is longer than 64 characters', `${'a'.repeat(65)}@example.com`],
      ['the top-level domain is numeric', 'ann@example.123'],
      ['the domain is an IPv4 address', 'ann@192.168.0.1'],
      ['the domain has an empty label', 'ann@example..com'],
      ['a domain label starts with a hyphen', 'ann@-example.com'],
      ['the local part is quoted', '"ann"@example.com'],
      ['the input is empty', ''],
      ['the input is only whitespace', '   '],
    ])('then it is rejected when %s', (_case, address) => {
      expect(normalizeEmail(address)).toBeNull();
    });
  });
});
