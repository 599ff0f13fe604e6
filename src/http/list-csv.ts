import { finished, pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { CsvError, parse, type Parser } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { neutralizeFormula } from '../domain/lists/csv-formula';
import { AppError } from '../domain/errors';

/** The largest CSV upload accepted (about a million contacts). */
export const MAX_CSV_BYTES = 200 * 1024 * 1024;

/** One row of an uploaded CSV file, with the line it started on. */
export interface CsvRow {
  cells: string[];
  line: number;
}

/** True when the request body is a CSV file rather than JSON. */
export function isCsvUpload(req: Request): boolean {
  return typeof req.is(['text/csv', 'application/csv']) === 'string';
}

/**
 * The request body as CSV rows, parsed as it streams in (never held whole in memory). A declared size over the
 * limit is refused before anything starts; every later failure (the limit reached mid-stream, malformed CSV, the
 * client gone before the end of the file) rejects the iteration, so the import reading it rolls back.
 */
export function csvRows(req: Request, maxBytes = MAX_CSV_BYTES): AsyncGenerator<CsvRow> {
  if (Number(req.get('content-length') ?? 0) > maxBytes) throw tooLarge(maxBytes);
  return rowsOf(req, maxBytes);
}

async function* rowsOf(req: Request, maxBytes: number): AsyncGenerator<CsvRow> {
  const limit = new ByteLimit(maxBytes);
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: 1_000_000,
  });
  // pipeline (unlike pipe) destroys the parser with the limit's error, so the loop below sees it: no 'error' event
  // is left unhandled (it killed the process) and no loop waits forever for rows (it held its transaction open).
  pipeline(limit, parser, () => undefined);
  // The request itself is piped, not pipelined: on a failure pipeline would destroy it, and its socket with it,
  // before the client could read the answer.
  req.pipe(limit);
  // A request that closes before its end (the client went away, or was already gone) fails the import.
  const stopWatching = finished(req, { readable: true, writable: false }, (error) => {
    if (error) limit.destroy(interrupted());
  });
  try {
    yield* recordsOf(parser);
  } finally {
    stopWatching();
    discardUnread(req, limit);
  }
}

async function* recordsOf(parser: Parser): AsyncGenerator<CsvRow> {
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { cells: record, line: info.lines };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new AppError('validation_failed', 'The CSV file cannot be read: fix it and try again.', {
        errors: [`${line ? `line ${line}: ` : ''}${error.message}`],
      });
    }
    throw error;
  }
}

/**
 * When the import stops before the end of the body (a refused row, the limit), the rest is read and dropped, as
 * body-parser does, so the client gets the answer and its connection can carry the next request.
 */
function discardUnread(req: Request, limit: ByteLimit): void {
  if (req.readableEnded || req.destroyed) return;
  req.unpipe(limit);
  req.resume();
}

/** Streams rows (header first) to the response as a CSV attachment; no cell can run as a spreadsheet formula. */
export async function sendCsv(res: Response, filename: string, rows: AsyncIterable<string[]>): Promise<void> {
  res.type('text/csv; charset=utf-8');
  res.attachment(filename);
  await pipelineAsync(Readable.from(rows), stringify({ cast: { string: neutralizeFormula } }), res);
}

class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) callback(tooLarge(this.limit));
    else callback(null, chunk);
  }
}

function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'payload_too_large',
    `The CSV file is larger than ${maxBytes / 1024 / 1024} MB; split it into several imports.`,
  );
}

function interrupted(): AppError {
  return new AppError('bad_request', 'The upload stopped before the end of the CSV file; nothing was imported.');
}
