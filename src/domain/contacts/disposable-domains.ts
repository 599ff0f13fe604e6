import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';

let blocklist: Set<string> | undefined;

/**
 * Whether the domain, or a parent of it, is a known throwaway-mail provider. The list is the community-maintained
 * disposable-email-domains/disposable-email-domains, packaged by `disposable-email-domains-js` (pinned; a newer
 * list arrives with a dependency update). It is loaded once, on first use.
 */
export function isDisposableDomain(domain: string): boolean {
  blocklist ??= disposableEmailBlocklistSet();
  const labels = domain.toLowerCase().split('.');
  // `x.mailinator.com` is as disposable as `mailinator.com`; a bare TLD never is.
  for (let start = 0; start < labels.length - 1; start += 1) {
    if (blocklist.has(labels.slice(start).join('.'))) return true;
  }
  return false;
}
