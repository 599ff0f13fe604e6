// How the admin CLI writes its output to stdout: lines, JSON, aligned tables and UTC times.

/** Writes one line (or several) to stdout. */
export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Writes a value as indented JSON. */
export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** Columns aligned on the widest cell, two spaces apart. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [headers, ...rows]) {
    print(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    );
  }
}

/** A listing command's rows: as JSON (each row as `json` shapes it), or as a table (`empty` when there are none). */
export function printRows<T>(
  rows: T[],
  json: boolean,
  view: { json: (row: T) => unknown; empty: string; headers: string[]; cells: (row: T) => string[] },
): void {
  if (json) return printJson(rows.map(view.json));
  if (rows.length === 0) return print(view.empty);
  printTable(view.headers, rows.map(view.cells));
}

/** A time as `YYYY-MM-DD HH:MM:SS` (UTC); empty for none. */
export function time(date: Date | null): string {
  return date ? date.toISOString().replace('T', ' ').slice(0, 19) : '';
}
