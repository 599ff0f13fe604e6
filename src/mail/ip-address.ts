import { BlockList, isIPv6 } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  bytes: number[];
}

/** What an address is, as far as deciding whether mail connections may go there. */
export type AddressKind =
  | 'public'
  | 'metadata'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'reserved';

/**
 * The ranges of each kind but `public`, in the order they are tried: the first that holds an address names it
 * (metadata addresses lie in other ranges, the broadcast address in the former class E). An IPv4 range also holds the
 * IPv4-mapped IPv6 form of its addresses (`::ffff:a.b.c.d`): BlockList matches them.
 *
 * Metadata: instance metadata and platform services, which hand out credentials or configuration to whatever can
 * reach them. Most are link-local anyway; those that are not (Alibaba, Azure's WireServer, Oracle's legacy address)
 * are the reason the kind exists.
 */
const RANGES = (
  [
    [
      'metadata',
      [
        '169.254.169.254', // AWS, GCP, Azure, Oracle, OpenStack, DigitalOcean, Hetzner… (IMDS)
        '169.254.170.2', // AWS ECS task metadata and credentials
        '169.254.170.23', // AWS EKS Pod Identity agent
        '169.254.0.23', // Tencent Cloud (metadata.tencentyun.com)
        '100.100.100.200', // Alibaba Cloud
        '168.63.129.16', // Azure WireServer (platform agent, extension settings)
        '192.0.0.192', // Oracle Cloud, legacy
        'fd00:ec2::254', // AWS IMDS over IPv6 (Nitro)
        'fd00:ec2::23', // AWS EKS Pod Identity agent over IPv6
        'fd20:ce::254', // GCP metadata server for IPv6-only instances
        'fe80::a9fe:a9fe', // OpenStack metadata over IPv6
      ],
    ],
    ['unspecified', ['0.0.0.0/8', '::/128']], // 0.0.0.0/8, "this network": 0.0.0.0 reaches the host itself on Linux
    ['broadcast', ['255.255.255.255/32']],
    ['loopback', ['127.0.0.0/8', '::1/128']],
    ['link-local', ['169.254.0.0/16', 'fe80::/10']],
    ['multicast', ['224.0.0.0/4', 'ff00::/8']],
    ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fec0::/10']], // unique and site-local
    ['shared', ['100.64.0.0/10']], // RFC 6598 carrier-grade NAT
    [
      'reserved',
      [
        '240.0.0.0/4', // former class E
        '192.0.0.0/24', // IETF protocol assignments
        '192.0.2.0/24', // TEST-NET-1
        '192.88.99.0/24', // 6to4 relay anycast (deprecated)
        '198.18.0.0/15', // benchmarking
        '198.51.100.0/24', // TEST-NET-2
        '203.0.113.0/24', // TEST-NET-3
        '2001:db8::/32', // documentation
        '100::/64', // discard-only
      ],
    ],
  ] satisfies [Exclude<AddressKind, 'public'>, string[]][]
).map(([kind, networks]) => ({ kind, networks: blockListOf(networks) }));

/**
 * Parses an IP literal as a connection would read it, or null for a host name. IPv4 also in the forms `inet_aton`
 * (and so `getaddrinfo`) accepts — `2852039166`, `0xa9fea9fe`, `0251.0376.0251.0376`, `169.254.43518` — because they
 * connect to the same address; IPv6 also in brackets or with a zone (`fe80::1%eth0`).
 */
export function parseIpLiteral(text: string): IpAddress | null {
  const trimmed = text.trim();
  const unbracketed = /^\[(.*)\]$/.exec(trimmed)?.[1] ?? trimmed;
  const withoutZone = unbracketed.replace(/%[^%]*$/, '');
  if (withoutZone.includes(':')) return isIPv6(withoutZone) ? parseIpv6(withoutZone) : null;
  return parseIpv4(trimmed);
}

