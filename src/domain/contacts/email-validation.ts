import { isDisposableDomain } from './disposable-domains';
import { normalizeEmail } from './email';
import { isRoleLocalPart } from './role-addresses';
import { mapConcurrently } from '../../concurrency';

/** What one DNS question got back. Expected failures are values: resolvers never throw for them. */
export type DnsLookup<T> =
  | { kind: 'found'; records: T[] }
  /** The name exists but has no record of this type (NOERROR, no data). */
  | { kind: 'no_records' }
  /** The name does not exist (NXDOMAIN). */
  | { kind: 'no_domain' }
  /** No definite answer (timeout, SERVFAIL, refused): worth asking again later. */
  | { kind: 'failed'; reason: string };

export interface MxRecord {
  exchange: string;
  priority: number;
}

/** The DNS questions validation asks; production answers them with `node:dns` (src/mail/dns.ts). */
export interface MailHostResolver {
  mx(domain: string): Promise<DnsLookup<MxRecord>>;
  addresses(domain: string, family: 4 | 6): Promise<DnsLookup<string>>;
}

export const EMAIL_CHECK_STATUSES = [
  'valid',
  'invalid_syntax',
  'nxdomain',
  'null_mx',
  'no_mail_host',
  'disposable',
  'unknown',
] as const;
export type EmailCheckStatus = (typeof EMAIL_CHECK_STATUSES)[number];

/** The verdict on one address, as stored on the contact. */
export interface EmailCheck {
  status: EmailCheckStatus;
  /** true for `valid`, false for a definite no, null when DNS gave no answer (`unknown`): left as it was. */
  valid: boolean | null;
  /** null when the address could not be parsed. */
  disposable: boolean | null;
  role: boolean | null;
  detail: string;
}

/** Whether a domain can receive mail, as far as DNS tells. */
export interface DomainVerdict {
  status: 'valid' | 'nxdomain' | 'null_mx' | 'no_mail_host' | 'unknown';
  detail: string;
}

/** Inconclusive attempts are retried after these delays; the attempt after the last one is the final one. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 60 * 60_000] as const;
export const MAX_CHECK_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** How long to wait after the `attempts`-th inconclusive attempt before asking again; null means give up. */
export function retryDelayAfter(attempts: number): number | null {
  return RETRY_DELAYS_MS[attempts - 1] ?? null;
}

/** Asks DNS where the domain's mail goes: MX records, else (RFC 5321 §5.1) its own A/AAAA address. */
export async function resolveMailHosts(resolver: MailHostResolver, domain: string): Promise<DomainVerdict> {
  const mx = await resolver.mx(domain);
  switch (mx.kind) {
    case 'found': {
      // RFC 7505: a single MX whose exchange is the root ("." or "") says the domain accepts no mail at all.
      const hosts = mx.records.filter((record) => record.exchange !== '' && record.exchange !== '.');
      if (hosts.length === 0) return { status: 'null_mx', detail: 'null MX (RFC 7505): the domain accepts no mail' };
      return { status: 'valid', detail: `MX ${describeMx(hosts)}` };
    }
    case 'no_domain':
      return { status: 'nxdomain', detail: `${domain} does not exist (NXDOMAIN)` };
    case 'failed':
      return { status: 'unknown', detail: `MX lookup failed: ${mx.reason}` };
    case 'no_records':
      break;
  }
  const [a, aaaa] = await Promise.all([resolver.addresses(domain, 4), resolver.addresses(domain, 6)]);
  for (const [type, lookup] of [
    ['A', a],
    ['AAAA', aaaa],
  ] as const) {
    if (lookup.kind === 'found') return { status: 'valid', detail: `no MX; ${type} ${lookup.records[0] ?? ''}`.trim() };
  }
  for (const [type, lookup] of [
    ['A', a],
    ['AAAA', aaaa],
  ] as const) {
    if (lookup.kind === 'failed')
      return { status: 'unknown', detail: `no MX; ${type} lookup failed: ${lookup.reason}` };
  }
  if (a.kind === 'no_domain' || aaaa.kind === 'no_domain') {
    return { status: 'nxdomain', detail: `${domain} does not exist (NXDOMAIN)` };
  }
  return { status: 'no_mail_host', detail: 'no MX, A or AAAA record' };
}

/**
 * Checks a batch of addresses: syntax, role and disposable flags without DNS, then each distinct domain resolved
 * once (contacts often share one), at most `concurrency` at a time. Answers by address.
 */
export async function checkEmails(
  emails: readonly string[],
  resolver: MailHostResolver,
  options: { concurrency: number },
): Promise<Map<string, EmailCheck>> {
  const prechecks = new Map(emails.map((email) => [email, precheck(email)]));
  const domains = [...new Set([...prechecks.values()].flatMap((pre) => ('domain' in pre ? [pre.domain] : [])))];
  const verdicts = new Map<string, DomainVerdict>();
  await mapConcurrently(domains, options.concurrency, async (domain) => {
    verdicts.set(domain, await resolveMailHosts(resolver, domain));
  });
  return new Map(
    [...prechecks].map(([email, pre]) => {
      if ('check' in pre) return [email, pre.check];
      const verdict = verdicts.get(pre.domain)!;
      const valid = verdict.status === 'unknown' ? null : verdict.status === 'valid';
      return [email, { status: verdict.status, valid, disposable: false, role: pre.role, detail: verdict.detail }];
    }),
  );
}

/** What can be told without DNS: a final check, or the domain DNS must decide on. */
function precheck(email: string): { check: EmailCheck } | { domain: string; role: boolean } {
  const normalized = normalizeEmail(email);
  if (!normalized) {
    return {
      check: { status: 'invalid_syntax', valid: false, disposable: null, role: null, detail: 'not a valid address' },
    };
  }
  const at = normalized.lastIndexOf('@');
  const domain = normalized.slice(at + 1);
  const role = isRoleLocalPart(normalized.slice(0, at));
  if (isDisposableDomain(domain)) {
    return {
      check: { status: 'disposable', valid: false, disposable: true, role, detail: `${domain} is a disposable domain` },
    };
  }
  return { domain, role };
}

function describeMx(hosts: MxRecord[]): string {
  const sorted = [...hosts].sort((a, b) => a.priority - b.priority);
  const shown = sorted.slice(0, 3).map((host) => `${host.exchange} (${host.priority})`);
  return sorted.length > 3 ? `${shown.join(', ')} and ${sorted.length - 3} more` : shown.join(', ');
}
