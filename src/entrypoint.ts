import { ConfigError, loadConfig, type Config } from './config';
import { createLogger, type Logger } from './logger';
import { ShutdownSequence } from './shutdown';
import { installTemporalRuntime } from './temporal/worker';

/**
 * The common frame of every long-running process: validated config (a bad variable stops the process with a
 * message naming it), a logger, the Temporal runtime, and a shutdown sequence run on SIGINT/SIGTERM or on failure.
 */
export function runProcess(
  name: string,
  start: (context: { config: Config; logger: Logger; shutdown: ShutdownSequence }) => Promise<void>,
): void {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, { process: name });
  const shutdown = new ShutdownSequence(logger);
  shutdown.exitOnSignals((signal) => process.stdout.write(`\n${signal} received: stopping (Ctrl-C again to force)…\n`));
  installTemporalRuntime(logger, config.temporalMetricsPort);
  start({ config, logger, shutdown }).catch(async (error: unknown) => {
    logger.fatal({ err: error }, `${name} could not start`);
    process.stderr.write(`\n${name} could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    await shutdown.run('startup failure');
    process.exit(1);
  });
}
