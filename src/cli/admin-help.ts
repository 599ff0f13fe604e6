// The admin CLI's help texts, made from the command tables: the general help, a command's help and usage line.
import { CLI, type Command } from './admin-command';

/** `key revoke <organization-id> <key-id> [--force]` */
function signature(command: Command): string {
  const options = Object.entries(command.options).map(([name, option]) =>
    option.placeholder ? `[--${name} ${option.placeholder}]` : `[--${name}]`,
  );
  return [command.name, ...command.positionals.map((name) => `<${name}>`), ...options].join(' ');
}

/** `npm run cli -- key revoke <organization-id> <key-id> [--force] [--json]` */
export function usageLine(command: Command): string {
  return `${CLI} ${signature(command)} [--json]`;
}

/** What `<command> --help` prints: usage, summary, options and an example. */
export function commandHelp(command: Command): string {
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

/** What `--help` prints: what the CLI does, every command with its summary and example, the exit codes. */
export function generalHelp(commands: Command[]): string {
  return [
    `Usage: ${CLI} <command> [arguments] [options]`,
    '',
    'Administers Sequencer: organizations, API keys and mailbox health. Connects to DATABASE_URL when set, else to',
    'the embedded PostgreSQL under DATA_DIR (left running when `npm start` runs it, else started for the command).',
    '',
    'Commands:',
    ...commands.flatMap((command) => [
      `  ${signature(command)}`,
      `      ${command.summary}.`,
      `      e.g. ${command.example}`,
    ]),
    '',
    `Every command takes --json (machine-readable output) and --help (its usage: ${CLI} key rotate --help).`,
    'Exit codes: 0 done, 1 failed (database unreachable, not found, refused), 2 bad command line.',
  ].join('\n');
}
