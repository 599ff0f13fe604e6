import {
  classifyAddress,
  invalidAllowEntries,
  isRefusedAddress,
  OutboundHostPolicy,
  OutboundHostRefusedError,
  tlsServername,
  type AddressKind,
  type HostResolver,
} from '../../src/mail/outbound-host-policy';

/** A resolver answering from a table, counting its lookups; unknown names fail as getaddrinfo does. */
function tableResolver(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve: HostResolver = (host) => {
    asked.push(host);
    const addresses = table[host];
    if (!addresses)
      return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(addresses);
  };
  return { resolve, asked };
}

const refusal = async (promise: Promise<unknown>): Promise<OutboundHostRefusedError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutboundHostRefusedError) return error;
    throw error;
  }
  throw new Error('expected the host to be refused');
};

describe('classifyAddress', () => {
  it.each<[string, AddressKind]>([
    // IPv4 metadata and link-local
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['169.254.170.23', 'metadata'],
    ['169.254.0.23', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['192.0.0.192', 'metadata'],
    ['169.254.0.0', 'link-local'],
    ['169.254.255.255', 'link-local'],
    ['169.253.255.255', 'public'],
    ['169.255.0.0', 'public'],
    // unspecified, broadcast, multicast
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.0', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['223.255.255.255', 'public'],
    ['240.0.0.0', 'reserved'],
    ['255.255.255.254', 'reserved'],
    // loopback and private, with their edges
    ['127.0.0.1', 'loopback'],
    ['127.255.255.255', 'loopback'],
    ['126.255.255.255', 'public'],
    ['128.0.0.0', 'public'],
    ['10.0.0.0', 'private'],
    ['10.255.255.255', 'private'],
    ['11.0.0.0', 'public'],
    ['9.255.255.255', 'public'],
    ['172.16.0.0', 'private'],
    ['172.31.255.255', 'private'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['192.168.0.0', 'private'],
    ['192.168.255.255', 'private'],
    ['192.167.255.255', 'public'],
    ['192.169.0.0', 'public'],
    ['100.64.0.0', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    // inet_aton forms getaddrinfo accepts: the same addresses
    ['2852039166', 'metadata'],
    ['0xa9fea9fe', 'metadata'],
    ['0251.0376.0251.0376', 'metadata'],
    ['169.254.43518', 'metadata'],
    ['0x7f.1', 'loopback'],
    ['017700000001', 'loopback'],
    ['0', 'unspecified'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fd00:ec2::254', 'metadata'],
    ['FD00:EC2:0:0:0:0:0:254', 'metadata'],
    ['fd00:ec2::23', 'metadata'],
    ['fd20:ce::254', 'metadata'],
    ['fe80::a9fe:a9fe', 'metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fec0::1', 'private'],
    ['fc00::', 'private'],
    ['fdff:ffff::1', 'private'],
    ['fbff:ffff::1', 'public'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    // IPv4 inside IPv6: judged by the IPv4 address
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:224.0.0.1', 'multicast'],
    ['::ffff:255.255.255.255', 'broadcast'],
    ['::ffff:8.8.8.8', 'public'],
    ['::169.254.169.254', 'metadata'],
    ['::ffff:0:169.254.1.1', 'link-local'],
    ['64:ff9b::169.254.169.254', 'metadata'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b:1::a9fe:a9fe', 'metadata'],
    ['2002:a9fe:a9fe::1', 'metadata'],
    ['2002:0808:0808::1', 'public'],
  ])('%s is %s', (ip, kind) => {
    expect(classifyAddress(ip)).toBe(kind);
  });

  it('when given a host name or a malformed address, then it throws', () => {
    for (const text of ['mail.example.com', '1.2.3.4.5', '256.1.1.1', '1..2', 'fe80:::1', '']) {
      expect(() => classifyAddress(text)).toThrow(TypeError);
    }
  });
});

describe('isRefusedAddress', () => {
  it.each<[string, boolean, boolean]>([
    // address, refused by default, refused under public-only
    ['169.254.169.254', true, true],
    ['::ffff:169.254.169.254', true, true],
    ['100.100.100.200', true, true],
    ['169.254.1.1', true, true],
    ['fe80::1', true, true],
    ['0.0.0.0', true, true],
    ['::', true, true],
    ['224.0.0.251', true, true],
    ['ff02::fb', true, true],
    ['255.255.255.255', true, true],
    ['127.0.0.1', false, true],
    ['::1', false, true],
    ['::ffff:127.0.0.1', false, true],
    ['10.0.0.5', false, true],
    ['172.20.1.1', false, true],
    ['192.168.1.10', false, true],
    ['100.64.0.1', false, true],
    ['fd12:3456::1', false, true],
    ['192.0.2.10', false, true],
    ['8.8.8.8', false, false],
    ['2a00:1450:4001::1b', false, false],
  ])('%s: refused by default %s, under public-only %s', (ip, byDefault, publicOnly) => {
    expect(isRefusedAddress(ip)).toBe(byDefault);
    expect(isRefusedAddress(ip, 'default')).toBe(byDefault);
    expect(isRefusedAddress(ip, 'public-only')).toBe(publicOnly);
  });
});

describe('OutboundHostPolicy.vet', () => {
  const table = {
    'mail.example.com': ['93.184.215.14'],
    'dual.example.com': ['2606:2800:21f::1', '93.184.215.14'],
    'sneaky.example.com': ['93.184.215.14', '169.254.169.254'],
    'relay.internal': ['10.0.0.25'],
    localhost: ['127.0.0.1', '::1'],
    'rebind.example.com': ['::ffff:169.254.169.254'],
    empty: [],
  };

  it('when a name resolves to public addresses, then the first is answered and the name looked up once', async () => {
    const resolver = tableResolver(table);
    const policy = new OutboundHostPolicy({ mode: 'public-only', allow: [] }, resolver.resolve);
    expect(await policy.vet('Mail.Example.com.')).toBe('93.184.215.14');
    expect(await policy.vet('dual.example.com')).toBe('2606:2800:21f::1');
    expect(resolver.asked).toEqual(['mail.example.com', 'dual.example.com']);
  });

  it('when ANY address of a name is refused, then the name is refused, naming the address and the variable', async () => {
    const policy = new OutboundHostPolicy({ mode: 'default', allow: [] }, tableResolver(table).resolve);
    const error = await refusal(policy.vet('sneaky.example.com'));
    expect(error).toMatchObject({ host: 'sneaky.example.com', address: '169.254.169.254', kind: 'metadata' });
    expect(error.message).toBe(
      'sneaky.example.com resolves to 169.254.169.254, a cloud metadata address: mail connections there are ' +
        "refused. Use the mail server's public host name; if this server is yours, the operator can allow it with " +
        'OUTBOUND_ALLOW=169.254.169.254',
    );
    const mapped = await refusal(policy.vet('rebind.example.com'));
    expect(mapped).toMatchObject({ address: '169.254.169.254', kind: 'metadata' });
  });

  it('when an IP literal is given, then it is judged as is, without a lookup', async () => {
    const resolver = tableResolver(table);
    const policy = new OutboundHostPolicy({ mode: 'default', allow: [] }, resolver.resolve);
    expect(await policy.vet('127.0.0.1')).toBe('127.0.0.1');
    expect(await policy.vet('[2606:4700:4700::1111]')).toBe('2606:4700:4700::1111');
    expect(await policy.vet('0x08080808')).toBe('8.8.8.8');
    const error = await refusal(policy.vet('169.254.169.254'));
    expect(error.message).toMatch(
      /^169\.254\.169\.254 is a cloud metadata address: mail connections there are refused/,
    );
    const decimal = await refusal(policy.vet('2852039166'));
    expect(decimal.message).toMatch(/^2852039166 is 169\.254\.169\.254, a cloud metadata address/);
    await refusal(policy.vet('[::ffff:169.254.169.254]'));
    await refusal(policy.vet('0.0.0.0'));
    expect(resolver.asked).toEqual([]);
  });

  it('when the mode is default, then loopback and private addresses are allowed', async () => {
    const policy = new OutboundHostPolicy({ mode: 'default', allow: [] }, tableResolver(table).resolve);
    expect(await policy.vet('localhost')).toBe('127.0.0.1');
    expect(await policy.vet('relay.internal')).toBe('10.0.0.25');
  });

  it('when the mode is public-only, then loopback and private addresses are refused, naming both variables', async () => {
    const policy = new OutboundHostPolicy({ mode: 'public-only', allow: [] }, tableResolver(table).resolve);
    const error = await refusal(policy.vet('localhost'));
    expect(error).toMatchObject({ address: '127.0.0.1', kind: 'loopback' });
    expect(error.message).toContain('refused under OUTBOUND_HOSTS=public-only');
    expect(error.message).toContain('OUTBOUND_ALLOW=127.0.0.1 (or OUTBOUND_HOSTS=default)');
    await refusal(policy.vet('relay.internal'));
    await refusal(policy.vet('192.168.1.1'));
  });

  it('when OUTBOUND_ALLOW names an address, a network or a host, then it is allowed whatever the mode', async () => {
    const resolver = tableResolver(table);
    const policy = new OutboundHostPolicy(
      { mode: 'public-only', allow: ['10.0.0.0/8', '127.0.0.1', 'Relay.Internal', 'fd00::/8'] },
      resolver.resolve,
    );
    expect(await policy.vet('10.200.0.1')).toBe('10.200.0.1');
    expect(await policy.vet('relay.internal')).toBe('10.0.0.25');
    expect(await policy.vet('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(await policy.vet('fd12::1')).toBe('fd12::1');
    // localhost also resolves to ::1, which no entry allows.
    expect(await refusal(policy.vet('localhost'))).toMatchObject({ address: '::1', kind: 'loopback' });
    expect(await policy.vet('11.0.0.1')).toBe('11.0.0.1');
    await refusal(policy.vet('192.168.0.1'));
  });

  it('when the allowed network is at its boundary, then the next address is not allowed', async () => {
    const policy = new OutboundHostPolicy({ mode: 'public-only', allow: ['192.168.4.0/23'] });
    expect(await policy.vet('192.168.4.0')).toBe('192.168.4.0');
    expect(await policy.vet('192.168.5.255')).toBe('192.168.5.255');
    await refusal(policy.vet('192.168.3.255'));
    await refusal(policy.vet('192.168.6.0'));
  });

  it('when the host is a cloud metadata name, then it is refused before any lookup unless allowed', async () => {
    const resolver = tableResolver({ 'metadata.google.internal': ['169.254.169.254'] });
    const policy = new OutboundHostPolicy({ mode: 'default', allow: [] }, resolver.resolve);
    for (const host of ['metadata.google.internal', 'METADATA', 'metadata.google.internal.', 'instance-data']) {
      expect(await refusal(policy.vet(host))).toMatchObject({ address: null, kind: 'metadata' });
    }
    expect(resolver.asked).toEqual([]);
    const allowing = new OutboundHostPolicy({ mode: 'default', allow: ['metadata.google.internal'] }, resolver.resolve);
    expect(await allowing.vet('metadata.google.internal')).toBe('169.254.169.254');
  });

  it('when the lookup fails or finds nothing, then its error is thrown unchanged (an outage, not a refusal)', async () => {
    const policy = new OutboundHostPolicy({ mode: 'default', allow: [] }, tableResolver(table).resolve);
    await expect(policy.vet('nowhere.example')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(policy.vet('empty')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('when the system resolver is used, then localhost resolves and is judged by its addresses', async () => {
    expect(['127.0.0.1', '::1']).toContain(
      await new OutboundHostPolicy({ mode: 'default', allow: [] }).vet('localhost'),
    );
    await refusal(new OutboundHostPolicy({ mode: 'public-only', allow: [] }).vet('localhost'));
  });
});

describe('OutboundHostPolicy.refusalWithoutLookup', () => {
  const policy = new OutboundHostPolicy({ mode: 'default', allow: ['169.254.10.0/24'] });

  it('when the host is an IP literal in a refused range or a metadata name, then it says why', () => {
    expect(policy.refusalWithoutLookup('169.254.169.254')).toMatch(/^169\.254\.169\.254 is a cloud metadata address/);
    expect(policy.refusalWithoutLookup('[fd00:ec2::254]')).toMatch(/^fd00:ec2::254 is a cloud metadata address/);
    expect(policy.refusalWithoutLookup('::ffff:169.254.169.254')).toMatch(
      /^::ffff:169\.254\.169\.254 is 169\.254\.169\.254, a cloud metadata address/,
    );
    expect(policy.refusalWithoutLookup('metadata.google.internal')).toMatch(/is a cloud metadata host name/);
    expect(policy.refusalWithoutLookup('metadata')).toMatch(/OUTBOUND_ALLOW=metadata$/);
  });

  it('when the host is a name, allowed, or an address the mode allows, then there is nothing to say yet', () => {
    for (const host of ['smtp.example.com', '127.0.0.1', '10.0.0.1', '169.254.10.7', 'localhost']) {
      expect(policy.refusalWithoutLookup(host)).toBeNull();
    }
    expect(new OutboundHostPolicy({ mode: 'public-only', allow: [] }).refusalWithoutLookup('10.0.0.1')).toMatch(
      /private-network address: mail connections there are refused under OUTBOUND_HOSTS=public-only/,
    );
  });
});

describe('invalidAllowEntries and tlsServername', () => {
  it('when entries are addresses, networks or names, then none is invalid; others are listed', () => {
    expect(
      invalidAllowEntries(['10.0.0.25', '10.20.0.0/16', '[fd00::1]', 'fd00::/8', 'relay.internal', 'relay']),
    ).toEqual([]);
    expect(
      invalidAllowEntries(['10.0.0.0/33', '::/129', 'bad host', '010.1', '2130706433', 'relay/8', '1.2.3.4/8/8', '-x']),
    ).toEqual(['10.0.0.0/33', '::/129', 'bad host', '010.1', '2130706433', 'relay/8', '1.2.3.4/8/8', '-x']);
  });

  it('when the host is a name, then TLS checks that name; for an IP address, no servername is sent', () => {
    expect(tlsServername('IMAP.Example.com.')).toBe('imap.example.com');
    expect(tlsServername('127.0.0.1')).toBeUndefined();
    expect(tlsServername('[::1]')).toBeUndefined();
  });

  it('when an allow entry is invalid, then the policy refuses to be built', () => {
    expect(() => new OutboundHostPolicy({ mode: 'default', allow: ['not a host'] })).toThrow(/OUTBOUND_ALLOW/);
  });
});
