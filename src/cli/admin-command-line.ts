// The admin CLI's command line: the table of every command, and parsing argv into one of them and its checked
// arguments (or printing the help asked for).
import { parseArgs } from 'node:util';
import { checkUuid, CLI, UsageError, type Args, type Command, type Values } from './admin-command';
import { commandHelp, generalHelp, usageLine } from './admin-help';
import { MAILBOX_COMMANDS } from './admin-mailbox.commands';
import { ORGANIZATION_COMMANDS } from './admin-organization.commands';
import { print } from './admin-output';

const COMMANDS: Command[] = [...ORGANIZATION_COMMANDS, ...MAILBOX_COMMANDS];

/** A command to run, with its checked arguments. */
export interface CommandLine {
  command: Command;
  args: Args;
  json: boolean;
}

/** Splits the command line into a command and its arguments; null when help was printed. */
export function parseCommandLine(argv: string[]): CommandLine | null {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = argv.slice(1).join(' ');
    const command = COMMANDS.find((candidate) => candidate.name === topic);
    if (topic !== '' && !command) throw new UsageError(`There is no command "${topic}".`);
    print(command ? commandHelp(command) : generalHelp(COMMANDS));
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

function parseArguments(command: Command, rest: string[]): CommandLine | null {
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