/** The canonical text of an address: dotted quad, or RFC 5952-ish IPv6 (lowercase, zeros compressed). */
export function formatIp(address: IpAddress): string {
  if (address.family === 4) return address.bytes.join('.');
  const groups = [];
  for (let index = 0; index < 16; index += 2) groups.push((address.bytes[index]! << 8) | address.bytes[index + 1]!);
  let best = { start: -1, length: 0 };
  for (let start = 0; start < 8;) {
    let end = start;
    while (end < 8 && groups[end] === 0) end++;
    if (end - start > best.length && end - start > 1) best = { start, length: end - start };
    start = end === start ? start + 1 : end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** Sorts an address into the kinds the outbound host policy refuses or allows. */
export function kindOf(address: IpAddress): AddressKind {
  const text = formatIp(address);
  const type = address.family === 4 ? 'ipv4' : 'ipv6';
  const range = RANGES.find(({ networks }) => networks.check(text, type));
  if (range) return range.kind;
  // A form that carries an IPv4 address reaches (or is translated to) it: judged by it. No range above holds one
  // but `::` and `::1`, which are what the table says.
  const embedded = address.family === 6 ? embeddedIpv4(address.bytes) : null;
  return embedded ? kindOf(embedded) : 'public';
}

/**
 * Whether `address` lies in the network `network`/`prefix` (an IPv4-mapped IPv6 address counts as its IPv4). Not
 * BlockList.check: it also finds an IPv4 address in an IPv6 network holding its mapped form, so an allowed `::/0`
 * would allow every IPv4 address.
 */
export function inNetwork(address: IpAddress, network: IpAddress, prefix: number): boolean {
  const candidate = network.family === 4 ? unmapped(address) : address;
  if (candidate.family !== network.family) return false;
  return startsWith(candidate.bytes, network.bytes, prefix);
}

/** Addresses (`a.b.c.d`, `fe80::1`) and CIDR networks (`10.0.0.0/8`), as a BlockList. */
function blockListOf(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [network = '', prefix] = entry.split('/');
    const type = isIPv6(network) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(network, type);
    else list.addSubnet(network, Number(prefix), type);
  }
  return list;
}

/** The IPv4 address inside an IPv4-mapped, IPv4-compatible, SIIT-translated, NAT64 or 6to4 address. */
function embeddedIpv4(bytes: number[]): IpAddress | null {
  const last32 = (): IpAddress => ({ family: 4, bytes: bytes.slice(12) });
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return last32(); // ::ffff:a.b.c.d
  if (zeros(0, 12)) return last32(); // ::a.b.c.d (deprecated IPv4-compatible)
  if (zeros(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zeros(10, 12)) return last32(); // ::ffff:0:a.b.c.d
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b], 32) && zeros(4, 12)) return last32(); // 64:ff9b::/96
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48)) return last32(); // 64:ff9b:1::/48
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return { family: 4, bytes: bytes.slice(2, 6) }; // 2002::/16, 6to4
  return null;
}

/** An IPv4-mapped IPv6 address as the IPv4 address it is (connectable without IPv6); any other as is. */
export function unmapped(address: IpAddress): IpAddress {
  return address.family === 6 ? (mappedIpv4(address) ?? address) : address;
}

function mappedIpv4(address: IpAddress): IpAddress | null {
  const { bytes } = address;
  const mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? { family: 4, bytes: bytes.slice(12) } : null;
}

function startsWith(bytes: number[], prefixBytes: number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const index = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[index] ?? 0) & mask) !== ((prefixBytes[index] ?? 0) & mask)) return false;
  }
  return true;
}

/** `inet_aton`: one to four parts, each decimal, `0x` hex or `0` octal; the last part fills the remaining bytes. */
function parseIpv4(text: string): IpAddress | null {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    const value = /^0x[0-9a-f]*$/i.test(part)
      ? parseInt(part.slice(2) || '0', 16)
      : /^0[0-7]*$/.test(part)
        ? parseInt(part, 8)
        : /^[1-9][0-9]*$/.test(part)
          ? Number(part)
          : NaN;
    if (!Number.isSafeInteger(value)) return null;
    values.push(value);
  }
  const last = values.pop()!;
  if (values.some((value) => value > 255) || last >= 256 ** (4 - values.length)) return null;
  const bytes = [...values];
  for (let shift = (3 - values.length) * 8; shift >= 0; shift -= 8) bytes.push(Math.floor(last / 2 ** shift) % 256);
  return { family: 4, bytes };
}

/** A valid IPv6 literal (checked by the caller) to its 16 bytes. */
function parseIpv6(text: string): IpAddress {
  let source = text.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(source);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    source = `${source.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = source.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  return { family: 6, bytes: groups.flatMap((group) => [parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff]) };
}
