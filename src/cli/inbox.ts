import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../config';
import { readCapturedMessages } from '../embedded/capture-inbox';

const HELP = `Usage: npm run inbox [-- <options>] [-- <n | id>]

Lists the messages the local capture inbox (the SMTP server \`npm start\` runs on DEV_SMTP_PORT) has received,
newest last, or shows one of them.

  npm run inbox                 the 20 most recent messages
  npm run inbox -- --all        every message
  npm run inbox -- 3            message number 3 of the list (headers and plain text)
  npm run inbox -- 3 --raw      message number 3 exactly as received (.eml)
  npm run inbox -- --help       this help

Messages are files under DATA_DIR/inbox (default ./data/inbox).`;

/** `npm run inbox`: read what Sequencer sent to the local capture inbox. */
async function inbox(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) return void process.stdout.write(`${HELP}\n`);
  const dir = path.join(loadConfig().dataDir, 'inbox');
  const messages = await readCapturedMessages(dir);
  const selector = args.find((arg) => !arg.startsWith('--'));
  if (!selector) {
    if (messages.length === 0) return void process.stdout.write(`No messages yet in ${dir}.\n`);
    const shown = args.includes('--all') ? messages : messages.slice(-20);
    const offset = messages.length - shown.length;
    for (const [index, message] of shown.entries()) {
      const time = message.receivedAt.replace('T', ' ').slice(0, 19);
      process.stdout.write(
        `${String(offset + index + 1).padStart(4)}  ${time}  ${message.envelopeTo.join(', ')}  ${message.subject}\n`,
      );
    }
    process.stdout.write(`\n${messages.length} message(s). Show one with: npm run inbox -- <number>\n`);
    return;
  }
  const message = /^\d+$/.test(selector)
    ? messages[Number(selector) - 1]
    : messages.find((candidate) => candidate.id === selector);
  if (!message) throw new Error(`No message ${selector}; run \`npm run inbox\` to list them.`);
  const raw = await fs.readFile(path.join(dir, message.file));
  if (args.includes('--raw')) return void process.stdout.write(raw);
  const parsed = await simpleParser(raw);
  const lines = [
    `From:        ${parsed.from?.text ?? ''}`,
    `To:          ${message.envelopeTo.join(', ')}`,
    `Subject:     ${parsed.subject ?? ''}`,
    `Date:        ${parsed.date?.toISOString() ?? ''}`,
    `Message-ID:  ${parsed.messageId ?? ''}`,
    ...(parsed.inReplyTo ? [`In-Reply-To: ${parsed.inReplyTo}`] : []),
    '',
    parsed.text ?? '(no plain-text part)',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

inbox(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
