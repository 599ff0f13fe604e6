import type { Transporter } from 'nodemailer';
import { rawMessage, recipient, sender } from './fixtures';

/**
 * The raw ceiling's one activity: send one message of a three-step sequence through a pooled transport to the
 * sink. No database, no claim, no rendering: what is left is Temporal plus SMTP.
 */
export function createCeilingActivities(options: { pools: Transporter[]; prefix: string }) {
  return {
    async sendOne(index: number, step: number): Promise<void> {
      const mailbox = index % options.pools.length;
      await options.pools[mailbox]!.sendMail(
        rawMessage(sender(options.prefix, mailbox), recipient(options.prefix, index), step, index),
      );
    },
  };
}

export type CeilingActivities = ReturnType<typeof createCeilingActivities>;
