import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from '../config';
import { connectAndMigrate, createDataSource } from '../db/data-source';
import { Database } from '../db/repositories';
import { AppError } from '../domain/errors';
import { HEALTH_MINIMUM_SENDS, HEALTH_WINDOW_SENDS } from '../domain/inbound/mailbox-health';
import type { MailboxHealthReport, OrganizationService } from '../domain/organizations/organization.service';
import { createDatabaseServices } from '../database-services';
import { connectOrStartEmbeddedPostgres, type EmbeddedPostgresHandle } from '../embedded/embedded-postgres';
import { createLogger } from '../logger';

const CLI = 'npm run cli --';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EXAMPLE_ORG = '0b5c7d3e-9f1a-4c2b-8e6d-1a2b3c4d5e6f';
const EXAMPLE_KEY = '7e4f2a1b-3c5d-4e6f-8a9b-0c1d2e3f4a5b';
const SHOWN_ONCE = 'Store the API key now: it is shown only this once (only its hash is stored).';

type Values = Record<string, string | boolean | undefined>;
interface Args {
  positionals: Record<string, string>;
  values: Values;
}

interface Command {
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
class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
  }
}

/** The database could not be opened: exit code 1, naming the variables that choose it. */
class DatabaseError extends Error {}

const COMMANDS: Command[] = [
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
      const rows = await organizations.list();
      if (json) {
        return printJson(
          rows.map((row) => ({
            id: row.id,
            name: row.name,
            monthly_limit: row.monthlyLimit,
            created_at: row.createdAt.toISOString(),
            active_keys: row.activeKeys,
          })),
        );
      }
      if (rows.length === 0) return print(`No organizations yet. Create one with: ${CLI} org create <name>`);
      printTable(
        ['ID', 'NAME', 'MONTHLY LIMIT', 'ACTIVE KEYS', 'CREATED (UTC)'],
        rows.map((row) => [
          row.id,
          row.name,
          row.monthlyLimit === null ? 'none' : String(row.monthlyLimit),
          String(row.activeKeys),
          time(row.createdAt),
        ]),
      );
    },
  },
  {
    name: 'key list',
    positionals: ['organization-id'],
    options: {},
    summary: "List an organization's API keys (their prefixes; keys themselves are not stored)",
    example: `${CLI} key list ${EXAMPLE_ORG}`,
    run: async (organizations, { positionals }, json) => {
      const keys = await organizations.listKeys(positionals['organization-id']!);
      if (json) {
        return printJson(
          keys.map((key) => ({
            id: key.id,
            name: key.name,
            key_prefix: key.keyPrefix,
            created_at: key.createdAt.toISOString(),
            revoked_at: key.revokedAt?.toISOString() ?? null,
          })),
        );
      }
      if (keys.length === 0) return print('The organization has no API keys.');
      printTable(
        ['ID', 'NAME', 'PREFIX', 'CREATED (UTC)', 'REVOKED (UTC)'],
        keys.map((key) => [key.id, key.name, `${key.keyPrefix}…`, time(key.createdAt), time(key.revokedAt)]),
      );
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
  {
    name: 'mailboxes',
    positionals: [],
    options: {
      org: { type: 'string', placeholder: 'ORGANIZATION-ID', description: "only this organization's mailboxes" },
    },
    summary: 'List mailboxes with their health: status, sends today, bounce rate, IMAP',
    example: `${CLI} mailboxes --org ${EXAMPLE_ORG}`,
    validate: ({ values }) => {
      if (typeof values.org === 'string') checkUuid(values.org, '--org', `${CLI} org list`);
    },
    run: async (organizations, { values }, json) => {
      const org = typeof values.org === 'string' ? values.org : undefined;
      const reports = await organizations.mailboxHealth(org);
      if (json) return printJson(reports.map(presentMailbox));
      printMailboxes(reports, org === undefined);
    },
  },
];

function presentMailbox(report: MailboxHealthReport) {
  return {
    id: report.id,
    organization_id: report.organizationId,
    label: report.label,
    from_email: report.fromEmail,
    status: report.status,
    disabled_reason: report.disabledReason,
    smtp_error: report.smtpError,
    smtp_error_at: report.smtpErrorAt?.toISOString() ?? null,
    daily_limit: report.dailyLimit,
    sent_today: report.sentToday,
    recent_sends: report.recentSends,
    recent_bounces: report.recentBounces,
    bounce_rate_percent: report.bounceRatePercent,
    bounce_rate_judged: report.bounceRateJudged,
    imap_configured: report.imapConfigured,
    imap_status: report.imapStatus,
    imap_error: report.imapError,
  };
}

function printMailboxes(reports: MailboxHealthReport[], withOrganization: boolean): void {
  if (reports.length === 0) return print('No mailboxes yet: they are added with the campaigns that send from them.');
  printTable(
    ['ID', ...(withOrganization ? ['ORGANIZATION'] : []), 'FROM', 'STATUS', 'SENT TODAY', 'BOUNCE RATE', 'IMAP'],
    reports.map((report) => [
      report.id,
      ...(withOrganization ? [report.organizationId] : []),
      report.fromEmail,
      report.status,
      `${report.sentToday}/${report.dailyLimit}`,
      report.bounceRatePercent === null
        ? 'no sends'
        : `${report.bounceRatePercent.toFixed(1)}% (${report.recentBounces}/${report.recentSends}` +
          `${report.bounceRateJudged ? '' : ', too few to judge'})`,
      report.imapConfigured ? (report.imapStatus ?? 'not checked yet') : 'none',
    ]),
  );
  const notes = reports.flatMap((report) => [
    ...(report.disabledReason ? [`  ${report.id} disabled: ${report.disabledReason}`] : []),
    ...(report.smtpError ? [`  ${report.id} SMTP error: ${report.smtpError}`] : []),
    ...(report.imapError ? [`  ${report.id} IMAP error: ${report.imapError}`] : []),
  ]);
  if (notes.length > 0) print(`\n${notes.join('\n')}`);
  print(
    `\nSENT TODAY: new conversations since 00:00 UTC, of the daily limit.\nBOUNCE RATE: over the mailbox's last ` +
      `${HEALTH_WINDOW_SENDS} sends since it was last (re-)enabled; campaign thresholds apply from ` +
      `${HEALTH_MINIMUM_SENDS} sends.`,
  );
}

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

function checkUuid(text: string, what: string, listedBy: string): void {
  if (!UUID.test(text)) {
    throw new UsageError(
      `${what} must be an id (a UUID such as ${EXAMPLE_ORG}); got "${text}". See them with: ${listedBy}`,
    );
  }
}

/** `key revoke <organization-id> <key-id> [--force]` */
function signature(command: Command): string {
  const options = Object.entries(command.options).map(([name, option]) =>
    option.placeholder ? `[--${name} ${option.placeholder}]` : `[--${name}]`,
  );
  return [command.name, ...command.positionals.map((name) => `<${name}>`), ...options].join(' ');
}

function usageLine(command: Command): string {
  return `${CLI} ${signature(command)} [--json]`;
}

function commandHelp(command: Command): string {
  const options: [string, string][] = [
    ...Object.entries(command.options).map(([name, option]): [string, string] => [
      option.placeholder ? `--${name} ${option.placeholder}` : `--${name}`,
      option.description,
    ]),
    ['--json', 'print machine-readable JSON instead of text'],
    ['--help', 'this help'],
  ];
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [
    `Usage: ${usageLine(command)}`,
    '',
    `${command.summary}.`,
    '',
    'Options:',
    ...options.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
    '',
    'Example:',
    `  ${command.example}`,
  ].join('\n');
}

function generalHelp(): string {
  return [
    `Usage: ${CLI} <command> [arguments] [options]`,
    '',
    'Administers Sequencer: organizations, API keys and mailbox health. Connects to DATABASE_URL when set, else to',
    'the embedded PostgreSQL under DATA_DIR (left running when `npm start` runs it, else started for the command).',
    '',
    'Commands:',
    ...COMMANDS.flatMap((command) => [
      `  ${signature(command)}`,
      `      ${command.summary}.`,
      `      e.g. ${command.example}`,
    ]),
    '',
    `Every command takes --json (machine-readable output) and --help (its usage: ${CLI} key rotate --help).`,
    'Exit codes: 0 done, 1 failed (database unreachable, not found, refused), 2 bad command line.',
  ].join('\n');
}

/** Splits the command line into a command and its arguments; null when help was printed. */
function parseCommandLine(argv: string[]): { command: Command; args: Args; json: boolean } | null {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = argv.slice(1).join(' ');
    const command = COMMANDS.find((candidate) => candidate.name === topic);
    if (topic !== '' && !command) throw new UsageError(`There is no command "${topic}".`);
    print(command ? commandHelp(command) : generalHelp());
    return null;
  }
  const command =
    COMMANDS.find((candidate) => candidate.name === `${first} ${second}`) ??
    COMMANDS.find((candidate) => candidate.name === first);
  if (!command) {
    const group = COMMANDS.filter((candidate) => candidate.name.startsWith(`${first} `));
    if (group.length === 0) throw new UsageError(`Unknown command "${first}".`);
    const names = group.map((candidate) => candidate.name).join(', ');
    if (second === undefined || second === '--help' || second === '-h') {
      if (second === undefined) throw new UsageError(`"${first}" needs a subcommand: ${names}.`);
      print(group.map((candidate) => `  ${usageLine(candidate)}\n      ${candidate.summary}`).join('\n'));
      return null;
    }
    throw new UsageError(`Unknown command "${first} ${second}"; the ${first} commands are: ${names}.`);
  }
  try {
    return parseArguments(command, argv.slice(command.name.split(' ').length));
  } catch (error) {
    throw error instanceof UsageError && !error.command ? new UsageError(error.message, command) : error;
  }
}

