// `npm run cli`: the admin CLI's entry point. It parses the command line, runs the command on the database and maps
// failures to exit codes (2 bad command line, 1 failed). The commands are in admin-*.commands.ts, parsing in
// admin-command-line.ts, help in admin-help.ts, output in admin-output.ts, the database in admin-database.ts.
import { ConfigError, loadConfig } from '../config';
import { AppError } from '../domain/errors';
import { CLI, UsageError } from './admin-command';
import { parseCommandLine, type CommandLine } from './admin-command-line';
import { DatabaseError, withOrganizations } from './admin-database';
import { usageLine } from './admin-help';

async function main(argv: string[]): Promise<number> {
  let parsed: CommandLine | null;
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
