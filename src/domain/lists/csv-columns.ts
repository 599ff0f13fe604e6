import type { ImportEntry } from '../contacts/contact-import';
import { AppError } from '../errors';
import { restoreNeutralizedEmail } from './csv-formula';

/** Where one CSV column goes: the email, the time zone, a field (standard or custom), or nowhere (blank header). */
type ColumnTarget = { kind: 'email' } | { kind: 'timezone' } | { kind: 'field'; name: string } | { kind: 'ignore' };

const ALIASES: Record<string, string> = {
  e_mail: 'email',
  email_address: 'email',
  mail: 'email',
  firstname: 'first_name',
  lastname: 'last_name',
  job_title: 'title',
  phone_number: 'phone',
  time_zone: 'timezone',
};
const FIELD_NAME = /^[a-z_][a-z0-9_]{0,63}$/;

/** Header cells as written by people and spreadsheets ("First Name", "E-mail") → field names ("first_name"). */
export function normalizeHeader(header: string): string {
  const name = header
    .trim()
    .toLowerCase()
    .replace(/[\s\-.]+/g, '_')
    .replace(/[^a-z0-9_]/g, '');
  return ALIASES[name] ?? name;
}

/** The plan for turning rows into contacts, from the header row; refuses headers that cannot be stored. */
export function planColumns(headers: string[]): ColumnTarget[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const targets = headers.map((header, index): ColumnTarget => {
    if (header.trim() === '') return { kind: 'ignore' };
    const name = normalizeHeader(header);
    if (!FIELD_NAME.test(name)) {
      problems.push(`header column ${index + 1} ("${header}"): use letters, digits and _, not starting with a digit`);
      return { kind: 'ignore' };
    }
    if (seen.has(name)) problems.push(`header column ${index + 1} ("${header}"): "${name}" appears twice`);
    seen.add(name);
    if (name === 'email') return { kind: 'email' };
    if (name === 'timezone') return { kind: 'timezone' };
    return { kind: 'field', name };
  });
  if (!seen.has('email')) problems.push('header: an "email" column is required');
  if (problems.length > 0) {
    throw new AppError('validation_failed', 'The CSV header cannot be imported: fix the listed columns.', {
      errors: problems,
    });
  }
  return targets;
}

/** One data row → an import entry; blank cells are left out rather than stored empty. */
export function rowToEntry(targets: ColumnTarget[], cells: string[]): ImportEntry {
  const entry: ImportEntry = { email: '', fields: {}, timezone: null };
  targets.forEach((target, index) => {
    const value = (cells[index] ?? '').trim();
    if (value === '') return;
    switch (target.kind) {
      case 'email':
        // A re-imported export: its email cells may carry the quote that kept them from running as formulas.
        entry.email = restoreNeutralizedEmail(value);
        break;
      case 'timezone':
        entry.timezone = value;
        break;
      case 'field':
        entry.fields[target.name] = value;
        break;
      case 'ignore':
        break;
    }
  });
  return entry;
}
