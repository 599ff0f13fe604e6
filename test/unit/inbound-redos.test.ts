import crypto from 'node:crypto';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InboundMessage } from '../../src/mail/inbound-message';
import { eml, MAILBOX, ourId } from '../helpers/inbound-fixtures';

/**
 * Crafted inbound messages of about a megabyte, each aimed at one pattern or loop that used to be super-linear
 * (minutes per message, the mailbox monitor stalled on it at every poll) or at a parser limit that used to throw (the
 * monitor failed on the message for ever).
 *
 * Each parse runs in a worker thread so that a stall fails the test at STALL_BOUND_MS instead of freezing Jest. The
 * bound is a stall check, not a benchmark: every input here parses in well under a second.
 */
const STALL_BOUND_MS = 5_000;
const MEGABYTE = 1024 * 1024;

const WORKER_SOURCE = `
  require('tsx/cjs/api').register();
  const { parentPort, workerData } = require('node:worker_threads');
  const { parseInboundMessage } = require(workerData.module);
  parentPort.on('message', (raw) => parseInboundMessage(raw).then(
    (parsed) => parentPort.postMessage({ parsed }),
    (error) => parentPort.postMessage({ error: String(error) }),
  ));
  parentPort.postMessage('ready');
`;

/** Parses `raw` in a fresh worker thread; rejects when the parse has not finished within STALL_BOUND_MS. */
async function parseWithinBound(raw: string): Promise<InboundMessage> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { module: path.resolve(__dirname, '../../src/mail/inbound-message.ts') },
  });
  try {
    // Loading the module is not part of the bound: the clock starts when the message is handed over.
    await nextMessage(worker, 60_000, 'the parser thread did not start');
    worker.postMessage(raw);
    const answer = (await nextMessage(
      worker,
      STALL_BOUND_MS,
      `the parse did not finish within ${STALL_BOUND_MS} ms`,
    )) as { parsed: InboundMessage } | { error: string };
    if ('error' in answer) throw new Error(`the parse threw: ${answer.error}`);
    return answer.parsed;
  } finally {
    await worker.terminate();
  }
}

