/*
 * Why we parse HL7 ourselves on the hot path.
 *
 * node-hl7-client is the reference parser we test against (parser.reference.test.ts), but it
 * builds the full node tree of every message eagerly: every segment, field, repetition and
 * component becomes an object before the first read. The listener reads a few dozen primitives
 * out of messages that are mostly unread (NK1, AL1, OBX…), so here a message stays the one string
 * it was decoded to: parsing finds the segment boundaries (indexOf, no split), a segment finds its
 * field separators on its first read, and a value is cut out of that string only once it has been
 * narrowed to its repetition, component and subcomponent (value-reader.ts), unescaped only if an
 * escape character falls inside it. bench/parse.bench.ts measures this against node-hl7-client and
 * @medplum/core on the same messages; the numbers are in docs/benchmarks.md.
 */
import { type Hl7Delimiters, readDelimiters } from "./delimiters.ts";
import type { Hl7Error } from "./errors.ts";
import { DEFAULT_HL7_LIMITS, type Hl7Limits, segmentCountBreach } from "./limits.ts";
import { Hl7Message } from "./message.ts";

/** The outcome of `parseHl7`: a message, or the one error that stopped parsing (table 0357 coded). */
export type ParseResult = { ok: true; message: Hl7Message } | { ok: false; error: Hl7Error };

export interface ParseOptions {
  /**
   * MSH fields that must be valued, by spec number. Defaults to 9 (message type), 10 (control id),
   * 11 (processing id) and 12 (version id), all required by the standard and all needed to ACK.
   */
  readonly requiredHeaderFields?: readonly number[];
  /** How much of a message to take (`DEFAULT_HL7_LIMITS` unless given); see limits.ts. */
  readonly limits?: Hl7Limits;
}

const DEFAULT_REQUIRED = [9, 10, 11, 12] as const;
const HEADER_FIELD_NAMES: Readonly<Record<number, string>> = {
  3: "sending application",
  4: "sending facility",
  5: "receiving application",
  6: "receiving facility",
  7: "date/time of message",
  9: "message type",
  10: "message control id",
  11: "processing id",
  12: "version id",
};

/**
 * Splits on CR, LF or CRLF and drops blank lines: senders disagree on segment terminators and
 * many add a trailing newline, none of which should fail a message.
 */
export function splitSegmentLines(text: string): string[] {
  const bounds = segmentBounds(text, 0);
  const lines: string[] = [];
  for (let i = 0; i < bounds.length; i += 2) lines.push(text.slice(bounds[i], bounds[i + 1]));
  return lines;
}

/**
 * The segment lines of `text` from `from` on, as start and end offsets (what `splitSegmentLines`
 * would cut, without cutting): the parser keeps the message as one string, and batches are split
 * by these too.
 */
export function segmentBounds(text: string, from = 0): number[] {
  const out: number[] = [];
  const length = text.length;
  // indexOf finds terminators much faster than a loop over every character.
  let cr = text.indexOf("\r", from);
  let lf = text.indexOf("\n", from);
  for (let start = from; start <= length; ) {
    if (cr !== -1 && cr < start) cr = text.indexOf("\r", start);
    if (lf !== -1 && lf < start) lf = text.indexOf("\n", start);
    const end = cr === -1 ? (lf === -1 ? length : lf) : lf === -1 || cr < lf ? cr : lf;
    if (end > start && (text.charCodeAt(start) > 0x20 || text.slice(start, end).trim() !== ""))
      out.push(start, end);
    start = end + 1;
  }
  return out;
}

const isUpper = (c: number): boolean => c >= 0x41 && c <= 0x5a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** A segment id as HL7 defines it (`[A-Z][A-Z0-9]{2}`), tested without a regex on the hot path. */
function isSegmentId(text: string, start: number, end: number): boolean {
  if (end - start < 3) return false;
  const a = text.charCodeAt(start);
  const b = text.charCodeAt(start + 1);
  const c = text.charCodeAt(start + 2);
  return isUpper(a) && (isUpper(b) || isDigit(b)) && (isUpper(c) || isDigit(c));
}

/** Delimiters already checked, by MSH-1 + MSH-2: nearly every feed sends `|^~\\&`. */
const knownDelimiters = new Map<string, Hl7Delimiters>();

function delimitersOf(fieldSeparator: string, encoding: string): ReturnType<typeof readDelimiters> {
  const key = fieldSeparator + encoding;
  const known = knownDelimiters.get(key);
  if (known !== undefined) return { ok: true, delimiters: known };
  const read = readDelimiters(fieldSeparator, encoding);
  if (read.ok) {
    if (knownDelimiters.size >= 64) knownDelimiters.clear();
    knownDelimiters.set(key, read.delimiters);
  }
  return read;
}

