import { Resolver } from 'node:dns/promises';
import type { DnsLookup, MailHostResolver, MxRecord } from '../domain/contacts/email-validation';

/**
 * One attempt per server, so the configured timeout bounds a query (and a batch's duration stays predictable);
 * a lost UDP packet only makes the check inconclusive, and the job asks again a minute later.
 */
const TRIES = 1;

/**
 * The mail-host resolver on `node:dns` (c-ares): the configured servers, or the system's when none are given.
 * Names are queried as absolute (trailing dot) so the host's search domains are never appended to them.
 */
export function createMailHostResolver(options: { servers: string[]; timeoutMs: number }): MailHostResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: TRIES });
  if (options.servers.length > 0) resolver.setServers(options.servers);
  return {
    mx: (domain) => lookup<MxRecord>(() => resolver.resolveMx(absolute(domain))),
    addresses: (domain, family) =>
      lookup<string>(() => (family === 4 ? resolver.resolve4(absolute(domain)) : resolver.resolve6(absolute(domain)))),
  };
}

function absolute(domain: string): string {
  return domain.endsWith('.') ? domain : `${domain}.`;
}

async function lookup<T>(query: () => Promise<T[]>): Promise<DnsLookup<T>> {
  try {
    const records = await query();
    return records.length > 0 ? { kind: 'found', records } : { kind: 'no_records' };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENODATA') return { kind: 'no_records' };
    if (code === 'ENOTFOUND') return { kind: 'no_domain' };
    // ETIMEOUT, ESERVFAIL, ECONNREFUSED, EREFUSED…: no definite answer.
    return { kind: 'failed', reason: code ?? (error instanceof Error ? error.message : String(error)) };
  }
}
