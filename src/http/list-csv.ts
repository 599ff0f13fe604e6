import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { CsvError, parse } from 'csv-parse';
import { stringify } from 'csv-stringify';
import { AppError } from '../domain/errors';

/** The largest CSV upload accepted (about a million contacts). */
export const MAX_CSV_BYTES = 200 * 1024 * 1024;

/** True when the request body is a CSV file rather than JSON. */
export function isCsvUpload(req: Request): boolean {
  return typeof req.is(['text/csv', 'application/csv']) === 'string';
}

/**
 * The request body as CSV rows, parsed as it streams in (never held whole in memory), with the line each row
 * started on. Malformed CSV and oversized uploads become 4xx errors naming the problem.
 */
export async function* csvRows(req: Request): AsyncGenerator<{ cells: string[]; line: number }> {
  const declared = Number(req.get('content-length') ?? 0);
  if (declared > MAX_CSV_BYTES) throw tooLarge();
  const parser = req
    .pipe(new ByteLimit(MAX_CSV_BYTES))
    .pipe(
      parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, max_record_size: 1_000_000 }),
    );
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

/** Streams rows (header first) to the response as a CSV attachment. */
export async function sendCsv(res: Response, filename: string, rows: AsyncIterable<string[]>): Promise<void> {
  res.type('text/csv; charset=utf-8');
  res.attachment(filename);
  await pipeline(Readable.from(rows), stringify(), res);
}

class ByteLimit extends Transform {
  private seen = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) callback(tooLarge());
    else callback(null, chunk);
  }
}

function tooLarge(): AppError {
  return new AppError(
    'payload_too_large',
    `The CSV file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB; split it into several imports.`,
  );
}