function nextMessage(worker: Worker, timeoutMs: number, timeoutMessage: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(timeoutMessage)), timeoutMs);
    worker.once('message', (message) => {
      clearTimeout(timer);
      resolve(message);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A multipart report around the given machine-readable part (and, optionally, the returned headers). */
function report(kind: 'delivery-status' | 'feedback-report', machinePart: string, returnedHeaders?: string): string {
  const boundary = `b-${crypto.randomBytes(6).toString('hex')}`;
  return eml(
    [
      'From: MAILER-DAEMON@mx.sender.example (Mail Delivery System)',
      `To: ${MAILBOX}`,
      'Subject: Delivery Status Notification (Failure)',
      'MIME-Version: 1.0',
      `Content-Type: multipart/report; report-type=${kind}; boundary="${boundary}"`,
    ],
    [
      `--${boundary}`,
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      `--${boundary}`,
      `Content-Type: message/${kind}`,
      '',
      machinePart,
      ...(returnedHeaders ? [`--${boundary}`, 'Content-Type: text/rfc822-headers', '', returnedHeaders] : []),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  );
}

const failedRecipient = (...fields: string[]) =>
  ['Reporting-MTA: dns; mx.whitfield.example', '', 'Action: failed', 'Status: 5.1.1', ...fields, ''].join('\r\n');

describe('parseInboundMessage on crafted input of a megabyte', () => {
  describe('when a delivery-status report is crafted against the field parser', () => {
    it('then a Final-Recipient of a megabyte without an @ is read in linear time', async () => {
      const parsed = await parseWithinBound(
        report('delivery-status', failedRecipient(`Final-Recipient: rfc822; ${'a'.repeat(MEGABYTE)}`)),
      );

      expect(parsed.classification).toMatchObject({ kind: 'bounce', severity: 'hard', recipient: null });
    });

    it("then a bracketed Final-Recipient of 'a@a@a@…' without its closing bracket is read in linear time", async () => {
      const parsed = await parseWithinBound(
        report('delivery-status', failedRecipient(`Final-Recipient: rfc822; <${'a@'.repeat(MEGABYTE / 2)}`)),
      );

      expect(parsed.classification).toMatchObject({ kind: 'bounce', severity: 'hard', status: '5.1.1' });
    });

    it('then a Diagnostic-Code folded over a quarter of a million lines is unfolded in linear time', async () => {
      const parsed = await parseWithinBound(
        report(
          'delivery-status',
          failedRecipient(
            'Final-Recipient: rfc822; dana@whitfield.example',
            'Diagnostic-Code: smtp; 550 no such user',
          ) + ' x\r\n'.repeat(MEGABYTE / 4),
        ),
      );

      expect(parsed.classification).toMatchObject({
        kind: 'bounce',
        recipient: 'dana@whitfield.example',
        diagnostic: expect.stringMatching(/^550 no such user x x/),
      });
    });

    it("then returned headers with a Message-ID of 'a@a@a@…\"' are read in linear time", async () => {
      const parsed = await parseWithinBound(
        report(
          'delivery-status',
          failedRecipient('Final-Recipient: rfc822; dana@whitfield.example'),
          `Message-ID: ${'a@'.repeat(MEGABYTE / 2)}"\r\n`,
        ),
      );

      expect(parsed.classification).toMatchObject({ kind: 'bounce', recipient: 'dana@whitfield.example' });
    });
  });

  describe('when a feedback report is crafted', () => {
    it('then an Original-Rcpt-To of a megabyte without an @ is read in linear time', async () => {
      const parsed = await parseWithinBound(
        report('feedback-report', `Feedback-Type: abuse\r\nOriginal-Rcpt-To: ${'a'.repeat(MEGABYTE)}\r\n`),
      );

      expect(parsed.classification).toEqual({
        kind: 'complaint',
        recipient: null,
        feedbackType: 'abuse',
        originalMessageId: null,
      });
    });
  });

  describe('when the headers of a message are crafted', () => {
    it("then References of 'a@a@a@…\"' beside a real In-Reply-To are read in linear time", async () => {
      const original = ourId();

      const parsed = await parseWithinBound(
        eml(
          ['From: dana@whitfield.example', `In-Reply-To: ${original}`, `References: ${'a@'.repeat(MEGABYTE / 2.5)}"`],
          'Sounds good.',
        ),
      );

      expect(parsed.referencedIds).toEqual([original]);
      expect(parsed.classification).toEqual({ kind: 'message' });
    });

    it('then an X-Failed-Recipients without an @ on a non-standard bounce is read in linear time', async () => {
      const parsed = await parseWithinBound(
        eml(
          [
            'From: MAILER-DAEMON@mx.whitfield.example',
            'Subject: Undelivered Mail Returned to Sender',
            `X-Failed-Recipients: ${'a'.repeat(MEGABYTE * 0.9)}`,
          ],
          'This is the mail system.',
        ),
      );

      expect(parsed.classification).toMatchObject({ kind: 'bounce', severity: 'hard', recipient: null });
    });
    it("then a From of 'a:a:a:…' (an address-list group of 0.9 MB) is read in bounded time", async () => {
      const parsed = await parseWithinBound(
        eml([`From: ${'a:'.repeat(MEGABYTE * 0.45)}`, 'Subject: hello', 'Reply-To: dana@whitfield.example'], 'Hi.'),
      );

      expect(parsed.classification).toEqual({ kind: 'message' });
    });

    it("then a nested part whose headers carry 0.9 MB of 'a:a:a:…' is read in bounded time", async () => {
      const boundary = 'b-nested';
      const parsed = await parseWithinBound(
        eml(
          [
            'From: dana@whitfield.example',
            'Subject: forwarded',
            `Content-Type: multipart/mixed; boundary="${boundary}"`,
          ],
          [
            `--${boundary}`,
            'Content-Type: message/rfc822',
            '',
            `From: ${'a:'.repeat(MEGABYTE * 0.45)}`,
            '',
            'inner',
            `--${boundary}--`,
            '',
          ].join('\r\n'),
        ),
      );

      expect(parsed.from).toBe('dana@whitfield.example');
    });
  });

  describe('when the HTML of an HTML-only message is crafted', () => {
    it('then two hundred thousand unclosed nested tags still give the text, instead of a parse that throws', async () => {
      const parsed = await parseWithinBound(
        eml(
          ['From: dana@whitfield.example', 'Content-Type: text/html; charset=utf-8'],
          `<p>Sounds <b>good</b>, let us talk.</p>${'<div>'.repeat(MEGABYTE / 5)}`,
        ),
      );

      expect(parsed.snippet).toBe('Sounds good, let us talk.');
      expect(parsed.classification).toEqual({ kind: 'message' });
    });

    it('then a megabyte of open table cells is read in linear time', async () => {
      const parsed = await parseWithinBound(
        eml(
          ['From: dana@whitfield.example', 'Content-Type: text/html; charset=utf-8'],
          `Yes &amp; thanks${'<table><tr><td>x'.repeat(MEGABYTE / 16)}`,
        ),
      );

      expect(parsed.snippet).toMatch(/^Yes & thanks x x x/);
    });
  });

  describe('when the MIME structure is beyond what the parser accepts', () => {
    it('then a reply with 2,000 parts is still matched by its headers, instead of a parse that throws', async () => {
      const original = ourId();
      const boundary = 'many-parts';

      const parsed = await parseWithinBound(
        eml(
          [
            'From: Dana Whitfield <Dana@Whitfield.example>',
            'Subject: Re: Quick question',
            `In-Reply-To: ${original}`,
            `Content-Type: multipart/mixed; boundary="${boundary}"`,
          ],
          `--${boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n`.repeat(2_000) + `--${boundary}--\r\n`,
        ),
      );

      expect(parsed).toMatchObject({
        from: 'dana@whitfield.example',
        subject: 'Re: Quick question',
        referencedIds: [original],
        classification: { kind: 'message' },
      });
    });

    it('then a header block over the parser’s limit is read from its first lines', async () => {
      const original = ourId();

      const parsed = await parseWithinBound(
        eml(
          [
            'From: dana@whitfield.example',
            `In-Reply-To: ${original}`,
            ...Array(40_000).fill('X-Filler: 0123456789abcdef'),
          ],
          'Sounds good.',
        ),
      );

      expect(parsed).toMatchObject({ from: 'dana@whitfield.example', referencedIds: [original] });
    });
  });
});
