// What a command of the admin CLI is (its arguments, help text, checks and run), the usage error a bad command line
// raises, and the argument checks and examples the command tables share.
import type { OrganizationService } from '../domain/organizations/organization.service';

export const CLI = 'npm run cli --';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const EXAMPLE_ORG = '0b5c7d3e-9f1a-4c2b-8e6d-1a2b3c4d5e6f';
export const EXAMPLE_KEY = '7e4f2a1b-3c5d-4e6f-8a9b-0c1d2e3f4a5b';

export type Values = Record<string, string | boolean | undefined>;
export interface Args {
  positionals: Record<string, string>;
  values: Values;
}

export interface Command {
  name: string;
  positionals: string[];
  options: Record<string, { type: 'string' | 'boolean'; placeholder?: string; description: string }>;
  summary: string;
  example: string;
  /** Checks the arguments before the database is opened; throws a UsageError. */
  validate?: (args: Args) => void;
  run: (organizations: OrganizationService, args: Args, json: boolean) => Promise<void>;
}

/** A bad command line: exit code 2, with the command's usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
  }
}

/** Throws a UsageError unless `text` is a UUID, naming the command that lists the ids. */
export function checkUuid(text: string, what: string, listedBy: string): void {
  if (!UUID.test(text)) {
    throw new UsageError(
      `${what} must be an id (a UUID such as ${EXAMPLE_ORG}); got "${text}". See them with: ${listedBy}`,
    );
  }
}
