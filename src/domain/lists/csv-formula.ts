/**
 * Spreadsheets (Excel, Google Sheets, LibreOffice) run a cell starting with one of these as a formula, so a contact
 * named `=HYPERLINK(…)` would run in whoever opens an export. OWASP's list: = + - @, tab and carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A CSV cell that a spreadsheet shows as text: one that starts like a formula gets a leading `'` (OWASP). */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * An email cell of a re-imported export as it was before `neutralizeFormula` (addresses such as `-info@…` or
 * `=x@…` are valid), so the row finds its contact again instead of creating `'-info@…`. No real address starts with
 * a quote and then a formula character; other cells keep the quote, as it cannot be told from one a user typed.
 */
export function restoreNeutralizedEmail(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
