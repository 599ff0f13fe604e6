import type { Logger } from './logger';

/**
 * Stops what was started, in reverse order (API before worker before database before servers), each step bounded
 * in time. A second Ctrl-C forces an immediate exit.
 */
export class ShutdownSequence {
  private readonly steps: { name: string; stop: () => Promise<void> | void }[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly logger: Logger) {}

  add(name: string, stop: () => Promise<void> | void): void {
    this.steps.push({ name, stop });
  }

  run(reason: string, stepTimeoutMs = 30_000): Promise<void> {
    this.running ??= this.stopAll(reason, stepTimeoutMs);
    return this.running;
  }

  /**
   * Runs the sequence on SIGINT/SIGTERM, then exits. One Ctrl-C arrives several times (from the terminal and
   * relayed by npm and tsx), so only a signal more than 3 seconds after the first forces an exit.
   */
  exitOnSignals(onStopping: (signal: string) => void): void {
    let firstSignalAt = 0;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (this.running) {
          if (Date.now() - firstSignalAt < 3_000) return;
          this.logger.warn('second signal: exiting now');
          process.exit(130);
        }
        firstSignalAt = Date.now();
        onStopping(signal);
        void this.run(signal).then(() => process.exit(0));
      });
    }
  }

  private async stopAll(reason: string, stepTimeoutMs: number): Promise<void> {
    this.logger.info({ reason }, 'shutting down');
    for (const step of [...this.steps].reverse()) {
      const started = Date.now();
      try {
        await Promise.race([
          Promise.resolve().then(step.stop),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), stepTimeoutMs).unref()),
        ]);
        this.logger.debug({ step: step.name, ms: Date.now() - started }, 'stopped');
      } catch (error) {
        this.logger.error({ step: step.name, err: error }, 'could not stop cleanly');
      }
    }
  }
}
