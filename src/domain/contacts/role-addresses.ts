/**
 * Local parts that name a function or a team rather than a person. Mail to them is delivered but reaches a shared
 * inbox (or a filter), so they are flagged for the user to decide, never treated as invalid.
 */
const ROLE_LOCAL_PARTS = new Set([
  'abuse',
  'accounting',
  'accounts',
  'admin',
  'administrator',
  'billing',
  'careers',
  'contact',
  'customerservice',
  'do-not-reply',
  'donotreply',
  'enquiries',
  'feedback',
  'finance',
  'hello',
  'help',
  'helpdesk',
  'hostmaster',
  'hr',
  'info',
  'inquiries',
  'jobs',
  'legal',
  'mail',
  'mailer-daemon',
  'marketing',
  'media',
  'news',
  'newsletter',
  'no-reply',
  'noc',
  'noreply',
  'office',
  'orders',
  'postmaster',
  'press',
  'privacy',
  'recruiting',
  'root',
  'sales',
  'security',
  'service',
  'support',
  'team',
  'webmaster',
]);

/** Whether the local part (before any `+tag`, case-insensitive) is a role rather than a person. */
export function isRoleLocalPart(localPart: string): boolean {
  const base = localPart.split('+', 1)[0]!.toLowerCase();
  return ROLE_LOCAL_PARTS.has(base);
}
