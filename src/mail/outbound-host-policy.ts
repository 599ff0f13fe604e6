import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { formatIp, inNetwork, kindOf, parseIpLiteral, unmapped, type AddressKind, type IpAddress } from './ip-address';

export type { AddressKind } from './ip-address';

/**
 * `default`: refuse what is never a mail server (link-local, cloud metadata, unspecified, multicast, broadcast);
 * `public-only`: also refuse loopback, private, carrier-grade NAT and reserved ranges, for multi-tenant deployments.
 */
export const OUTBOUND_HOST_MODES = ['default', 'public-only'] as const;
export type OutboundHostMode = (typeof OUTBOUND_HOST_MODES)[number];

export interface OutboundHostSettings {
  mode: OutboundHostMode;
  /** Always allowed, whatever the mode: IP addresses, CIDR networks (`10.0.0.0/8`) and host names. */
  allow: string[];
}

/** The host's addresses (A and AAAA). Production asks the system resolver, as a connection would. */
export type HostResolver = (host: string) => Promise<string[]>;

const REFUSED_BY_MODE: Record<OutboundHostMode, ReadonlySet<AddressKind>> = {
  default: new Set(['metadata', 'link-local', 'unspecified', 'multicast', 'broadcast']),
  'public-only': new Set([
    'metadata',
    'link-local',
    'unspecified',
    'multicast',
    'broadcast',
    'loopback',
    'private',
    'shared',
    'reserved',
  ]),
};

/** Names that reach a metadata service without DNS saying so (search domains, /etc/hosts on cloud images). */
const METADATA_HOST_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
]);

const KIND_DESCRIPTIONS: Record<Exclude<AddressKind, 'public'>, string> = {
  metadata: 'a cloud metadata address',
  'link-local': 'a link-local address',
  unspecified: 'an unspecified address (0.0.0.0/8 or ::)',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  loopback: 'a loopback address',
  private: 'a private-network address',
  shared: 'a carrier-grade NAT address (100.64.0.0/10)',
  reserved: 'a reserved or documentation address',
};

/** What an IP address (any form `parseIpLiteral` reads) is; throws on a host name. */
export function classifyAddress(ip: string): AddressKind {
  const address = parseIpLiteral(ip);
  if (!address) throw new TypeError(`not an IP address: ${ip}`);
  return kindOf(address);
}

/** Whether `mode` refuses connections to this IP address (before any OUTBOUND_ALLOW entry). */
export function isRefusedAddress(ip: string, mode: OutboundHostMode = 'default'): boolean {
  return REFUSED_BY_MODE[mode].has(classifyAddress(ip));
}

/** OUTBOUND_ALLOW entries that are neither an IP address, a CIDR network nor a host name (for config validation). */
export function invalidAllowEntries(entries: string[]): string[] {
  return entries.filter((entry) => parseAllowEntry(entry) === null);
}

/** A mail connection to this host is refused by the outbound host policy; retrying will not help. */
export class OutboundHostRefusedError extends Error {
  override name = 'OutboundHostRefusedError';

  constructor(
    readonly host: string,
    /** The address it resolved to; null when the name itself is refused (a metadata host name). */
    readonly address: string | null,
    readonly kind: Exclude<AddressKind, 'public'>,
  ) {
    super(refusalMessage(host, address, kind));
  }
}

/**
 * Decides which hosts tenant-given SMTP and IMAP settings may connect to. `vet` resolves once and answers the address
 * to connect to: callers connect to that address (TLS keeps the host name as servername), so a second DNS answer
 * (DNS rebinding) cannot lead the connection somewhere the check did not see.
 */
export class OutboundHostPolicy {
  private readonly refused: ReadonlySet<AddressKind>;
  private readonly allowedNetworks: { network: IpAddress; prefix: number }[] = [];
  private readonly allowedHosts = new Set<string>();

  constructor(
    settings: OutboundHostSettings,
    private readonly resolve: HostResolver = resolveWithSystem,
  ) {
    this.refused = REFUSED_BY_MODE[settings.mode];
    for (const entry of settings.allow) {
      const rule = parseAllowEntry(entry);
      if (!rule) throw new Error(`OUTBOUND_ALLOW: not an IP address, CIDR network or host name: ${entry}`);
      if (rule.kind === 'host') this.allowedHosts.add(rule.host);
      else this.allowedNetworks.push(rule);
    }
  }