function parseArguments(command: Command, rest: string[]): { command: Command; args: Args; json: boolean } | null {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node's own wording suggests `-- "--x"`, which is no help here.
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    throw new UsageError(unknown ? `Unknown option ${unknown}.` : (error as Error).message);
  }
  if (parsed.values.help) {
    print(commandHelp(command));
    return null;
  }
  const missing = command.positionals.slice(parsed.positionals.length);
  if (missing.length > 0) throw new UsageError(`Missing ${missing.map((name) => `<${name}>`).join(' ')}.`);
  const extra = parsed.positionals.slice(command.positionals.length);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  const positionals = Object.fromEntries(command.positionals.map((name, index) => [name, parsed.positionals[index]!]));
  if (positionals['organization-id'] !== undefined) {
    checkUuid(positionals['organization-id'], '<organization-id>', `${CLI} org list`);
  }
  if (positionals['key-id'] !== undefined) {
    checkUuid(positionals['key-id'], '<key-id>', `${CLI} key list <organization-id>`);
  }
  const args = { positionals, values: parsed.values };
  command.validate?.(args);
  return { command, args, json: parsed.values.json === true };
}

/** Opens the database (migrating it first), runs `work`, and closes everything it opened. */
async function withOrganizations(config: Config, work: (organizations: OrganizationService) => Promise<void>) {
  // Logs go to stderr: stdout carries only the command's output (JSON with --json).
  const logger = createLogger(
    config.logLevel === 'info' ? 'warn' : config.logLevel,
    { process: 'cli' },
    pino.destination({ dest: 2, sync: true }),
  );
  const embeddedDir = path.join(config.dataDir, 'postgres');
  let embedded: EmbeddedPostgresHandle | null = null;
  let dataSource: ReturnType<typeof createDataSource> | null = null;
  try {
    if (!config.databaseUrl) {
      embedded = await connectOrStartEmbeddedPostgres({ dir: embeddedDir, port: config.embeddedPostgresPort, logger });
    }
    dataSource = createDataSource(config.databaseUrl ?? embedded!.databaseUrl, { poolSize: 2 });
    dataSource.setOptions({ connectTimeoutMS: 10_000, applicationName: 'sequencer-cli' });
    await connectAndMigrate(dataSource);
  } catch (error) {
    if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(
      config.databaseUrl
        ? `Could not open the database at DATABASE_URL (${describeUrl(config.databaseUrl)}): ${reason}\n` +
            'Check that the server is running and that DATABASE_URL is right, or unset DATABASE_URL to use the ' +
            'embedded PostgreSQL under DATA_DIR.'
        : `Could not open the embedded PostgreSQL under DATA_DIR (${embeddedDir}): ${reason}\n` +
            'Check DATA_DIR (the directory `npm start` uses) and EMBEDDED_POSTGRES_PORT, or set DATABASE_URL to ' +
            'use another PostgreSQL server.',
    );
  }
  try {
    await work(createDatabaseServices(new Database(dataSource)).organizations);
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

/** Where a database URL points, without its password. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.username ? `user ${decodeURIComponent(parsed.username)} at ` : ''}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const help = error.command
      ? `Usage: ${usageLine(error.command)}\nRun \`${CLI} ${error.command.name} --help\` for details.`
      : `Run \`${CLI} --help\` for the list of commands.`;
    process.stderr.write(`Error: ${error.message}\n${help}\n`);
    return 2;
  }
  if (!parsed) return 0;
  const { command, args, json } = parsed;
  try {
    await withOrganizations(loadConfig(), (organizations) => command.run(organizations, args, json));
    return 0;
  } catch (error) {
    if (error instanceof AppError || error instanceof DatabaseError || error instanceof ConfigError) {
      process.stderr.write(`Error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** Columns aligned on the widest cell, two spaces apart. */
function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [headers, ...rows]) {
    print(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    );
  }
}

function time(date: Date | null): string {
  return date ? date.toISOString().replace('T', ' ').slice(0, 19) : '';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
