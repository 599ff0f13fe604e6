/**
 * The mailbox providers recipients are grouped by, from the domain of their address. Only the providers' own
 * consumer domains are recognized: a company domain hosted by Google Workspace or Microsoft 365 counts as `other`,
 * since telling those apart needs an MX lookup per domain (not done: see "Analytics and exports" in the README).
 */
export const RECIPIENT_PROVIDERS = ['gmail', 'microsoft', 'yahoo', 'other'] as const;
export type RecipientProvider = (typeof RECIPIENT_PROVIDERS)[number];

/** The consumer domains of each named provider. */
export const PROVIDER_DOMAINS: Record<Exclude<RecipientProvider, 'other'>, readonly string[]> = {
  gmail: ['gmail.com', 'googlemail.com'],
  microsoft: [
    'outlook.com',
    'hotmail.com',
    'live.com',
    'msn.com',
    'outlook.fr',
    'outlook.de',
    'outlook.es',
    'hotmail.co.uk',
    'hotmail.fr',
    'hotmail.de',
    'hotmail.it',
    'hotmail.es',
    'live.co.uk',
    'live.fr',
    'live.de',
  ],
  yahoo: [
    'yahoo.com',
    'ymail.com',
    'rocketmail.com',
    'yahoo.co.uk',
    'yahoo.fr',
    'yahoo.de',
    'yahoo.es',
    'yahoo.it',
    'yahoo.co.jp',
    'yahoo.com.br',
    'aol.com',
  ],
};

/** The provider of a recipient's domain (null: the event named no recipient). */
export function providerOf(domain: string | null): RecipientProvider | null {
  if (domain === null) return null;
  for (const [provider, domains] of Object.entries(PROVIDER_DOMAINS)) {
    if (domains.includes(domain)) return provider as RecipientProvider;
  }
  return 'other';
}