/**
 * Parses one HL7 v2 message (already decoded to text, MLLP framing removed).
 * Returns errors as values so the caller can NAK with a proper ERR segment:
 * 100 when the first segment is not MSH or a segment id is malformed, 102 for unusable
 * delimiters, 101 for a missing required MSH field (with its location), and 207 or 102 for a
 * message over `options.limits` (see limits.ts). Time and memory are linear in the text's
 * length, whatever it holds.
 */
export function parseHl7(text: string, options: ParseOptions = {}): ParseResult {
  const bounds = segmentBounds(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  const mshStart = bounds[0] ?? 0;
  const mshEnd = bounds[1] ?? 0;
  if (bounds.length === 0 || !text.startsWith("MSH", mshStart)) {
    // Located at the first segment only when it has an id to name (ERL-1 is a segment id).
    const first = isSegmentId(text, mshStart, mshEnd) ? text.slice(mshStart, mshStart + 3) : "";
    return fail({
      code: "100",
      text: "Message must start with an MSH segment",
      ...(first === "" ? {} : { location: { segment: first, sequence: 1 } }),
    });
  }
  const fieldSeparator = mshEnd > mshStart + 3 ? text.charAt(mshStart + 3) : "";
  const encEnd = fieldSeparator === "" ? -1 : text.indexOf(fieldSeparator, mshStart + 4);
  const encoding = text.slice(mshStart + 4, encEnd === -1 || encEnd > mshEnd ? mshEnd : encEnd);
  const read = delimitersOf(fieldSeparator, encoding);
  if (!read.ok) {
    return fail({
      code: "102",
      text: read.reason,
      location: { segment: "MSH", sequence: 1, field: fieldSeparator === "" ? 1 : 2 },
    });
  }
  const d = read.delimiters;
  const sep = d.field.charCodeAt(0);
  for (let i = 2; i < bounds.length; i += 2) {
    const start = bounds[i] ?? 0;
    const end = bounds[i + 1] ?? 0;
    if (!isSegmentId(text, start, end) || (end - start > 3 && text.charCodeAt(start + 3) !== sep)) {
      return fail(malformedSegment(text, bounds, i));
    }
  }
  const limits = options.limits ?? DEFAULT_HL7_LIMITS;
  const tooMany = segmentCountBreach(text, bounds, limits);
  if (tooMany !== undefined) return fail(tooMany);
  const message = new Hl7Message(text, bounds, d);
  const breach = message.limitBreach(limits);
  if (breach !== undefined) return fail(breach);
  const missing = missingHeaderField(message, options.requiredHeaderFields ?? DEFAULT_REQUIRED);
  return missing === undefined ? { ok: true, message } : fail(missing);
}

/**
 * The 100 for the segment line at `bounds[i]`: located by its id and which occurrence of that id
 * it is (ERL-2 counts per segment id). A line with no usable id is not located; its position in the
 * message is in the text.
 */
function malformedSegment(text: string, bounds: readonly number[], i: number): Hl7Error {
  const start = bounds[i] ?? 0;
  const end = bounds[i + 1] ?? 0;
  const id = isSegmentId(text, start, end) ? text.slice(start, start + 3) : "";
  let sequence = 1;
  if (id !== "") for (let j = 0; j < i; j += 2) if (text.startsWith(id, bounds[j] ?? 0)) sequence++;
  // A line with no id cannot be named in ERR-2 (ERL-1 is a segment id): its position is in the text.
  return {
    code: "100",
    text: `Segment ${i / 2 + 1} does not start with a segment id`,
    ...(id === "" ? {} : { location: { segment: id, sequence } }),
  };
}

function missingHeaderField(message: Hl7Message, required: readonly number[]): Hl7Error | undefined {
  const msh = message.segment("MSH");
  if (msh === undefined) return undefined;
  for (const n of required) {
    if (msh.read(n) === "") {
      const name = HEADER_FIELD_NAMES[n];
      return {
        code: "101",
        text: `Required field MSH-${n}${name === undefined ? "" : ` (${name})`} is missing`,
        location: { segment: "MSH", sequence: 1, field: n, ...(n === 9 ? { component: 1 } : {}) },
      };
    }
  }
  return undefined;
}

function fail(error: Hl7Error): ParseResult {
  return { ok: false, error };
}
