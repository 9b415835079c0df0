import type { Readable } from "node:stream";
import { type CsvError, parse } from "csv-parse";

/** A cell that is not text: which one (by header position and name) and why. */
export interface UnreadableCell {
  index: number;
  column: string | null;
  reason: string;
}

/** One line of the file: its cells, or why csv-parse could not read it. */
export type CsvRecord =
  | { kind: "header"; cells: string[] }
  | {
      kind: "row";
      line: number;
      bytes: number;
      /** Cells as text; an unreadable one is blanked (`""`) and listed in `unreadable`. */
      cells: string[];
      unreadable?: UnreadableCell[];
    }
  | { kind: "broken"; line: number; bytes: number; reason: string };

/**
 * Streams `input` as CSV records with their line numbers. A line csv-parse cannot read (wrong
 * number of fields, a broken quote) comes out as `broken` and reading goes on; the first record is
 * the header. `line` is where the record ends, which is where it starts unless a quoted cell spans lines.
 *
 * A cell holding a NUL byte or bytes that are not UTF-8 is listed in the row's `unreadable` and
 * blanked, so no such text goes further (PostgreSQL refuses NUL in text: one would fail the whole
 * import). Invalid UTF-8 is found after decoding: csv-parse decodes each cell from its complete
 * bytes with Buffer#toString, which never throws and puts U+FFFD where bytes are not UTF-8, and
 * never cuts a character at a chunk boundary. So an `indexOf` per cell finds them, with no second
 * copy of the bytes on the hot path. The price: a U+FFFD the sender wrote as such is refused too;
 * in a roster that character is only ever the trace of an earlier lossy conversion.
 */
export async function* readCsvRecords(input: Readable): AsyncGenerator<CsvRecord> {
  const broken: CsvRecord[] = [];
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err: CsvError | undefined) => {
        if (err === undefined) return;
        const line = typeof err.lines === "number" ? err.lines : 0;
        broken.push({ kind: "broken", line, bytes: 0, reason: describe(err) });
      },
    }),
  );
  input.on("error", (err) => parser.destroy(err));
  let header: string[] | undefined;
  for await (const item of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; bytes: number };
  }>) {
    while (broken.length > 0) yield broken.shift() as CsvRecord;
    if (header === undefined) {
      header = item.record.map((name) => name.replaceAll("\0", ""));
      yield { kind: "header", cells: header };
      continue;
    }
    const unreadable = unreadableCells(item.record, header);
    yield {
      kind: "row",
      line: item.info.lines,
      bytes: item.info.bytes,
      cells: item.record,
      ...(unreadable === undefined ? {} : { unreadable }),
    };
  }
  while (broken.length > 0) yield broken.shift() as CsvRecord;
}

/** The cells of `cells` that are not text (blanked in place), or `undefined` when all are. */
function unreadableCells(cells: string[], header: readonly string[]): UnreadableCell[] | undefined {
  let found: UnreadableCell[] | undefined;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    const reason = cell.includes("\0")
      ? "contains a NUL byte"
      : cell.includes("\uFFFD")
        ? "not valid UTF-8 (save the file as UTF-8)"
        : undefined;
    if (reason === undefined) continue;
    cells[i] = "";
    found = found ?? [];
    found.push({ index: i, column: header[i] ?? null, reason });
  }
  return found;
}

function describe(err: CsvError): string {
  switch (err.code) {
    case "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH":
      return "wrong number of fields for the header";
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed (rest of the file unreadable)";
    default:
      return `unreadable CSV line (${err.code})`;
  }
}
