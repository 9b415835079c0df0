/** A CSV cell as the reports produce it: text, a number, a yes/no, or empty. */
export type CsvValue = string | number | boolean | null | undefined;

/** One column of an export: its header and how to read the cell from a row. */
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
}

/**
 * Characters that make a spreadsheet read a text cell as a formula (OWASP "CSV injection"): `=`, `+`,
 * `-`, `@`, and tab / carriage return, which some spreadsheets strip before looking again.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** RFC 4180: a field holding a comma, a double quote or a line break is enclosed in double quotes. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field, escaped per RFC 4180. Text that a spreadsheet would evaluate (a care manager's name or
 * a program typed as `=HYPERLINK(…)` in a roster) is prefixed with `'` so it stays text when quality
 * staff open the export. Numbers are written as numbers: a negative duration is data, not a formula.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The whole document: a header line, then one line per row, each ended by CRLF as RFC 4180 says. */
export function toCsv<Row>(columns: readonly CsvColumn<Row>[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * Columns named after the JSON fields in snake_case (`medianSeconds` → `median_seconds`), so a number
 * has the same name in both formats and an export lines up with the JSON it came from.
 */
export function snakeCaseColumns<Row>(keys: readonly (keyof Row & string)[]): CsvColumn<Row>[] {
  return keys.map((key) => ({
    header: key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    value: (row) => row[key] as CsvValue,
  }));
}

/** The Content-Type of every export (RFC 7111 registers `header=present`). */
export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8; header=present";

/**
 * `attachment` with a file name the browser saves the export under. Names are built from validated
 * parameters (measure, dates), but anything outside a safe set is replaced anyway so no header can
 * be broken by a quote or a line break.
 */
export function csvAttachment(baseName: string): string {
  const safe = baseName.replace(/[^A-Za-z0-9._-]/g, "_");
  return `attachment; filename="${safe}.csv"`;
}
