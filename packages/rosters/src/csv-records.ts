import type { Readable } from "node:stream";
import { type CsvError, parse } from "csv-parse";

/** One line of the file: its cells, or why csv-parse could not read it. */
export type CsvRecord =
  | { kind: "header"; cells: string[] }
  | { kind: "row"; line: number; bytes: number; cells: string[] }
  | { kind: "broken"; line: number; bytes: number; reason: string };

/**
 * Streams `input` as CSV records with their line numbers. A line csv-parse cannot read (wrong
 * number of fields, a broken quote) comes out as `broken` and reading goes on; the first record is
 * the header. `line` is where the record ends, which is where it starts unless a quoted cell spans lines.
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
  let header = true;
  for await (const item of parser as AsyncIterable<{
    record: string[];
    info: { lines: number; bytes: number };
  }>) {
    while (broken.length > 0) yield broken.shift() as CsvRecord;
    if (header) {
      header = false;
      yield { kind: "header", cells: item.record };
    } else {
      yield { kind: "row", line: item.info.lines, bytes: item.info.bytes, cells: item.record };
    }
  }
  while (broken.length > 0) yield broken.shift() as CsvRecord;
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
