import { Context } from '@temporalio/activity';
import type { MailboxReader, WatchOutcome } from '../src/domain/inbound/mailbox-reader';

export type { WatchOutcome } from '../src/domain/inbound/mailbox-reader';

const HEARTBEAT_MS = 5_000;

/** The mailbox monitor's activity: one IMAP watch session. */
export function createInboundActivities(deps: { reader: MailboxReader; stopping: AbortSignal }) {
  return {
    async watchMailbox(args: { mailboxId: string; forMs: number }): Promise<WatchOutcome> {
      const context = Context.current();
      // Heartbeats let Temporal hand the mailbox to another worker within the heartbeat timeout if this one dies.
      const heartbeat = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
      // A session ends early, and cleanly, when cancelled or when this worker is shutting down: the workflow then
      // starts the next one, on whichever worker is polling.
      const abort = AbortSignal.any([context.cancellationSignal, deps.stopping]);
      try {
        return await deps.reader.watch(args.mailboxId, { forMs: args.forMs, abort });
      } finally {
        clearInterval(heartbeat);
      }
    },
  };
}
