// The admin CLI's commands on organizations and their API keys: org create, org list, key list, key create,
// key revoke, key rotate (in the order the help lists them).
import { AppError } from '../domain/errors';
import { CLI, EXAMPLE_KEY, EXAMPLE_ORG, UsageError, type Command, type Values } from './admin-command';
import { print, printJson, printRows, time } from './admin-output';

const SHOWN_ONCE = 'Store the API key now: it is shown only this once (only its hash is stored).';

export const ORGANIZATION_COMMANDS: Command[] = [
  {
    name: 'org create',
    positionals: ['name'],
    options: {
      'monthly-limit': {
        type: 'string',
        placeholder: 'N',
        description: 'sends allowed per calendar month (default: no limit)',
      },
    },
    summary: 'Create an organization with one API key, printed once',
    example: `${CLI} org create "Acme Inc" --monthly-limit 10000`,
    validate: ({ positionals, values }) => {
      if (positionals.name!.trim() === '') throw new UsageError('<name> must not be empty.');
      monthlyLimitOf(values);
    },
    run: async (organizations, { positionals, values }, json) => {
      const name = positionals.name!.trim();
      const created = await organizations.create(name, { monthlyLimit: monthlyLimitOf(values) });
      if (json) return printJson({ organization_id: created.organizationId, name, api_key: created.apiKey });
      print(
        `Organization created.\n  id       ${created.organizationId}\n  name     ${name}\n  API key  ${created.apiKey}`,
      );
      print(`\n${SHOWN_ONCE}`);
    },
  },
  {
    name: 'org list',
    positionals: [],
    options: {},
    summary: 'List organizations with their number of active API keys',
    example: `${CLI} org list`,
    run: async (organizations, _args, json) => {
      printRows(await organizations.list(), json, {
        json: (row) => ({
          id: row.id,
          name: row.name,
          monthly_limit: row.monthlyLimit,
          created_at: row.createdAt.toISOString(),
          active_keys: row.activeKeys,
        }),
        empty: `No organizations yet. Create one with: ${CLI} org create <name>`,
        headers: ['ID', 'NAME', 'MONTHLY LIMIT', 'ACTIVE KEYS', 'CREATED (UTC)'],
        cells: (row) => [
          row.id,
          row.name,
          row.monthlyLimit === null ? 'none' : String(row.monthlyLimit),
          String(row.activeKeys),
          time(row.createdAt),
        ],
      });
    },
  },
  {
    name: 'key list',
    positionals: ['organization-id'],
    options: {},
    summary: "List an organization's API keys (their prefixes; keys themselves are not stored)",
    example: `${CLI} key list ${EXAMPLE_ORG}`,
    run: async (organizations, { positionals }, json) => {
      printRows(await organizations.listKeys(positionals['organization-id']!), json, {
        json: (key) => ({
          id: key.id,
          name: key.name,
          key_prefix: key.keyPrefix,
          created_at: key.createdAt.toISOString(),
          revoked_at: key.revokedAt?.toISOString() ?? null,
        }),
        empty: 'The organization has no API keys.',
        headers: ['ID', 'NAME', 'PREFIX', 'CREATED (UTC)', 'REVOKED (UTC)'],
        cells: (key) => [key.id, key.name, `${key.keyPrefix}…`, time(key.createdAt), time(key.revokedAt)],
      });
    },
  },
  {
    name: 'key create',
    positionals: ['organization-id'],
    options: {
      name: { type: 'string', placeholder: 'NAME', description: 'a name to tell the key apart (default: cli)' },
    },
    summary: 'Create another API key for an organization, printed once',
    example: `${CLI} key create ${EXAMPLE_ORG} --name zapier`,
    validate: ({ values }) => void keyNameOf(values),
    run: async (organizations, { positionals, values }, json) => {
      const key = await organizations.createKey(positionals['organization-id']!, keyNameOf(values) ?? 'cli');
      if (json) return printJson({ key_id: key.keyId, key_prefix: key.keyPrefix, api_key: key.apiKey });
      print(`API key created.\n  id       ${key.keyId}\n  API key  ${key.apiKey}\n\n${SHOWN_ONCE}`);
    },
  },
  {
    name: 'key revoke',
    positionals: ['organization-id', 'key-id'],
    options: {
      force: { type: 'boolean', description: "revoke even the organization's last active key (locking it out)" },
    },
    summary: 'Revoke an API key: requests with it get 401 from now on',
    example: `${CLI} key revoke ${EXAMPLE_ORG} ${EXAMPLE_KEY}`,
    run: async (organizations, { positionals, values }, json) => {
      const result = await organizations
        .revokeKey(positionals['organization-id']!, positionals['key-id']!, { force: values.force === true })
        .catch((error: unknown) => {
          if (error instanceof AppError && error.code === 'conflict') {
            throw new AppError('conflict', `${error.message} Or add --force to revoke it anyway.`);
          }
          throw error;
        });
      if (json) {
        return printJson({
          key_id: result.keyId,
          revoked_at: result.revokedAt.toISOString(),
          already_revoked: result.alreadyRevoked,
        });
      }
      print(
        result.alreadyRevoked
          ? `API key ${result.keyId} was already revoked (at ${time(result.revokedAt)} UTC); nothing changed.`
          : `API key ${result.keyId} revoked; requests with it now get 401.`,
      );
    },
  },
  {
    name: 'key rotate',
    positionals: ['organization-id', 'key-id'],
    options: {
      name: { type: 'string', placeholder: 'NAME', description: "the new key's name (default: the old one's)" },
    },
    summary: 'Replace an API key: create a new one (printed once) and revoke the old, in one transaction',
    example: `${CLI} key rotate ${EXAMPLE_ORG} ${EXAMPLE_KEY}`,
    validate: ({ values }) => void keyNameOf(values),
    run: async (organizations, { positionals, values }, json) => {
      const name = keyNameOf(values);
      const key = await organizations.rotateKey(positionals['organization-id']!, positionals['key-id']!, { name });
      if (json) {
        return printJson({
          key_id: key.keyId,
          key_prefix: key.keyPrefix,
          api_key: key.apiKey,
          revoked_key_id: key.revokedKeyId,
        });
      }
      print(`API key ${key.revokedKeyId} revoked and replaced.\n  id       ${key.keyId}\n  API key  ${key.apiKey}`);
      print(`\n${SHOWN_ONCE}`);
    },
  },
];

function monthlyLimitOf(values: Values): number | null {
  const text = values['monthly-limit'];
  if (typeof text !== 'string') return null;
  if (!/^\d+$/.test(text.trim())) {
    throw new UsageError(`--monthly-limit must be a whole number of sends per month (0 or more); got "${text}".`);
  }
  return Number(text);
}

function keyNameOf(values: Values): string | undefined {
  if (typeof values.name !== 'string') return undefined;
  if (values.name.trim() === '') throw new UsageError('--name must not be empty.');
  return values.name.trim();
}