  /**
   * The address to connect to for `host`: an IP literal as is, a name resolved (A and AAAA) and refused if ANY of
   * its addresses is. Throws OutboundHostRefusedError when refused; a failed lookup's error (ENOTFOUND, EAI_AGAIN…)
   * is thrown unchanged.
   */
  async vet(host: string): Promise<string> {
    const name = normalizeHost(host);
    const literal = parseIpLiteral(name);
    if (literal) {
      this.check(host, literal);
      return connectable(literal);
    }
    const allowedByName = this.allowedHosts.has(name);
    if (!allowedByName && METADATA_HOST_NAMES.has(name)) {
      throw new OutboundHostRefusedError(host, null, 'metadata');
    }
    const resolved = await this.resolve(name);
    const addresses = resolved.map((text) => parseIpLiteral(text)).filter((address) => address !== null);
    if (addresses.length === 0) {
      throw Object.assign(new Error(`${name} has no A or AAAA record`), { code: 'ENOTFOUND', hostname: name });
    }
    if (!allowedByName) for (const address of addresses) this.check(host, address);
    return connectable(addresses[0]!);
  }

  /**
   * Why `host` is refused before any lookup — an IP literal in a refused range, or a metadata host name — or null
   * (a host name is judged when connecting, by what it resolves to then). For validating settings as they are saved.
   */
  refusalWithoutLookup(host: string): string | null {
    const name = normalizeHost(host);
    const literal = parseIpLiteral(name);
    if (literal) {
      const kind = this.refusedKind(literal);
      return kind ? refusalMessage(host, connectable(literal), kind) : null;
    }
    if (METADATA_HOST_NAMES.has(name) && !this.allowedHosts.has(name)) {
      return refusalMessage(host, null, 'metadata');
    }
    return null;
  }

  private check(host: string, address: IpAddress): void {
    const kind = this.refusedKind(address);
    if (kind) throw new OutboundHostRefusedError(host, connectable(address), kind);
  }

  private refusedKind(address: IpAddress): Exclude<AddressKind, 'public'> | null {
    const kind = kindOf(address);
    if (kind === 'public' || !this.refused.has(kind)) return null;
    if (this.allowedNetworks.some(({ network, prefix }) => inNetwork(address, network, prefix))) return null;
    return kind;
  }
}

/** The TLS servername (SNI and certificate check) for a connection to `host`'s vetted address: none for an IP. */
export function tlsServername(host: string): string | undefined {
  const name = normalizeHost(host);
  return parseIpLiteral(name) ? undefined : name;
}

/** Why the host is refused and who can allow it: the kinds only `public-only` refuses name that mode too. */
function refusalMessage(host: string, address: string | null, kind: Exclude<AddressKind, 'public'>): string {
  const what =
    address === null
      ? `${host} is a cloud metadata host name`
      : normalizeHost(host).replace(/^\[(.*)\]$/, '$1') === address
        ? `${address} is ${KIND_DESCRIPTIONS[kind]}`
        : `${host} ${parseIpLiteral(normalizeHost(host)) ? 'is' : 'resolves to'} ${address}, ${KIND_DESCRIPTIONS[kind]}`;
  const byMode = REFUSED_BY_MODE.default.has(kind) ? '' : ' under OUTBOUND_HOSTS=public-only';
  const entry = address ?? normalizeHost(host);
  return (
    `${what}: mail connections there are refused${byMode}. Use the mail server's public host name; ` +
    `if this server is yours, the operator can allow it with OUTBOUND_ALLOW=${entry}` +
    (byMode ? ' (or OUTBOUND_HOSTS=default)' : '')
  );
}

type AllowRule = { kind: 'host'; host: string } | { kind: 'network'; network: IpAddress; prefix: number };

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

function parseAllowEntry(entry: string): AllowRule | null {
  const [base = '', prefixText, ...rest] = entry.trim().split('/');
  if (rest.length > 0) return null;
  const address = parseStrictIp(base);
  if (address) {
    const max = address.family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    return prefix >= 0 && prefix <= max ? { kind: 'network', network: address, prefix } : null;
  }
  const host = normalizeHost(base);
  // `010.1` or `2130706433` would be read as addresses when connecting: not names, and not in a usual form either.
  if (prefixText !== undefined || !HOST_NAME.test(host) || parseIpLiteral(host)) return null;
  return { kind: 'host', host };
}

/** Allow entries take addresses in their usual forms only: `010.1` is a typo, not 8.0.0.1. */
function parseStrictIp(text: string): IpAddress | null {
  const unbracketed = /^\[(.*)\]$/.exec(text)?.[1] ?? text;
  if (unbracketed.includes(':')) return parseIpLiteral(unbracketed);
  return isIPv4(unbracketed) ? parseIpLiteral(unbracketed) : null;
}

/** The text to connect to (and to name in messages): IPv4-mapped addresses as plain IPv4. */
function connectable(address: IpAddress): string {
  return formatIp(unmapped(address));
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

async function resolveWithSystem(host: string): Promise<string[]> {
  const records = await lookup(host, { all: true, verbatim: true });
  return records.map((record) => record.address);
}
