import { domainToASCII } from 'node:url';

/**
 * Normalizes an address for storage and matching: trims, lower-cases and punycodes the domain (IDN), keeps the
 * local part as written (it is case-sensitive by the RFC). Returns null when it is not a usable address.
 */
export function normalizeEmail(input: string): string | null {
  const trimmed = input.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return null;
  const local = trimmed.slice(0, at);
  const domain = domainToASCII(trimmed.slice(at + 1).toLowerCase());
  if (!domain || !isValidLocalPart(local) || !isValidDomain(domain)) return null;
  return `${local}@${domain}`;
}

// The form in which two addresses are compared is the form the block list stores (and contacts are indexed by):
// the data model owns it, so the repositories that match addresses need nothing of the domain.
export { emailMatchKey } from '../../db/entities/blocked-address.entity';

// Dot-atom local part (RFC 5322 §3.2.3) plus UTF-8 (RFC 6531); quoted local parts are refused as no mailbox uses them.
const LOCAL_ATOM = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;

function isValidLocalPart(local: string): boolean {
  if (local.length > 64) return false;
  return local.split('.').every((atom) => atom.length > 0 && LOCAL_ATOM.test(atom));
}

function isValidDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return labels.every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) && !/^\d+$/.test(labels.at(-1)!);
}
