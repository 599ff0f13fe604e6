import fs from 'node:fs';
import path from 'node:path';

/** One message as the capture inbox recorded it (a line of `index.jsonl`, src/embedded/capture-inbox.ts). */
export interface Arrival {
  /** The first envelope recipient. */
  to: string;
  /** When the sink stored it, ms since the epoch. */
  at: number;
}

/**
 * Follows the capture inbox's `index.jsonl` from where it ends now, reading only what was appended since the last
 * poll (the file reaches hundreds of thousands of lines), and keeps the arrivals whose recipient starts with
 * `prefix` — the addresses of one phase of one run.
 */
export class InboxFollower {
  private readonly file: string;
  private offset: number;
  private partial = '';
  readonly arrivals: Arrival[] = [];

  constructor(
    inboxDir: string,
    private readonly prefix: string,
  ) {
    this.file = path.join(inboxDir, 'index.jsonl');
    this.offset = fileSize(this.file);
  }

  /** Reads what arrived since the last call; returns how many of this follower's messages have arrived in all. */
  poll(): number {
    const size = fileSize(this.file);
    if (size <= this.offset) return this.arrivals.length;
    const buffer = Buffer.alloc(size - this.offset);
    const fd = fs.openSync(this.file, 'r');
    try {
      fs.readSync(fd, buffer, 0, buffer.length, this.offset);
    } finally {
      fs.closeSync(fd);
    }
    this.offset = size;
    const lines = (this.partial + buffer.toString('utf8')).split('\n');
    // The last piece is a line still being written (or ''): kept for the next poll.
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes(this.prefix)) continue;
      const entry = JSON.parse(line) as { envelopeTo: string[]; receivedAt: string };
      const to = entry.envelopeTo[0] ?? '';
      if (to.startsWith(this.prefix)) this.arrivals.push({ to, at: Date.parse(entry.receivedAt) });
    }
    return this.arrivals.length;
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
